//! Parsing of `filter_config` bytes shared by the filters.

use envoy_dm_sdk::BoxError;
use serde::de::DeserializeOwned;

/// Parses a JSON filter_config. Envoy hands a `google.protobuf.Struct` over as
/// JSON text and a `StringValue` as its raw bytes; both arrive here. An absent
/// config arrives as empty bytes and is refused with its own message.
pub fn parse_json<T: DeserializeOwned>(config: &[u8]) -> Result<T, BoxError> {
    if config.iter().all(u8::is_ascii_whitespace) {
        return Err("filter_config is empty; expected a JSON object".into());
    }
    Ok(serde_json::from_slice(config)?)
}
