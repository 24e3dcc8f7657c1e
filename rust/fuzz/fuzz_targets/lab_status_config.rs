//! lab_status's config parser and header_auth's token file parser, fed the
//! same bytes: each accepts or refuses with a reason, never panics, and what
//! it accepts is within its documented bounds.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::bootstrap::lab_status::{parse, MAX_FLUSH_MS, RELOAD_MS};
use rust_module::http::header_auth::MAX_VALUES;
use rust_module::shared::token_file::parse_bytes;

fuzz_target!(|data: &[u8]| {
    if let Ok(settings) = parse(data) {
        assert!(settings.admin_path.starts_with('/') && settings.admin_path.len() <= 256);
        assert!(RELOAD_MS.contains(&(settings.reload_interval.as_millis() as u64)));
        assert!(settings.flush_timeout.as_millis() as u64 <= MAX_FLUSH_MS);
    }
    match parse_bytes(data) {
        Ok(tokens) => {
            assert!(!tokens.is_empty() && tokens.len() <= MAX_VALUES);
            for token in tokens {
                assert!(!token.is_empty() && !token.starts_with(b"#"));
                assert!(!token.contains(&0) && !token.contains(&b'\r') && !token.contains(&b'\n'));
                assert_eq!(token.trim_ascii(), &token[..]);
            }
        }
        Err(why) => assert!(!why.is_empty()),
    }
});
