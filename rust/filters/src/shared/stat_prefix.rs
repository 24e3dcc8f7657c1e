//! Stat prefixes as configs give them, checked once at config time by every
//! network filter that names its own stats.

use envoy_dm_sdk::BoxError;

/// Checks a stat prefix: Envoy stat names are dot-separated tokens.
pub fn check_stat_prefix(prefix: &str) -> Result<(), BoxError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 64
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && !prefix.starts_with('.')
        && !prefix.ends_with('.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "stat_prefix {prefix:?} must be 1 to 64 of A-Za-z0-9_. (no leading or trailing dot)"
        )
        .into())
    }
}
