//! Bytes in a log line, kept exactly. Header names and values are bytes, not
//! text: a client may send any byte from 0x80 to 0xFF (HTTP's obs-text), and
//! a JSON string can only hold Unicode. So a log line writes them
//!
//! - as a plain JSON string when they are valid UTF-8 (nearly always), and
//! - otherwise as `{"text": ..., "base64": ...}`: `text` for people and grep,
//!   with U+FFFD for each invalid sequence, and `base64` (RFC 4648, padded)
//!   holding the exact bytes the client sent.
//!
//! A reader takes a string as its UTF-8 bytes and an object's `base64` as the
//! bytes: either way it gets back what Envoy saw, byte for byte.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Eq, Clone)]
#[serde(untagged)]
pub enum LoggedBytes {
    /// Valid UTF-8, as itself.
    Text(String),
    /// Anything else: readable text and the exact bytes.
    Bytes { text: String, base64: String },
}

impl LoggedBytes {
    pub fn new(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::Text(text.to_owned()),
            Err(_) => Self::Bytes {
                text: String::from_utf8_lossy(bytes).into_owned(),
                base64: STANDARD.encode(bytes),
            },
        }
    }

    /// What a person reads: the text, U+FFFD where bytes were not UTF-8.
    pub fn text(&self) -> &str {
        match self {
            Self::Text(text) | Self::Bytes { text, .. } => text,
        }
    }

    /// The exact bytes; None when a line read back carries bad base64.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        match self {
            Self::Text(text) => Some(text.as_bytes().to_vec()),
            Self::Bytes { base64: b64, .. } => STANDARD.decode(b64).ok(),
        }
    }
}

impl From<&str> for LoggedBytes {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stays_a_plain_string() {
        let logged = LoggedBytes::new("café \u{1}".as_bytes());
        assert_eq!(serde_json::to_string(&logged).unwrap(), r#""café \u0001""#);
        assert_eq!(logged.text(), "café \u{1}");
    }

    #[test]
    fn other_bytes_keep_text_and_exact_bytes() {
        let sent = b"caf\xe9 \xff\xfe";
        let logged = LoggedBytes::new(sent);
        let json = serde_json::to_string(&logged).unwrap();
        assert_eq!(
            json,
            r#"{"text":"caf\ufffd \ufffd\ufffd","base64":"Y2Fm6SD//g=="}"#
                .replace(r"\ufffd", "\u{fffd}")
        );
        let back: LoggedBytes = serde_json::from_str(&json).unwrap();
        assert_eq!(back, logged);
        assert_eq!(back.bytes().unwrap(), sent);
        assert_eq!(back.text(), "caf\u{fffd} \u{fffd}\u{fffd}");
    }
}
