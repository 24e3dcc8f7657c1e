//! early_forwarded_headers on a client's headers and address (both untrusted)
//! and on its config: never a panic; after mutate, an untrusted client has no
//! header left that the default `drop` list matches, a trusted one has every
//! header it sent; the mark is there exactly once and says which. Any config
//! bytes are either refused or give a working mutation.
//!
//! Input: one mode byte; mode 0: the config bytes; otherwise one length byte,
//! that many bytes of `SourceAddress`, then headers as `name:value` lines.

#![no_main]

use envoy_dm_sdk::early_header_mutation::testing::FakeEarlyHeaderMutation;
use envoy_dm_sdk::early_header_mutation::{EarlyHeaderMutation, EnvoyEarlyHeaderMutation};
use libfuzzer_sys::fuzz_target;
use rust_module::early_header_mutation::early_forwarded_headers::ForwardedHeadersConfig;

const CONFIG: &[u8] = br#"{"trusted": ["127.0.0.0/8", "2001:db8::/32"], "mark": "x-edge-client"}"#;

fn dropped(name: &str) -> bool {
    name.starts_with("x-forwarded-") || name == "forwarded" || name == "x-real-ip"
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode == 0 {
        if let Ok(config) = ForwardedHeadersConfig::parse(rest) {
            let mut envoy =
                FakeEarlyHeaderMutation::with_headers(&[("x-forwarded-for", "1.2.3.4")]);
            config.mutate(&mut envoy);
        }
        return;
    }
    let Some((&len, rest)) = rest.split_first() else {
        return;
    };
    let (address, headers) = rest.split_at((len as usize).min(rest.len()));
    let mut envoy =
        FakeEarlyHeaderMutation::default().from(Some(&String::from_utf8_lossy(address)));
    for line in headers.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        if !name.is_empty() {
            envoy.headers.push((name, line[colon + 1..].to_vec()));
        }
    }
    let sent = envoy.headers.clone();
    let config = ForwardedHeadersConfig::parse(CONFIG).unwrap();
    let trusted = config.trusts(envoy.attribute_string(envoy_dm_sdk::AttributeId::SourceAddress));
    config.mutate(&mut envoy);
    let mark = envoy.header_values("x-edge-client");
    let want: &[u8] = if trusted { b"trusted" } else { b"untrusted" };
    assert_eq!(mark, vec![want]);
    let others: Vec<_> = envoy
        .headers
        .iter()
        .filter(|(k, _)| k != "x-edge-client")
        .cloned()
        .collect();
    let expected: Vec<_> = sent
        .into_iter()
        .filter(|(k, _)| k != "x-edge-client" && (trusted || !dropped(k)))
        .collect();
    assert_eq!(others, expected);
});
