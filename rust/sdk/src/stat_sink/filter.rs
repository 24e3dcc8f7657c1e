//! The trait a stats sink implements.

use super::EnvoyStatSinkSnapshot;

/// One configured stats sink, shared by the main thread (flush) and every
/// worker (histogram samples): it is `Send + Sync` and must not block a worker.
pub trait StatSink<E: EnvoyStatSinkSnapshot>: Send + Sync {
    /// One flush, every `stats_flush_interval`, on the main thread: the
    /// snapshot is readable until it returns.
    fn flush(&self, snapshot: &E);

    /// One histogram sample, on the worker that recorded it, on the request's
    /// path. The default ignores it.
    fn on_histogram_complete(&self, name: &[u8], value: u64) {
        let _ = (name, value);
    }
}
