//! delay's `do-delay` parser: a value is accepted only as ASCII digits (spaces
//! or tabs around them allowed) naming at most the maximum, and every refusal
//! is the one-line body of a 400.
//!
//! Input: 8 bytes of maximum (little endian, reduced to the config's range),
//! then the header value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::http::delay::parse_delay;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (max, value) = data.split_at(8);
    let max = u64::from_le_bytes(max.try_into().unwrap()) % 60_001;
    match parse_delay(value, max) {
        Ok(ms) => {
            assert!(ms <= max);
            let text = value.trim_ascii();
            assert!(!text.is_empty() && text.iter().all(u8::is_ascii_digit));
            assert_eq!(
                std::str::from_utf8(text).unwrap().parse::<u64>().unwrap(),
                ms
            );
        }
        Err(why) => {
            assert!(why.starts_with("do-delay "), "{why}");
            assert!(
                why.ends_with('\n') && why.matches('\n').count() == 1,
                "{why:?}"
            );
        }
    }
});
