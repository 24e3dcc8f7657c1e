//! hf_preserve_case on header names a peer sends (untrusted): never a panic;
//! whatever names arrive, a message's formatter holds at most `max_keys`
//! names of at most `max_key_len` bytes, and every spelling it gives is the
//! asked name in another case (Envoy writes it verbatim: anything else would
//! rename a header). Any config bytes are refused or give a working formatter.
//!
//! Input: one mode byte; mode 0: the config bytes; otherwise the names of one
//! message, one per line, processed in order, then each asked lowercased.

#![no_main]

use envoy_dm_sdk::header_formatter::testing::FakeHeaderFormatterConfig;
use envoy_dm_sdk::header_formatter::{HeaderFormatter, HeaderFormatterConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::header_formatter::hf_preserve_case::{PreserveCase, PreserveCaseConfig};

const MAX_KEYS: usize = 8;
const MAX_KEY_LEN: usize = 16;

fn check(config: &PreserveCaseConfig, keys: &[&[u8]], bound: Option<usize>) {
    assert!(config.new_header_formatter().is_some(), "never declines");
    let mut formatter: PreserveCase = config.message();
    for key in keys {
        formatter.process_key(key);
    }
    if let Some(bound) = bound {
        let held = formatter.held_bytes();
        assert!(held <= bound, "{held} > {bound}");
    }
    for key in keys {
        let lower = key.to_ascii_lowercase();
        if let Some(out) = formatter.format(&lower) {
            assert!(out.eq_ignore_ascii_case(&lower), "{out:?} for {lower:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode == 0 {
        if let Ok(config) = PreserveCaseConfig::new(&mut FakeHeaderFormatterConfig, rest) {
            check(&config, &[b"X-A", b"x-b"], None);
        }
        return;
    }
    let config = format!(
        r#"{{"names": ["X-Legacy-Token"], "max_keys": {MAX_KEYS}, "max_key_len": {MAX_KEY_LEN}}}"#
    );
    let config =
        PreserveCaseConfig::new(&mut FakeHeaderFormatterConfig, config.as_bytes()).unwrap();
    let keys: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    check(&config, &keys, Some(2 * MAX_KEYS * MAX_KEY_LEN));
});
