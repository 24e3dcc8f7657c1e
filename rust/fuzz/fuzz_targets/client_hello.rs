//! The ClientHello/SNI reader of listener_sni_router and listener_tls_detector,
//! against invariants:
//!
//! - it never panics, and a name it returns is a valid, lowercase host name
//!   of 1 to 253 bytes that occurs in the input (case-insensitively);
//! - deciding on a prefix is final: once a prefix gives anything but
//!   NeedMore, every longer input gives the same (the router decides on what
//!   Envoy has peeked so far, and must not change its mind);
//! - the TLS detector's three-byte test agrees with the reader;
//! - a well-formed ClientHello built around the input's first bytes as a name
//!   reads back that name, or is refused when it is not a host name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::shared::client_hello::{build, looks_like_tls, parse, Hello, MAX_NAME};

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && name.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

fuzz_target!(|data: &[u8]| {
    let whole = parse(data);
    if let Hello::ServerName(name) = &whole {
        assert!(valid_name(name), "{name:?}");
        let lower = data.to_ascii_lowercase();
        assert!(
            lower.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name:?} is not in the input"
        );
    }
    // Prefix stability, at a few cut points (all of them would be quadratic).
    for cut in [
        1,
        3,
        5,
        6,
        9,
        43,
        data.len() / 2,
        data.len().saturating_sub(1),
    ] {
        if cut >= data.len() {
            continue;
        }
        let early = parse(&data[..cut]);
        if early != Hello::NeedMore {
            assert_eq!(early, whole, "decided differently on {cut} bytes");
        }
    }
    match looks_like_tls(data) {
        None => assert_eq!(whole, Hello::NeedMore),
        Some(false) => assert_eq!(whole, Hello::NotTls),
        Some(true) => assert_ne!(whole, Hello::NotTls),
    }
    let name = &data[..data.len().min(300)];
    match parse(&build(Some(name))) {
        Hello::ServerName(got) => {
            let want = name.strip_suffix(b".").unwrap_or(name).to_ascii_lowercase();
            assert_eq!(got.as_bytes(), want.as_slice());
        }
        Hello::Malformed(_) => {}
        other => panic!("a built ClientHello read as {other:?}"),
    }
});
