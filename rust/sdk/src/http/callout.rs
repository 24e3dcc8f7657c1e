//! HTTP callouts: a stream sends a request to a cluster and hears back in its
//! filter's `on_http_callout_done`.
//!
//! Envoy's async client may finish a request before `http_callout` returns;
//! Envoy 1.40's success path does not check for that, so the done hook could
//! run from inside the callback, while the filter is still in the hook that
//! called out and holds `&mut self` (not seen here: a cluster without hosts
//! returns CannotCreateRequest and no answer). Entering the filter again there would alias that
//! borrow, so [`calling_out`] marks the stream for the length of the call and
//! the done hook drops such an inline answer ([`answered_inline`]); Envoy
//! returns CannotCreateRequest for it, and that is what the filter sees.

use crate::abi;
use crate::ffi::envoy_bytes;
use std::cell::Cell;

/// What `http_callout` returns when Envoy did not start the callout.
pub type HttpCalloutInitResult = abi::envoy_dynamic_module_type_http_callout_init_result;
/// How a callout ended, as `on_http_callout_done` hears it.
pub type HttpCalloutResult = abi::envoy_dynamic_module_type_http_callout_result;

/// A callout's response, borrowed from Envoy for the length of the done hook.
#[derive(Debug, Clone, Default)]
pub struct HttpCalloutResponse<'a> {
    headers: Vec<(&'a [u8], &'a [u8])>,
    body: Vec<&'a [u8]>,
}

impl<'a> HttpCalloutResponse<'a> {
    /// A response from its headers (pseudo-headers included) and body slices.
    pub fn new(headers: Vec<(&'a [u8], &'a [u8])>, body: Vec<&'a [u8]>) -> Self {
        Self { headers, body }
    }

    /// Every (name, value), `:status` included, in Envoy's order.
    pub fn headers(&self) -> &[(&'a [u8], &'a [u8])] {
        &self.headers
    }

    /// The first value of a header; `name` is compared without regard to case.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    }

    /// `:status` as a number, when it is one.
    pub fn status(&self) -> Option<u16> {
        let raw = self.header(":status")?;
        (raw.len() == 3 && raw.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(raw).ok()?.parse().ok())
            .flatten()
    }

    /// The body as Envoy holds it, slice by slice.
    pub fn body_chunks(&self) -> &[&'a [u8]] {
        &self.body
    }

    /// The body's length in bytes.
    pub fn body_len(&self) -> usize {
        self.body.iter().map(|c| c.len()).sum()
    }

    /// A copy of the whole body.
    pub fn body(&self) -> Vec<u8> {
        self.body.concat()
    }

    /// The done hook's arrays as a response; None when Envoy passed none.
    ///
    /// # Safety
    /// Each non-NULL array holds its count of entries, readable for `'a`.
    pub(crate) unsafe fn from_raw(
        headers: *const abi::envoy_dynamic_module_type_envoy_http_header,
        headers_size: usize,
        body: *const abi::envoy_dynamic_module_type_envoy_buffer,
        body_size: usize,
    ) -> Option<Self> {
        if headers.is_null() || headers_size == 0 {
            return None;
        }
        // SAFETY: Envoy lends `headers_size` headers, each pointing at bytes
        // it keeps for the done hook (the caller's contract).
        let headers = unsafe { core::slice::from_raw_parts(headers, headers_size) }
            .iter()
            .map(|h| {
                // SAFETY: as above, each header's two buffers.
                unsafe {
                    (
                        envoy_bytes(h.key_ptr, h.key_length),
                        envoy_bytes(h.value_ptr, h.value_length),
                    )
                }
            })
            .collect();
        let body = if body.is_null() {
            Vec::new()
        } else {
            // SAFETY: Envoy lends `body_size` chunks for the done hook.
            unsafe { core::slice::from_raw_parts(body, body_size) }
                .iter()
                // SAFETY: as above, each chunk's bytes.
                .map(|b| unsafe { envoy_bytes(b.ptr, b.length) })
                .collect()
        };
        Some(Self { headers, body })
    }
}

thread_local! {
    /// The stream (its Envoy pointer) in the middle of an http_callout call on
    /// this thread, and whether the done hook came for it meanwhile.
    static CALLING_OUT: Cell<Option<(usize, bool)>> = const { Cell::new(None) };
}

/// Runs `call` (the ABI call that starts a callout for `stream`); also says
/// whether Envoy answered it before returning.
pub(crate) fn calling_out<R>(
    stream: *const core::ffi::c_void,
    call: impl FnOnce() -> R,
) -> (R, bool) {
    let outer = CALLING_OUT.replace(Some((stream as usize, false)));
    let result = call();
    let inline = matches!(CALLING_OUT.replace(outer), Some((_, true)));
    (result, inline)
}

/// Called first by the done hook: true when `stream` is inside [`calling_out`]
/// on this thread, so the answer came inline and must not reach the filter.
pub(crate) fn answered_inline(stream: *const core::ffi::c_void) -> bool {
    match CALLING_OUT.get() {
        Some((s, _)) if s == stream as usize => {
            CALLING_OUT.set(Some((s, true)));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_headers_and_body() {
        let response = HttpCalloutResponse::new(
            vec![
                (b":status", b"403"),
                (b"Content-Type", b"text/plain"),
                (b"x-a", b"1"),
                (b"x-a", b"2"),
            ],
            vec![b"no ", b"entry"],
        );
        assert_eq!(response.status(), Some(403));
        assert_eq!(response.header("content-type"), Some(&b"text/plain"[..]));
        assert_eq!(response.header("x-a"), Some(&b"1"[..]));
        assert_eq!(response.header("x-b"), None);
        assert_eq!(response.body(), b"no entry");
        assert_eq!(response.body_len(), 8);
        for bad in [&b"20"[..], b"2000", b"2x0", b""] {
            let r = HttpCalloutResponse::new(vec![(b":status", bad)], vec![]);
            assert_eq!(r.status(), None, "{bad:?}");
        }
    }

    #[test]
    fn null_arrays_are_no_response() {
        // SAFETY: NULL arrays are never read.
        let none =
            unsafe { HttpCalloutResponse::from_raw(core::ptr::null(), 0, core::ptr::null(), 0) };
        assert!(none.is_none());
    }

    #[test]
    fn an_answer_during_the_call_is_caught_for_that_stream_only() {
        let (a, b) = (
            8 as *const core::ffi::c_void,
            16 as *const core::ffi::c_void,
        );
        let ((), inline) = calling_out(a, || {
            assert!(!answered_inline(b), "another stream's done hook passes");
            assert!(answered_inline(a));
        });
        assert!(inline);
        let ((), inline) = calling_out(a, || ());
        assert!(!inline);
        // Outside any call, every done hook passes.
        assert!(!answered_inline(a));
        // Nested: a callout started from a done hook inside another call.
        let ((), outer) = calling_out(a, || {
            let ((), inner) = calling_out(b, || assert!(answered_inline(b)));
            assert!(inner);
        });
        assert!(!outer, "the inner answer is not the outer one");
    }
}
