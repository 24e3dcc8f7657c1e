//! What the non-HTTP kinds (listener, UDP listener, access logger) share about
//! their configs: a table of filters by name, looked up for
//! [`crate::config::create`], and the context of their panic lines.

/// A kind's filters by name, made by its `declare_*_filters!` macro.
pub type FilterTable<New> = &'static [(&'static str, New)];

/// The constructor registered under `name` in `table`, with the name's static
/// copy, or why there is none.
pub(crate) fn find<New: Copy>(
    table: FilterTable<New>,
    name: &str,
) -> Result<(&'static str, New), String> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .copied()
        .ok_or_else(|| {
            let names: Vec<_> = table.iter().map(|(n, _)| *n).collect();
            format!("unknown filter name; this module has: {}", names.join(", "))
        })
}
