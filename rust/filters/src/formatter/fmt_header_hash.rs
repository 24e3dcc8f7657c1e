//! `fmt_header_hash`: the access-log command `%KEYED_HASH(header)%`, a keyed
//! hash of a request header's value, so that log lines can be joined on a user
//! (or a token, a session) without the log holding the value itself.
//!
//! The hash is HMAC-SHA-256 under a secret key, written as lowercase hex and
//! cut to `hex_chars` (16 by default: 64 bits). Without the key the hash of a
//! guessable value (an e-mail address, a user id) cannot be recomputed, which
//! a plain hash would allow. The MAC is over the bytes the client sent, every
//! one of them: values that are not UTF-8 hash as themselves, never as U+FFFD.
//! A header with several values hashes them joined by `,` (as `%REQ(...)%`
//! joins them); an absent header gives no value (`-`).
//!
//! Config: `{"key_file": "path"}` (the key is the file's bytes, a trailing
//! newline dropped) or `{"key": "..."}` (for tests and demos), at least 16
//! bytes either way; optional `"hex_chars": 8..=64`.

use crate::shared::header_name::check_name;
use envoy_dm_sdk::formatter::{Command, EnvoyFormatter, EnvoyFormatterConfig};
use envoy_dm_sdk::formatter::{FormatterConfig, FormatterProvider};
use envoy_dm_sdk::{BoxError, HeaderType};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

/// The command this formatter owns.
pub const COMMAND: &str = "KEYED_HASH";
/// The shortest key accepted: shorter ones make the hash guessable.
const MIN_KEY_BYTES: usize = 16;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    key: Option<String>,
    key_file: Option<String>,
    hex_chars: Option<usize>,
}

pub struct HeaderHashConfig {
    keyed: Arc<KeyedHash>,
}

/// The key and the output length, shared by every command of the config.
struct KeyedHash {
    key: Vec<u8>,
    hex_chars: usize,
}

impl HeaderHashConfig {
    pub fn new(_envoy: &mut impl EnvoyFormatterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let settings: Settings = envoy_dm_sdk::parse_json(config)?;
        let key = match (settings.key, settings.key_file) {
            (Some(key), None) => key.into_bytes(),
            (None, Some(path)) => {
                let mut key =
                    std::fs::read(&path).map_err(|e| format!("key_file {path:?}: {e}"))?;
                while key.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                    key.pop();
                }
                key
            }
            _ => return Err("exactly one of key and key_file is required".into()),
        };
        if key.len() < MIN_KEY_BYTES {
            return Err(format!(
                "the key has {} bytes; at least {MIN_KEY_BYTES} are required",
                key.len()
            )
            .into());
        }
        let hex_chars = settings.hex_chars.unwrap_or(16);
        if !(8..=64).contains(&hex_chars) {
            return Err(format!("hex_chars must be 8 to 64, got {hex_chars}").into());
        }
        Ok(Self {
            keyed: Arc::new(KeyedHash { key, hex_chars }),
        })
    }
}

impl<E: EnvoyFormatter> FormatterConfig<E> for HeaderHashConfig {
    fn parse(
        &self,
        command: &Command<'_>,
    ) -> Result<Option<Box<dyn FormatterProvider<E>>>, BoxError> {
        if command.name != COMMAND {
            return Ok(None);
        }
        let name =
            std::str::from_utf8(command.argument).map_err(|_| "the header name is not UTF-8")?;
        if name.is_empty() {
            return Err("needs a request header name, e.g. %KEYED_HASH(x-user-id)%".into());
        }
        let header = check_name(COMMAND, name, true)?;
        Ok(Some(Box::new(HashedHeader {
            header,
            keyed: Arc::clone(&self.keyed),
        })))
    }
}

/// One `%KEYED_HASH(header)%` of a format string.
struct HashedHeader {
    header: String,
    keyed: Arc<KeyedHash>,
}

impl<E: EnvoyFormatter> FormatterProvider<E> for HashedHeader {
    fn format(&self, envoy: &E) -> Option<Vec<u8>> {
        let values = envoy.header_values(HeaderType::RequestHeader, &self.header);
        if values.is_empty() {
            return None;
        }
        Some(self.keyed.hex(&values.join(&b","[..])))
    }
}

impl KeyedHash {
    fn hex(&self, value: &[u8]) -> Vec<u8> {
        keyed_hash_hex(&self.key, value, self.hex_chars)
    }
}

/// HMAC-SHA-256 of `value` under `key`, lowercase hex, cut to `hex_chars`.
pub fn keyed_hash_hex(key: &[u8], value: &[u8], hex_chars: usize) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // HMAC takes a key of any length: new_from_slice cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(value);
    let digest = mac.finalize().into_bytes();
    let mut out = Vec::with_capacity(64);
    for byte in digest {
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    }
    out.truncate(hex_chars);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::formatter::testing::{FakeFormatter, FakeFormatterConfig};

    fn config(json: &str) -> Result<HeaderHashConfig, BoxError> {
        HeaderHashConfig::new(&mut FakeFormatterConfig, json.as_bytes())
    }

    fn provider(config: &HeaderHashConfig, arg: &str) -> Box<dyn FormatterProvider<FakeFormatter>> {
        let command = Command {
            name: COMMAND,
            argument: arg.as_bytes(),
            max_length: None,
        };
        config.parse(&command).unwrap().unwrap()
    }

    const KEY: &str = r#"{"key": "0123456789abcdef"}"#;

    #[test]
    fn rfc_4231_test_case_2() {
        // Key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            keyed_hash_hex(b"Jefe", b"what do ya want for nothing?", 64),
            b"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843".to_vec()
        );
    }

    #[test]
    fn hashes_the_exact_bytes_and_joins_values() {
        let config = config(KEY).unwrap();
        let hash = provider(&config, "X-User");
        let raw = FakeFormatter::with_request_headers(&[("x-user", b"\xe9\xff\xfe")]);
        let lossy = FakeFormatter::with_request_headers(&[(
            "x-user",
            "\u{fffd}\u{fffd}\u{fffd}".as_bytes(),
        )]);
        let got = hash.format(&raw).unwrap();
        assert_eq!(
            got,
            keyed_hash_hex(b"0123456789abcdef", b"\xe9\xff\xfe", 16)
        );
        assert_ne!(Some(got), hash.format(&lossy));
        let two = FakeFormatter::with_request_headers(&[("x-user", b"a"), ("x-user", b"b")]);
        assert_eq!(
            hash.format(&two),
            Some(keyed_hash_hex(b"0123456789abcdef", b"a,b", 16))
        );
        assert_eq!(hash.format(&FakeFormatter::default()), None);
    }

    #[test]
    fn other_commands_are_left_to_envoy() {
        let config = config(KEY).unwrap();
        let command = Command {
            name: "REQ",
            argument: b"x-user",
            max_length: None,
        };
        assert!(FormatterConfig::<FakeFormatter>::parse(&config, &command)
            .unwrap()
            .is_none());
    }

    #[test]
    fn bad_configs_and_commands_are_refused() {
        for (json, why) in [
            (r#"{}"#, "exactly one of key and key_file"),
            (r#"{"key": "short"}"#, "at least 16"),
            (
                r#"{"key": "0123456789abcdef", "hex_chars": 4}"#,
                "hex_chars must be 8 to 64",
            ),
            (r#"{"key_file": "/nonexistent/key"}"#, "key_file"),
            (r#"{"key": "0123456789abcdef", "salt": 1}"#, "unknown field"),
        ] {
            let error = config(json).err().unwrap().to_string();
            assert!(error.contains(why), "{json}: {error}");
        }
        let config = config(KEY).unwrap();
        for (arg, why) in [
            ("", "needs a request header name"),
            ("a b", "not a valid HTTP token"),
        ] {
            let command = Command {
                name: COMMAND,
                argument: arg.as_bytes(),
                max_length: None,
            };
            let error = FormatterConfig::<FakeFormatter>::parse(&config, &command)
                .err()
                .unwrap();
            assert!(error.to_string().contains(why), "{arg:?}: {error}");
        }
    }

    #[test]
    fn the_key_file_loses_its_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, b"0123456789abcdef\n").unwrap();
        let json = format!(
            r#"{{"key_file": {:?}, "hex_chars": 64}}"#,
            path.to_str().unwrap()
        );
        let config = config(&json).unwrap();
        let raw = FakeFormatter::with_request_headers(&[("x-user", b"alice")]);
        assert_eq!(
            provider(&config, "x-user").format(&raw),
            Some(keyed_hash_hex(b"0123456789abcdef", b"alice", 64))
        );
    }
}
