//! A fake of the HTTP/1 header formatter's Envoy handles for unit tests, and
//! a driver that plays one message through a formatter as Envoy does.

use super::{EnvoyHeaderFormatterConfig, HeaderFormatterConfig};

/// A formatter configuration being created.
#[derive(Debug, Default)]
pub struct FakeHeaderFormatterConfig;

impl EnvoyHeaderFormatterConfig for FakeHeaderFormatterConfig {}

/// What Envoy would write for each of `asked` (lowercase names) after the
/// message's names `seen` were processed: the formatter's spelling, or the
/// name as is when it declines (or the configuration declines the message).
pub fn play(config: &dyn HeaderFormatterConfig, seen: &[&str], asked: &[&str]) -> Vec<String> {
    let Some(mut formatter) = config.new_header_formatter() else {
        return asked.iter().map(|k| k.to_string()).collect();
    };
    for key in seen {
        formatter.process_key(key.as_bytes());
    }
    asked
        .iter()
        .map(|k| match formatter.format(k.as_bytes()) {
            Some(out) if !out.is_empty() => String::from_utf8_lossy(out).into_owned(),
            _ => k.to_string(),
        })
        .collect()
}
