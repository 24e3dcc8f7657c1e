//! The config parser of json_access_log (the access_logger filter shares it),
//! fed any bytes as logger_config. It may refuse them (an `Err` with a reason)
//! but never panic, hang or run away with memory; what it accepts is within
//! the limits the writers rely on, and every redacted name is a header name.
//!
//! `Settings::parse` is the whole of either `new` but for opening files and
//! starting writers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::shared::log_sink::{Settings, MAX_QUEUE_LINES, MAX_WORKERS};

fuzz_target!(|data: &[u8]| {
    if let Ok(settings) = Settings::parse(data) {
        assert!((1..=MAX_WORKERS).contains(&settings.num_workers));
        assert!((1..=MAX_QUEUE_LINES).contains(&settings.queue_lines));
        for name in &settings.redact {
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()),
                "{name:?}"
            );
        }
    }
});
