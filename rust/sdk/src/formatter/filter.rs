//! The traits an access-log formatter implements.

use super::EnvoyFormatter;
use crate::BoxError;

/// One `%COMMAND(argument):max_length%` of a format string, as Envoy offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command<'a> {
    /// The name between `%` and `(`, e.g. `KEYED_HASH`.
    pub name: &'a str,
    /// What is inside the parentheses (empty without them).
    pub argument: &'a [u8],
    /// The `:N` after the command, if any. The SDK cuts every value of the
    /// provider to it, so a provider never has to.
    pub max_length: Option<usize>,
}

/// One configured formatter (a format string's `formatters` entry), made on
/// the main thread; it only parses commands.
pub trait FormatterConfig<E: EnvoyFormatter>: Send + Sync {
    /// `Ok(None)`: not one of this formatter's commands (Envoy asks its other
    /// parsers, and refuses the format string if none knows it). `Err`: the
    /// command is this formatter's but unusable (a missing argument, say): the
    /// SDK logs one line naming the formatter and the command, and Envoy
    /// refuses the format string.
    fn parse(
        &self,
        command: &Command<'_>,
    ) -> Result<Option<Box<dyn FormatterProvider<E>>>, BoxError>;
}

/// One parsed command: formats its value for every log line, concurrently
/// from every worker, so it keeps no per-line state.
pub trait FormatterProvider<E: EnvoyFormatter>: Send + Sync {
    /// The value's bytes, written to the log as they are; None for no value
    /// (Envoy writes `-` in a text format, null in a JSON one).
    fn format(&self, envoy: &E) -> Option<Vec<u8>>;
}
