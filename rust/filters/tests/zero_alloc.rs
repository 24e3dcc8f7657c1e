//! The stream paths of `passthrough` and `header_mutation` make no heap
//! allocation once configured: the SDK's stream box comes from its per-thread
//! free list, the filter sits inline in it, and the filter's own work copies
//! on the stack. Counted by a global allocator of this test binary, on the
//! thread that runs the stream, through the SDK's hook bodies with the fake
//! Envoy (whose header writes replace in place, so its own costs stay out).

use envoy_dm_sdk::testing::{run_stream, FakeEnvoyConfig, FakeEnvoyFilter};
use envoy_dm_sdk::{
    AttributeId, EnvoyHttpFilter, HeaderType, HttpFilter, HttpFilterConfig, PlacedFilter,
};
use rust_module::http::header_mutation::HeaderMutationConfig;
use rust_module::http::passthrough::PassthroughConfig;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to System; the counters are const thread-locals without
// destructors, so touching them never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.get() {
            ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARMED.get() {
            ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Heap allocations `streams` streams make after a first one has warmed the
/// thread (its free list, the fake's header slots).
fn allocations(
    config: &dyn HttpFilterConfig<FakeEnvoyFilter>,
    envoy: &mut FakeEnvoyFilter,
    local_reply: bool,
    streams: u64,
) -> u64 {
    run_stream(config, envoy, local_reply);
    ALLOCATIONS.set(0);
    ARMED.set(true);
    for _ in 0..streams {
        run_stream(config, envoy, local_reply);
    }
    ARMED.set(false);
    ALLOCATIONS.get()
}

const HEADER_MUTATION: &[u8] = br#"{
    "request_headers": [["x-set", "module"], ["x-replace", "replaced"]],
    "remove_request_headers": ["x-remove"],
    "response_headers": [["x-resp", "yes"]],
    "remove_response_headers": ["server"]
}"#;

fn stream_with_attributes() -> FakeEnvoyFilter {
    let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":path", "/"), ("x-remove", "1")]);
    envoy
        .string_attributes
        .insert(AttributeId::SourceAddress, b"127.0.0.1:50000".to_vec());
    envoy
        .string_attributes
        .insert(AttributeId::UpstreamAddress, b"127.0.0.1:8080".to_vec());
    envoy.int_attributes.insert(AttributeId::ResponseCode, 200);
    envoy
}

#[test]
fn passthrough_streams_allocate_nothing() {
    let config = PassthroughConfig::new(&mut FakeEnvoyConfig::default(), b"").unwrap();
    let mut envoy = FakeEnvoyFilter::default();
    assert_eq!(allocations(&config, &mut envoy, false, 100), 0);
    assert_eq!(
        allocations(&config, &mut envoy, true, 100),
        0,
        "direct route"
    );
}

#[test]
fn header_mutation_streams_allocate_nothing() {
    let config =
        HeaderMutationConfig::new(&mut FakeEnvoyConfig::default(), HEADER_MUTATION).unwrap();
    let mut envoy = stream_with_attributes();
    assert_eq!(allocations(&config, &mut envoy, false, 100), 0);
    assert_eq!(
        allocations(&config, &mut envoy, true, 100),
        0,
        "direct route"
    );
    // The filter did its work on those streams.
    let resp = HeaderType::ResponseHeader;
    assert_eq!(
        envoy.values(resp, "x-downstream-address"),
        ["127.0.0.1:50000"]
    );
    assert_eq!(envoy.values(resp, "x-response-code"), ["200"]);
    assert_eq!(envoy.values(HeaderType::RequestHeader, "x-set"), ["module"]);
}

/// The counter sees what it should: a filter of the same size as
/// header_mutation's, handed over boxed (the default placement), costs one
/// allocation per stream.
#[test]
fn a_boxed_filter_is_counted() {
    struct Boxed;
    struct OneWord(#[allow(dead_code)] std::sync::Arc<()>);
    impl<E: EnvoyHttpFilter> HttpFilter<E> for OneWord {}
    impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for Boxed {
        fn new_http_filter(&self, _: &mut E) -> Box<dyn HttpFilter<E>> {
            Box::new(OneWord(std::sync::Arc::new(())))
        }
    }
    let mut envoy = FakeEnvoyFilter::default();
    // Two per stream: the Arc and the Box.
    assert_eq!(allocations(&Boxed, &mut envoy, false, 10), 20);
    // Placed inline, only the Arc is left.
    struct Placed;
    impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for Placed {
        fn new_http_filter(&self, _: &mut E) -> Box<dyn HttpFilter<E>> {
            unreachable!()
        }
        fn new_placed_http_filter(&self, _: &mut E) -> PlacedFilter<E> {
            PlacedFilter::new(OneWord(std::sync::Arc::new(())))
        }
    }
    assert_eq!(allocations(&Placed, &mut envoy, false, 10), 10);
}
