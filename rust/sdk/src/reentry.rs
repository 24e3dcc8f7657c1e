//! Which stream is inside a callback through which Envoy can call this
//! module back for the same stream, synchronously: `send_response` (Envoy runs
//! every filter's local_reply hook before sending it), `continue_decoding` and
//! `continue_encoding` (a later filter may send a local reply at once), and
//! `append_body`. The filter is then borrowed by the hook below on the stack,
//! so such a call must not enter it again (the local_reply hook answers it
//! without the filter).
//!
//! Marked around those callbacks only, not around every hook: a thread-local
//! in a shared object costs a call into the dynamic loader per access, which
//! the request path of every filter would pay.

use std::cell::Cell;

thread_local! {
    /// The stream (Envoy's filter pointer) inside such a callback on this
    /// thread, if any.
    static CALLING: Cell<usize> = const { Cell::new(0) };
}

/// Runs `call` (one of the callbacks above) with `stream` marked.
pub(crate) fn calling<R>(stream: *const core::ffi::c_void, call: impl FnOnce() -> R) -> R {
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            CALLING.set(self.0);
        }
    }
    let _restore = Restore(CALLING.replace(stream as usize));
    call()
}

/// True when `stream` is inside one of those callbacks on this thread.
pub(crate) fn inside(stream: *const core::ffi::c_void) -> bool {
    CALLING.get() == stream as usize
}
