//! json_access_log's config parser, fed any bytes as logger_config. It may
//! refuse them (an `Err` with a reason) but never panic, hang or run away with
//! memory; what it accepts is within the limits the writers rely on, and every
//! redacted name is a header name the line builder can compare.
//!
//! `parse` is the whole of `new` but for opening files and starting writers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_module::json_access_log::JsonAccessLogConfig;
use rust_module::log_sink::{MAX_QUEUE_LINES, MAX_WORKERS};

fuzz_target!(|data: &[u8]| {
    if let Ok(settings) = JsonAccessLogConfig::parse(data) {
        assert!((1..=MAX_WORKERS).contains(&settings.num_workers));
        assert!((1..=MAX_QUEUE_LINES).contains(&settings.queue_lines));
        for name in &settings.redact {
            assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()), "{name:?}");
        }
    }
});
