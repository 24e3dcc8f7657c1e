//! Building a configuration for the non-HTTP kinds (listener, UDP listener):
//! the same refusals as the HTTP filter, with the kind in the line, so a bad
//! config is one line naming the module, the kind, the filter and the problem.

use crate::barrier::{guard, Panicked};
use crate::config::MAX_CONFIG_BYTES;
use crate::{registry, BoxError, LogLevel};

/// A kind's filters by name, made by its `declare_*_filters!` macro.
pub type FilterTable<New> = &'static [(&'static str, New)];

fn module_name() -> &'static str {
    registry::module().map_or("dynamic module", |m| m.name)
}

/// Logs `{module}: {kind} '{name}': {why}` at error level.
pub(crate) fn refuse(kind: &str, name: &str, why: &str) {
    crate::log::log(
        LogLevel::Error,
        &format!("{}: {kind} '{name}': {why}", module_name()),
    );
}

/// Finds `name` in `table`, checks the config's size, and runs `build` behind
/// the panic barrier. Returns the filter's static name and what `build` made,
/// or None after logging the one refusal line.
pub(crate) fn build_config<New: Copy, T>(
    kind: &str,
    table: FilterTable<New>,
    name: &[u8],
    config: &[u8],
    build: impl FnOnce(New, &[u8]) -> Result<T, BoxError>,
) -> Option<(&'static str, T)> {
    let name = String::from_utf8_lossy(name);
    let Some((filter_name, new)) = table.iter().find(|(n, _)| *n == name).copied() else {
        let names: Vec<_> = table.iter().map(|(n, _)| *n).collect();
        refuse(
            kind,
            &name,
            &format!("unknown filter name; this module has: {}", names.join(", ")),
        );
        return None;
    };
    if config.len() > MAX_CONFIG_BYTES {
        refuse(
            kind,
            filter_name,
            &format!(
                "invalid filter_config: {} bytes is over the {MAX_CONFIG_BYTES}-byte limit",
                config.len()
            ),
        );
        return None;
    }
    let built = guard(
        || format!("{}: {kind} '{filter_name}' config creation", module_name()),
        || build(new, config),
    );
    match built {
        Ok(Ok(made)) => Some((filter_name, made)),
        Ok(Err(error)) => {
            refuse(
                kind,
                filter_name,
                &format!("invalid filter_config: {error}"),
            );
            None
        }
        Err(Panicked) => None,
    }
}

/// The context of a panic log line: `{module}: {kind} '{name}' in {phase}`.
pub(crate) fn context(kind: &str, filter_name: &str, phase: &str) -> String {
    format!("{}: {kind} '{filter_name}' in {phase}", module_name())
}
