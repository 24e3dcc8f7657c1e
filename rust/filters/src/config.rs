//! Parsing of `filter_config` bytes shared by the filters.

use envoy_dm_sdk::BoxError;
use serde::de::DeserializeOwned;

/// Parses a JSON filter_config. Envoy hands a `google.protobuf.Struct` over as
/// JSON text and a `StringValue` as its raw bytes; both arrive here. An absent
/// config arrives as empty bytes and is refused with its own message.
///
/// Only a JSON object is accepted: serde would also build a struct from an
/// array of its fields in order, which no config author means.
pub fn parse_json<T: DeserializeOwned>(config: &[u8]) -> Result<T, BoxError> {
    match config.iter().position(|b| !b.is_ascii_whitespace()) {
        None => Err("filter_config is empty; expected a JSON object".into()),
        Some(i) if config[i] != b'{' => Err("invalid type: expected a JSON object".into()),
        Some(_) => Ok(serde_json::from_slice(config)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Two {
        a: Option<u8>,
        b: Option<u8>,
    }

    #[test]
    fn only_objects() {
        assert!(parse_json::<Two>(br#" {"a": 1} "#).is_ok());
        for bad in [&b"[1, 2]"[..], b"[]", b"1", b"\"a\"", b"  "] {
            assert!(
                parse_json::<Two>(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
