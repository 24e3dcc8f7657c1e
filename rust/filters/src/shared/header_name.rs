//! Header names and values as configs give them: checked once at config time
//! by every filter that sets or reads a header by a configured name.

use envoy_dm_sdk::BoxError;

/// RFC 9110 token characters.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Checks a header name and returns it lowercased.
pub fn check_name(at: &str, name: &str, allow_pseudo: bool) -> Result<String, BoxError> {
    let token = match name.strip_prefix(':') {
        Some(_) if !allow_pseudo => {
            return Err(format!(
                "{at}: {name:?} is a pseudo-header; set \"allow_pseudo_headers\": true to change it"
            )
            .into())
        }
        Some(rest) => rest,
        None => name,
    };
    if token.is_empty() || !token.bytes().all(is_token_byte) {
        return Err(format!("{at}: header name {name:?} is not a valid HTTP token").into());
    }
    Ok(name.to_ascii_lowercase())
}

/// Refuses values Envoy would drop or that would split a message.
pub fn check_value(at: &str, value: &str) -> Result<(), BoxError> {
    if value.is_empty() {
        return Err(format!(
            "{at}: header value is empty; Envoy removes a header set to \"\", list it under remove_* instead"
        )
        .into());
    }
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(format!("{at}: header value {value:?} contains CR, LF or NUL").into());
    }
    Ok(())
}
