//! The HTTP hooks' bodies, generic over the stream handle so unit tests run
//! them on the fake: each turns the module's objects back into the filter, runs
//! its method behind the panic barrier, and fails closed when it panics.
//! [`hooks`](super::hooks) exports the `extern "C"` glue that calls them.

use crate::abi::*;
use crate::barrier::{guard, in_phase, Panicked};
use crate::config::{self, ConfigKind};
use crate::http::callout::{HttpCalloutResponse, HttpCalloutResult};
use crate::http::place::{PlacedFilter, StreamBoxes};
use crate::{EnvoyFilterHandle, EnvoyHttpFilter, HttpFilter, HttpFilterConfig};
use crate::{LocalReplyStatus, ResponseBodyStatus, ResponseHeadersStatus, ResponseTrailersStatus};
use crate::{RequestBodyStatus, RequestHeadersStatus, RequestTrailersStatus};

/// An HTTP filter's configuration in refusals, panic lines and the live counts.
pub(crate) const FILTER_CONFIG: ConfigKind = ConfigKind {
    noun: "filter",
    label: "http",
    creation: "config creation",
};

/// A per-route override's, likewise.
pub(crate) const PER_ROUTE_CONFIG: ConfigKind = ConfigKind {
    noun: "per-route config",
    label: "http",
    creation: "creation",
};

/// What `filter_config_module_ptr` points to.
pub(crate) type ConfigBox = config::ConfigBox<dyn HttpFilterConfig<EnvoyFilterHandle>>;

/// What `filter_module_ptr` points to. `filter` is None when creating it panicked.
/// Generic over the handle so unit tests run the hook bodies with a fake.
pub(crate) struct FilterBox<E: EnvoyHttpFilter> {
    pub(crate) filter_name: &'static str,
    pub(crate) filter: Option<PlacedFilter<E>>,
    /// Set once the filter panicked; from then on the stream bypasses the filter.
    pub(crate) failed: bool,
    /// Set by stream_complete: a callout answer after it is not delivered.
    pub(crate) completed: bool,
    /// Counts the stream alive until the box is dropped.
    pub(crate) _live: crate::live::Instance,
}

/// The local reply a stream gets when its filter fails; the same in all three
/// languages of this repository.
pub const FAIL_CLOSED_STATUS: u32 = 500;

pub const FAIL_CLOSED_BODY: &[u8] = b"dynamic module filter failed\n";

pub const FAIL_CLOSED_DETAILS: &str = "dynamic_module_filter_failed";

/// The body of http_filter_new. A filter that failed to build still gets a box,
/// so the stream fails closed with the same local reply as any other failure
/// (and Envoy never sees a NULL filter pointer).
pub(crate) fn new_filter<E: EnvoyHttpFilter>(
    filter_name: &'static str,
    counts: &'static crate::live::Counts,
    config: &dyn HttpFilterConfig<E>,
    envoy: &mut E,
) -> FilterBox<E> {
    let filter = guard(
        || in_phase("filter", filter_name, "http_filter_new"),
        || config.new_placed_http_filter(envoy),
    );
    // Not `failed` yet: a missing filter fails closed at the first phase that
    // can still answer (marking it failed here would let the stream through).
    FilterBox {
        filter_name,
        filter: filter.ok(),
        failed: false,
        completed: false,
        _live: crate::live::Instance::new(counts),
    }
}

/// http_filter_new's whole body: the stream's box, in a block of the thread's
/// free list ([`StreamBoxes`]), as the pointer Envoy keeps.
pub(crate) fn create_stream<E: EnvoyHttpFilter>(
    filter_name: &'static str,
    counts: &'static crate::live::Counts,
    config: &dyn HttpFilterConfig<E>,
    envoy: &mut E,
) -> *mut FilterBox<E> {
    StreamBoxes::put(new_filter(filter_name, counts, config, envoy))
}

/// http_filter_destroy's whole body: drops the filter behind the barrier and
/// keeps the block for the thread's next stream.
///
/// # Safety
/// `this` came from [`create_stream`] and is destroyed once.
pub(crate) unsafe fn destroy_stream<E: EnvoyHttpFilter>(this: *mut FilterBox<E>) {
    // SAFETY: live until here (the caller's contract).
    let filter_name = unsafe { (*this).filter_name };
    // SAFETY: from StreamBoxes::put, released once.
    unsafe {
        StreamBoxes::release(this, |at| {
            let _ = guard(
                || in_phase("filter", filter_name, "http_filter_destroy"),
                // SAFETY: the box is live and dropped once, here.
                || core::ptr::drop_in_place(at),
            );
        })
    }
}

/// The stream behind a hook's two pointers.
///
/// # Safety
/// `filter_module_ptr` is what filter_new returned, live until filter_destroy
/// (Envoy never runs two hooks of one stream at once), and `filter_envoy_ptr`
/// is live during the hook.
pub(crate) unsafe fn stream<'a>(
    filter_envoy_ptr: envoy_dynamic_module_type_http_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_http_filter_module_ptr,
) -> (&'a mut FilterBox<EnvoyFilterHandle>, EnvoyFilterHandle) {
    // SAFETY: both pointers are live and the box unshared for this hook (the
    // caller's contract above).
    unsafe {
        (
            &mut *(filter_module_ptr as *mut FilterBox<EnvoyFilterHandle>),
            EnvoyFilterHandle::from_raw(filter_envoy_ptr),
        )
    }
}

/// Runs one phase of a stream. Skips the filter once it has failed; on a panic,
/// sends the fail-closed local reply (when `can_reply`) and returns `stop`.
pub(crate) fn run_phase<E: EnvoyHttpFilter, R>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    phase: &'static str,
    can_reply: bool,
    go_on: R,
    stop: R,
    call: impl FnOnce(&mut dyn HttpFilter<E>, &mut E) -> R,
) -> R {
    let outcome = match (this.failed, this.filter.as_mut().map(PlacedFilter::get)) {
        (false, Some(filter)) => guard(
            || in_phase("filter", this.filter_name, phase),
            || call(filter, envoy),
        ),
        // A filter that failed to build fails closed at its first chance.
        (false, None) => Err(Panicked),
        (true, _) => return go_on,
    };
    match outcome {
        Ok(status) => status,
        Err(Panicked) if can_reply => {
            this.failed = true;
            envoy.send_response(
                FAIL_CLOSED_STATUS,
                &[],
                FAIL_CLOSED_BODY,
                FAIL_CLOSED_DETAILS,
            );
            stop
        }
        Err(Panicked) => {
            this.failed = true;
            go_on
        }
    }
}

pub(crate) fn request_headers<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    end_of_stream: bool,
) -> RequestHeadersStatus {
    run_phase(
        this,
        envoy,
        "on_request_headers",
        true,
        RequestHeadersStatus::Continue,
        RequestHeadersStatus::StopIteration,
        |f, e| f.on_request_headers(e, end_of_stream),
    )
}

pub(crate) fn request_body<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    end_of_stream: bool,
) -> RequestBodyStatus {
    run_phase(
        this,
        envoy,
        "on_request_body",
        true,
        RequestBodyStatus::Continue,
        RequestBodyStatus::StopIterationNoBuffer,
        |f, e| f.on_request_body(e, end_of_stream),
    )
}

pub(crate) fn request_trailers<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
) -> RequestTrailersStatus {
    run_phase(
        this,
        envoy,
        "on_request_trailers",
        true,
        RequestTrailersStatus::Continue,
        RequestTrailersStatus::StopIteration,
        |f, e| f.on_request_trailers(e),
    )
}

pub(crate) fn response_headers<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    end_of_stream: bool,
) -> ResponseHeadersStatus {
    run_phase(
        this,
        envoy,
        "on_response_headers",
        true,
        ResponseHeadersStatus::Continue,
        ResponseHeadersStatus::StopIteration,
        |f, e| f.on_response_headers(e, end_of_stream),
    )
}

/// Response headers are already on their way: too late for a local reply, so a
/// panic here lets the rest of the body through unfiltered and is logged.
pub(crate) fn response_body<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    end_of_stream: bool,
) -> ResponseBodyStatus {
    run_phase(
        this,
        envoy,
        "on_response_body",
        false,
        ResponseBodyStatus::Continue,
        ResponseBodyStatus::Continue,
        |f, e| f.on_response_body(e, end_of_stream),
    )
}

pub(crate) fn response_trailers<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
) -> ResponseTrailersStatus {
    run_phase(
        this,
        envoy,
        "on_response_trailers",
        false,
        ResponseTrailersStatus::Continue,
        ResponseTrailersStatus::Continue,
        |f, e| f.on_response_trailers(e),
    )
}

pub(crate) fn stream_complete<E: EnvoyHttpFilter>(this: &mut FilterBox<E>, envoy: &mut E) {
    this.completed = true;
    run_phase(this, envoy, "on_stream_complete", false, (), (), |f, e| {
        f.on_stream_complete(e)
    })
}

pub(crate) fn scheduled<E: EnvoyHttpFilter>(this: &mut FilterBox<E>, envoy: &mut E, event_id: u64) {
    run_phase(this, envoy, "on_scheduled", true, (), (), |f, e| {
        f.on_scheduled(e, event_id)
    })
}

/// Tells the filter of a local reply. A panic resets the stream instead of
/// sending the reply (fail closed), and the filter is bypassed from then on.
pub(crate) fn local_reply<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    status: u32,
    details: &[u8],
    reset_imminent: bool,
) -> LocalReplyStatus {
    if this.failed || this.filter.is_none() {
        return LocalReplyStatus::Continue;
    }
    // Envoy calls this hook for every local reply, a route's direct_response
    // included, so it is on the request path of such routes: details are
    // ASCII words, and the ASCII check (a word at a time) is several times
    // cheaper than from_utf8's (156 instructions a request on the benchmark's
    // direct route, per Rust filter in the chain).
    let details = if ascii(details) {
        // SAFETY: ASCII is UTF-8.
        std::borrow::Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(details) })
    } else {
        String::from_utf8_lossy(details)
    };
    let status = run_phase(this, envoy, "on_local_reply", false, None, None, |f, e| {
        Some(f.on_local_reply(e, status, &details, reset_imminent))
    });
    status.unwrap_or(LocalReplyStatus::ContinueAndResetStream)
}

/// `bytes.is_ascii()` for the short words of response details, eight bytes a
/// step with the last step overlapping (std's check walks a short slice a
/// byte at a time).
fn ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |at: usize| {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[at..at + 8]);
        u64::from_ne_bytes(eight)
    };
    if bytes.len() < 8 {
        return bytes.is_ascii();
    }
    let mut seen = word(bytes.len() - 8);
    let mut at = 0;
    while at + 8 <= bytes.len() {
        seen |= word(at);
        at += 8;
    }
    seen & HIGH == 0
}

/// The stream is stopped waiting for this answer, so a panic fails it closed
/// with the local reply. Envoy 1.40 cancels a stream's callouts when it
/// destroys the filter; an answer after stream_complete is dropped all the same.
pub(crate) fn http_callout_done<E: EnvoyHttpFilter>(
    this: &mut FilterBox<E>,
    envoy: &mut E,
    callout_id: u64,
    result: HttpCalloutResult,
    response: Option<&HttpCalloutResponse<'_>>,
) {
    if this.completed {
        return;
    }
    run_phase(this, envoy, "on_http_callout_done", true, (), (), |f, e| {
        f.on_http_callout_done(e, callout_id, result, response)
    })
}

// The hook bodies with a fake handle: every phase's fail-closed path, as the
// Go and C++ SDKs test theirs. Needs the `testing` feature (the fake);
// `cargo test --workspace` turns it on through the filters crate.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::http::testing::FakeEnvoyFilter;
    use crate::log::take_logs;

    /// Panics in every phase.
    struct Panics;
    impl HttpFilter<FakeEnvoyFilter> for Panics {
        fn on_request_headers(&mut self, _: &mut FakeEnvoyFilter, _: bool) -> RequestHeadersStatus {
            panic!("in request headers")
        }
        fn on_request_body(&mut self, _: &mut FakeEnvoyFilter, _: bool) -> RequestBodyStatus {
            panic!("in request body")
        }
        fn on_request_trailers(&mut self, _: &mut FakeEnvoyFilter) -> RequestTrailersStatus {
            panic!("in request trailers")
        }
        fn on_response_headers(
            &mut self,
            _: &mut FakeEnvoyFilter,
            _: bool,
        ) -> ResponseHeadersStatus {
            panic!("in response headers")
        }
        fn on_response_body(&mut self, _: &mut FakeEnvoyFilter, _: bool) -> ResponseBodyStatus {
            panic!("in response body")
        }
        fn on_response_trailers(&mut self, _: &mut FakeEnvoyFilter) -> ResponseTrailersStatus {
            panic!("in response trailers")
        }
        fn on_stream_complete(&mut self, _: &mut FakeEnvoyFilter) {
            panic!("in stream complete")
        }
        fn on_scheduled(&mut self, _: &mut FakeEnvoyFilter, _: u64) {
            panic!("in scheduled")
        }
        fn on_local_reply(
            &mut self,
            _: &mut FakeEnvoyFilter,
            _: u32,
            _: &str,
            _: bool,
        ) -> LocalReplyStatus {
            panic!("in local reply")
        }
        fn on_http_callout_done(
            &mut self,
            _: &mut FakeEnvoyFilter,
            _: u64,
            _: HttpCalloutResult,
            _: Option<&HttpCalloutResponse<'_>>,
        ) {
            panic!("in callout done")
        }
    }

    fn panicking() -> FilterBox<FakeEnvoyFilter> {
        FilterBox {
            filter_name: "panics",
            filter: Some(PlacedFilter::new(Panics)),
            failed: false,
            completed: false,
            _live: crate::live::Instance::new(crate::live::counts("http", "panics")),
        }
    }

    /// Runs one phase on a fresh panicking filter; returns whether Envoy got
    /// the fail-closed reply, and checks the one log line.
    fn fails(
        phase: &str,
        run: impl FnOnce(&mut FilterBox<FakeEnvoyFilter>, &mut FakeEnvoyFilter),
    ) -> bool {
        crate::barrier::install_panic_hook();
        take_logs();
        let (mut this, mut envoy) = (panicking(), FakeEnvoyFilter::default());
        run(&mut this, &mut envoy);
        assert!(this.failed, "{phase}: the filter is marked failed");
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        assert!(
            logs[0]
                .1
                .contains(&format!("filter 'panics' in {phase}: panicked")),
            "{}",
            logs[0].1
        );
        // Once failed, the next phase bypasses the filter: no second panic.
        assert_eq!(
            request_trailers(&mut this, &mut envoy),
            RequestTrailersStatus::Continue
        );
        assert!(take_logs().is_empty());
        match envoy.sent_response {
            None => false,
            Some(sent) => {
                assert_eq!(
                    (sent.status, sent.body.as_slice()),
                    (FAIL_CLOSED_STATUS, FAIL_CLOSED_BODY)
                );
                assert_eq!(sent.details, FAIL_CLOSED_DETAILS);
                true
            }
        }
    }

    #[test]
    fn ascii_matches_std_on_every_length_and_position() {
        for len in 0..40 {
            let clean = vec![b'a'; len];
            assert!(ascii(&clean), "{len}");
            for at in 0..len {
                let mut dirty = clean.clone();
                dirty[at] = 0xC3;
                assert!(!ascii(&dirty), "{len} {at}");
            }
        }
    }

    #[test]
    fn request_phases_and_response_headers_fail_closed_with_a_local_reply() {
        assert!(fails("on_request_headers", |t, e| assert_eq!(
            request_headers(t, e, false),
            RequestHeadersStatus::StopIteration
        )));
        assert!(fails("on_request_body", |t, e| assert_eq!(
            request_body(t, e, true),
            RequestBodyStatus::StopIterationNoBuffer
        )));
        assert!(fails("on_request_trailers", |t, e| assert_eq!(
            request_trailers(t, e),
            RequestTrailersStatus::StopIteration
        )));
        assert!(fails("on_response_headers", |t, e| assert_eq!(
            response_headers(t, e, false),
            ResponseHeadersStatus::StopIteration
        )));
        assert!(fails("on_scheduled", |t, e| scheduled(t, e, 7)));
        // The stream waits for the answer: a panic there must answer it.
        assert!(fails("on_http_callout_done", |t, e| http_callout_done(
            t,
            e,
            1,
            HttpCalloutResult::Reset,
            None
        )));
    }

    /// Counts the answers it hears.
    #[derive(Default)]
    struct CountsAnswers(std::rc::Rc<std::cell::Cell<u32>>);
    impl HttpFilter<FakeEnvoyFilter> for CountsAnswers {
        fn on_http_callout_done(
            &mut self,
            _: &mut FakeEnvoyFilter,
            _: u64,
            _: HttpCalloutResult,
            _: Option<&HttpCalloutResponse<'_>>,
        ) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn an_answer_after_stream_complete_is_not_delivered() {
        let heard = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut this = FilterBox {
            filter_name: "listens",
            filter: Some(PlacedFilter::new(CountsAnswers(heard.clone()))),
            failed: false,
            completed: false,
            _live: crate::live::Instance::new(crate::live::counts("http", "test")),
        };
        let mut envoy = FakeEnvoyFilter::default();
        http_callout_done(&mut this, &mut envoy, 1, HttpCalloutResult::Success, None);
        assert_eq!(heard.get(), 1);
        stream_complete(&mut this, &mut envoy);
        http_callout_done(&mut this, &mut envoy, 2, HttpCalloutResult::Success, None);
        assert_eq!(heard.get(), 1, "nothing after stream_complete");
        assert!(envoy.sent_response.is_none());
    }

    #[test]
    fn later_phases_let_the_stream_through() {
        assert!(!fails("on_response_body", |t, e| assert_eq!(
            response_body(t, e, false),
            ResponseBodyStatus::Continue
        )));
        assert!(!fails("on_response_trailers", |t, e| assert_eq!(
            response_trailers(t, e),
            ResponseTrailersStatus::Continue
        )));
        assert!(!fails("on_stream_complete", stream_complete));
    }

    #[test]
    fn a_panic_in_local_reply_resets_the_stream() {
        let mut reset = false;
        assert!(!fails("on_local_reply", |t, e| {
            reset = local_reply(t, e, 404, b"route_not_found", false)
                == LocalReplyStatus::ContinueAndResetStream;
        }));
        assert!(reset, "fails closed: the stream is reset, not answered");
    }

    /// Records each local reply it is told of.
    struct Listens(std::rc::Rc<std::cell::RefCell<Vec<(u32, String, bool)>>>);
    impl HttpFilter<FakeEnvoyFilter> for Listens {
        fn on_local_reply(
            &mut self,
            _: &mut FakeEnvoyFilter,
            status: u32,
            details: &str,
            reset_imminent: bool,
        ) -> LocalReplyStatus {
            self.0
                .borrow_mut()
                .push((status, details.to_string(), reset_imminent));
            LocalReplyStatus::Continue
        }
    }

    #[test]
    fn local_replies_reach_the_filter_but_not_from_inside_its_own_callbacks() {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut this = FilterBox {
            filter_name: "listens",
            filter: Some(PlacedFilter::new(Listens(seen.clone()))),
            failed: false,
            completed: false,
            _live: crate::live::Instance::new(crate::live::counts("http", "test")),
        };
        let mut envoy = FakeEnvoyFilter::default();
        let status = local_reply(&mut this, &mut envoy, 503, b"upstream_reset\xff", true);
        assert_eq!(status, LocalReplyStatus::Continue);
        assert_eq!(
            *seen.borrow(),
            [(503, "upstream_reset\u{fffd}".to_string(), true)]
        );
        // Inside a callback that can set a local reply off, the C hook does
        // not enter the filter.
        let me = 64 as *const core::ffi::c_void;
        assert!(!crate::reentry::inside(me));
        crate::reentry::calling(me, || assert!(crate::reentry::inside(me)));
        assert!(!crate::reentry::inside(me));
    }

    struct PanicsOnNew;
    impl HttpFilterConfig<FakeEnvoyFilter> for PanicsOnNew {
        fn new_http_filter(&self, _: &mut FakeEnvoyFilter) -> Box<dyn HttpFilter<FakeEnvoyFilter>> {
            panic!("no filter today")
        }
    }

    #[test]
    fn a_filter_that_fails_to_build_fails_its_stream_closed() {
        crate::barrier::install_panic_hook();
        take_logs();
        let mut envoy = FakeEnvoyFilter::default();
        let mut this = new_filter(
            "broken",
            crate::live::counts("http", "broken"),
            &PanicsOnNew,
            &mut envoy,
        );
        assert!(this.filter.is_none());
        assert!(take_logs()[0]
            .1
            .contains("filter 'broken' in http_filter_new: panicked"));
        assert_eq!(
            request_headers(&mut this, &mut envoy, true),
            RequestHeadersStatus::StopIteration
        );
        assert_eq!(
            envoy.sent_response.map(|s| s.status),
            Some(FAIL_CLOSED_STATUS)
        );
    }
}
