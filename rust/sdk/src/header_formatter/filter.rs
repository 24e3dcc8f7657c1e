//! The traits an HTTP/1 header formatter implements.

/// One configured formatter kind, shared by every worker: it makes the
/// formatter of each HTTP/1 message.
pub trait HeaderFormatterConfig: Send + Sync {
    /// The formatter of one message; None declines (that message keeps
    /// Envoy's default casing).
    fn new_header_formatter(&self) -> Option<Box<dyn HeaderFormatter>>;
}

/// One HTTP/1 message's formatter. Envoy calls it from one thread at a time;
/// it may be dropped on another.
pub trait HeaderFormatter: Send {
    /// One header name of the message as it arrived on the wire, in order,
    /// before any [`format`](Self::format). The bytes are Envoy's: copy what
    /// you keep, and keep a bounded amount (names come from the peer).
    fn process_key(&mut self, key: &[u8]);

    /// How to write `key` (lowercase) on the wire, or None for `key` as is.
    /// The spelling must be `key` in another case: Envoy writes it verbatim.
    fn format(&mut self, key: &[u8]) -> Option<&[u8]>;
}
