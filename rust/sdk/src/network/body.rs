//! The network hooks' bodies, generic over the connection handle so unit tests
//! run them on the fake: the panic barrier, closing the connection when a
//! filter fails, the events and watermarks deferred while a hook runs.
//! [`hooks`](super::hooks) exports the `extern "C"` glue that calls them.

use crate::abi::network::*;
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::network::{
    CloseType, ConnectionEvent, EnvoyNetworkConfigHandle, EnvoyNetworkFilter,
    EnvoyNetworkFilterHandle, NetworkFilter, NetworkFilterConfig, NetworkFilterStatus,
};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;

/// The termination details of a connection whose filter failed.
/// Builds one network filter configuration from its `filter_config` bytes.
pub type NewNetworkFilterConfig =
    fn(
        &mut EnvoyNetworkConfigHandle,
        &[u8],
    ) -> Result<Box<dyn NetworkFilterConfig<EnvoyNetworkFilterHandle>>, crate::BoxError>;

pub const FAIL_CLOSED_DETAILS: &str = "dynamic_module_filter_failed";

pub(crate) type Handle = EnvoyNetworkFilterHandle;

/// What `filter_config_module_ptr` points to.
pub(crate) type ConfigBox = config::ConfigBox<dyn NetworkFilterConfig<Handle>>;

/// A notice Envoy raised while the filter was busy, delivered when it is not.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Deferred {
    Event(ConnectionEvent),
    AboveHighWatermark,
    BelowLowWatermark,
}

/// What `filter_module_ptr` points to. Hooks only ever take `&FilterBox`; the
/// filter itself is reached through `filter` while `busy` says nobody else is.
pub(crate) struct FilterBox<H: EnvoyNetworkFilter> {
    pub(crate) filter_name: &'static str,
    /// None when creating the filter panicked: the connection fails closed.
    pub(crate) filter: UnsafeCell<Option<Box<dyn NetworkFilter<H>>>>,
    pub(crate) busy: Cell<bool>,
    /// Set once the filter panicked: from then on nothing passes.
    pub(crate) failed: Cell<bool>,
    pub(crate) deferred: RefCell<VecDeque<Deferred>>,
    /// Counts the instance alive until the box is dropped.
    pub(crate) _live: crate::live::Instance,
}

/// Events and watermarks a connection can raise during one hook are few; past
/// this the oldest are dropped rather than memory grown.
pub(crate) const MAX_DEFERRED: usize = 16;

/// A network filter's configuration in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: "filter",
    label: "network",
    creation: "config creation",
};

/// The body of network_filter_config_new.
pub(crate) fn config_new(
    filters: &crate::registry::Table<NewNetworkFilterConfig>,
    filter_config_envoy_ptr: envoy_dynamic_module_type_network_filter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_network_filter_config_module_ptr {
    let find = |name: &str| {
        filters.find(name).ok_or_else(|| {
            let names = filters.names();
            format!("unknown filter name; this module's network filters are: {names}")
        })
    };
    // SAFETY: the pointer is the one Envoy passed to this running hook.
    let mut envoy = unsafe { EnvoyNetworkConfigHandle::from_raw(filter_config_envoy_ptr) };
    // SAFETY: Envoy lends both buffers for this call.
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// The body of network_filter_new. A filter that failed to build still gets a
/// box: the connection is closed at its first hook, like any other failure.
pub(crate) fn new_filter<H: EnvoyNetworkFilter>(
    filter_name: &'static str,
    config: &dyn NetworkFilterConfig<H>,
    envoy: &mut H,
    live: crate::live::Instance,
) -> FilterBox<H> {
    let filter = guard(
        || in_phase("filter", filter_name, "network_filter_new"),
        || config.new_network_filter(envoy),
    );
    FilterBox {
        filter_name,
        filter: UnsafeCell::new(filter.ok()),
        busy: Cell::new(false),
        failed: Cell::new(false),
        deferred: RefCell::new(VecDeque::new()),
        _live: live,
    }
}

/// Marks the filter failed and closes the connection without flushing, so no
/// byte the filter did not vouch for leaves.
pub(crate) fn fail_closed<H: EnvoyNetworkFilter>(this: &FilterBox<H>, envoy: &mut H) {
    this.failed.set(true);
    this.deferred.borrow_mut().clear();
    envoy.close(CloseType::Abort, FAIL_CLOSED_DETAILS);
}

/// Runs `call` on the filter behind the barrier, then whatever Envoy raised
/// meanwhile. None when the filter has failed (now or before).
pub(crate) fn enter<H: EnvoyNetworkFilter, R>(
    this: &FilterBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn NetworkFilter<H>, &mut H) -> R,
) -> Option<R> {
    if this.failed.get() {
        return None;
    }
    let out = run_one(this, envoy, phase, call);
    if out.is_none() {
        fail_closed(this, envoy);
        return None;
    }
    loop {
        let next = this.deferred.borrow_mut().pop_front();
        let Some(notice) = next else { break };
        let delivered = match notice {
            Deferred::Event(event) => run_one(this, envoy, "on_event", |f, e| f.on_event(e, event)),
            Deferred::AboveHighWatermark => run_one(
                this,
                envoy,
                "on_above_write_buffer_high_watermark",
                |f, e| f.on_above_write_buffer_high_watermark(e),
            ),
            Deferred::BelowLowWatermark => run_one(
                this,
                envoy,
                "on_below_write_buffer_low_watermark",
                |f, e| f.on_below_write_buffer_low_watermark(e),
            ),
        };
        if delivered.is_none() {
            fail_closed(this, envoy);
            return None;
        }
    }
    out
}

pub(crate) fn run_one<H: EnvoyNetworkFilter, R>(
    this: &FilterBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn NetworkFilter<H>, &mut H) -> R,
) -> Option<R> {
    this.busy.set(true);
    // SAFETY: `busy` was false, so no other reference to the filter exists, and
    // every hook checks it before reaching here.
    let filter = unsafe { &mut *this.filter.get() };
    let out = match filter.as_deref_mut() {
        Some(filter) => guard(
            || in_phase("filter", this.filter_name, phase),
            || call(filter, envoy),
        )
        .ok(),
        None => None,
    };
    this.busy.set(false);
    out
}

/// The connection behind a hook's two pointers.
///
/// # Safety
/// `filter_module_ptr` is what filter_new returned, live until filter_destroy,
/// and `filter_envoy_ptr` is live during the hook.
pub(crate) unsafe fn connection<'a>(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
) -> (&'a FilterBox<Handle>, Handle) {
    // SAFETY: both pointers are live for this hook (the caller's contract above).
    unsafe {
        (
            &*(filter_module_ptr as *const FilterBox<Handle>),
            Handle::from_raw(filter_envoy_ptr),
        )
    }
}

/// A data hook: skipped (Continue) when re-entered, StopIteration once failed.
pub(crate) fn data<H: EnvoyNetworkFilter>(
    this: &FilterBox<H>,
    envoy: &mut H,
    phase: &'static str,
    call: impl FnOnce(&mut dyn NetworkFilter<H>, &mut H) -> NetworkFilterStatus,
) -> NetworkFilterStatus {
    if this.busy.get() {
        return NetworkFilterStatus::Continue;
    }
    enter(this, envoy, phase, call).unwrap_or(NetworkFilterStatus::StopIteration)
}

pub(crate) fn data_hook(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    phase: &'static str,
    call: impl FnOnce(&mut dyn NetworkFilter<Handle>, &mut Handle) -> NetworkFilterStatus,
) -> NetworkFilterStatus {
    // SAFETY: the pointers of the running hook.
    let (this, mut envoy) = unsafe { connection(filter_envoy_ptr, filter_module_ptr) };
    data(this, &mut envoy, phase, call)
}

/// A notice hook: deferred when the filter is busy, dropped once it failed.
pub(crate) fn notice<H: EnvoyNetworkFilter>(this: &FilterBox<H>, envoy: &mut H, notice: Deferred) {
    if this.busy.get() {
        let mut deferred = this.deferred.borrow_mut();
        if deferred.len() == MAX_DEFERRED {
            deferred.pop_front();
        }
        deferred.push_back(notice);
        return;
    }
    let _ = match notice {
        Deferred::Event(event) => enter(this, envoy, "on_event", |f, e| f.on_event(e, event)),
        Deferred::AboveHighWatermark => enter(
            this,
            envoy,
            "on_above_write_buffer_high_watermark",
            |f, e| f.on_above_write_buffer_high_watermark(e),
        ),
        Deferred::BelowLowWatermark => enter(
            this,
            envoy,
            "on_below_write_buffer_low_watermark",
            |f, e| f.on_below_write_buffer_low_watermark(e),
        ),
    };
}

pub(crate) fn notice_hook(
    filter_envoy_ptr: envoy_dynamic_module_type_network_filter_envoy_ptr,
    filter_module_ptr: envoy_dynamic_module_type_network_filter_module_ptr,
    what: Deferred,
) {
    // SAFETY: the pointers of the running hook.
    let (this, mut envoy) = unsafe { connection(filter_envoy_ptr, filter_module_ptr) };
    notice(this, &mut envoy, what)
}

// The hook bodies on the fake connection: every hook's fail-closed path, the
// deferred notices and the re-entry guard. Needs the `testing` feature (the
// fake); `cargo test --workspace` and `make sanitize-rust` turn it on.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;
    use crate::network::testing::FakeConnection;

    type Fake = FakeConnection;

    /// Panics in every hook.
    struct Panics;
    impl NetworkFilter<Fake> for Panics {
        fn on_new_connection(&mut self, _: &mut Fake) -> NetworkFilterStatus {
            panic!("in new connection")
        }
        fn on_read(&mut self, _: &mut Fake, _: usize, _: bool) -> NetworkFilterStatus {
            panic!("in read")
        }
        fn on_write(&mut self, _: &mut Fake, _: usize, _: bool) -> NetworkFilterStatus {
            panic!("in write")
        }
        fn on_event(&mut self, _: &mut Fake, _: ConnectionEvent) {
            panic!("in event")
        }
        fn on_above_write_buffer_high_watermark(&mut self, _: &mut Fake) {
            panic!("in above high watermark")
        }
        fn on_below_write_buffer_low_watermark(&mut self, _: &mut Fake) {
            panic!("in below low watermark")
        }
    }

    struct Config<F: Fn() -> Box<dyn NetworkFilter<Fake>> + Send + Sync>(F);
    impl<F: Fn() -> Box<dyn NetworkFilter<Fake>> + Send + Sync> NetworkFilterConfig<Fake>
        for Config<F>
    {
        fn new_network_filter(&self, _: &mut Fake) -> Box<dyn NetworkFilter<Fake>> {
            (self.0)()
        }
    }

    fn boxed(filter: impl Fn() -> Box<dyn NetworkFilter<Fake>> + Send + Sync) -> FilterBox<Fake> {
        new_filter(
            "panics",
            &Config(filter),
            &mut Fake::new(),
            crate::live::Instance::new(crate::live::counts("test", "test")),
        )
    }

    fn assert_closed(envoy: &Fake) {
        assert_eq!(
            envoy.closed,
            Some((CloseType::Abort, FAIL_CLOSED_DETAILS.to_string()))
        );
    }

    /// Runs one hook on a fresh panicking filter: the connection is aborted, the
    /// panic logged once, and no later hook enters the filter again.
    fn fails(phase: &str, run: impl FnOnce(&FilterBox<Fake>, &mut Fake)) {
        crate::barrier::install_panic_hook();
        take_logs();
        let (this, mut envoy) = (boxed(|| Box::new(Panics)), Fake::new());
        run(&this, &mut envoy);
        assert!(this.failed.get(), "{phase}: the filter is marked failed");
        assert_closed(&envoy);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        assert!(
            logs[0]
                .1
                .contains(&format!("filter 'panics' in {phase}: panicked")),
            "{}",
            logs[0].1
        );
        let read = data(&this, &mut envoy, "on_read", |f, e| f.on_read(e, 1, false));
        assert_eq!(read, NetworkFilterStatus::StopIteration);
        notice(
            &this,
            &mut envoy,
            Deferred::Event(ConnectionEvent::RemoteClose),
        );
        assert!(
            take_logs().is_empty(),
            "{phase}: entered again after failing"
        );
    }

    #[test]
    fn every_data_hook_fails_closed() {
        let stop = |status| assert_eq!(status, NetworkFilterStatus::StopIteration);
        fails("on_new_connection", |t, e| {
            stop(data(t, e, "on_new_connection", |f, e| {
                f.on_new_connection(e)
            }))
        });
        fails("on_read", |t, e| {
            stop(data(t, e, "on_read", |f, e| f.on_read(e, 10, false)))
        });
        fails("on_write", |t, e| {
            stop(data(t, e, "on_write", |f, e| f.on_write(e, 10, true)))
        });
    }

    #[test]
    fn every_notice_hook_fails_closed() {
        fails("on_event", |t, e| {
            notice(t, e, Deferred::Event(ConnectionEvent::Connected))
        });
        fails("on_above_write_buffer_high_watermark", |t, e| {
            notice(t, e, Deferred::AboveHighWatermark)
        });
        fails("on_below_write_buffer_low_watermark", |t, e| {
            notice(t, e, Deferred::BelowLowWatermark)
        });
    }

    #[test]
    fn a_filter_that_fails_to_build_closes_its_connection_at_the_first_hook() {
        crate::barrier::install_panic_hook();
        take_logs();
        let this = boxed(|| panic!("no filter today"));
        assert!(take_logs()[0]
            .1
            .contains("filter 'panics' in network_filter_new: panicked"));
        let mut envoy = Fake::new();
        let status = data(&this, &mut envoy, "on_new_connection", |f, e| {
            f.on_new_connection(e)
        });
        assert_eq!(status, NetworkFilterStatus::StopIteration);
        assert_closed(&envoy);
    }

    /// Counts what reaches it.
    struct Counts(std::rc::Rc<Cell<usize>>);
    impl NetworkFilter<Fake> for Counts {
        fn on_read(&mut self, _: &mut Fake, _: usize, _: bool) -> NetworkFilterStatus {
            self.0.set(self.0.get() + 1);
            NetworkFilterStatus::Continue
        }
        fn on_event(&mut self, _: &mut Fake, _: ConnectionEvent) {
            self.0.set(self.0.get() + 100);
        }
    }

    #[test]
    fn notices_raised_while_busy_wait_and_stay_bounded_and_data_is_not_reentered() {
        let seen = std::rc::Rc::new(Cell::new(0));
        let this = new_filter(
            "counts",
            &Config(|| Box::new(Panics)),
            &mut Fake::new(),
            crate::live::Instance::new(crate::live::counts("test", "test")),
        );
        // SAFETY: (test) nothing else holds the filter.
        unsafe { *this.filter.get() = Some(Box::new(Counts(seen.clone()))) };
        let mut envoy = Fake::new();
        this.busy.set(true);
        // Re-entered: the data passes the filter untouched.
        let status = data(&this, &mut envoy, "on_read", |f, e| f.on_read(e, 1, false));
        assert_eq!(status, NetworkFilterStatus::Continue);
        for _ in 0..MAX_DEFERRED + 4 {
            notice(
                &this,
                &mut envoy,
                Deferred::Event(ConnectionEvent::RemoteClose),
            );
        }
        assert_eq!(this.deferred.borrow().len(), MAX_DEFERRED);
        assert_eq!(seen.get(), 0);
        this.busy.set(false);
        // The next hook runs, then delivers what waited.
        data(&this, &mut envoy, "on_read", |f, e| f.on_read(e, 1, false));
        assert_eq!(seen.get(), 1 + 100 * MAX_DEFERRED);
        assert!(this.deferred.borrow().is_empty());
        assert_eq!(envoy.closed, None);
    }

    #[test]
    fn a_notice_that_panics_after_a_hook_fails_the_connection_closed() {
        crate::barrier::install_panic_hook();
        take_logs();
        let this = boxed(|| Box::new(Panics));
        let mut envoy = Fake::new();
        this.busy.set(true);
        notice(&this, &mut envoy, Deferred::AboveHighWatermark);
        this.busy.set(false);
        let seen = std::rc::Rc::new(Cell::new(0));
        // SAFETY: (test) nothing else holds the filter.
        unsafe { *this.filter.get() = Some(Box::new(PanicsOnWatermark(seen.clone()))) };
        let status = data(&this, &mut envoy, "on_read", |f, e| f.on_read(e, 1, false));
        assert_eq!(status, NetworkFilterStatus::StopIteration);
        assert_eq!(seen.get(), 1, "the read ran before the deferred notice");
        assert_closed(&envoy);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(logs[0]
            .1
            .contains("in on_above_write_buffer_high_watermark: panicked"));
    }

    struct PanicsOnWatermark(std::rc::Rc<Cell<usize>>);
    impl NetworkFilter<Fake> for PanicsOnWatermark {
        fn on_read(&mut self, _: &mut Fake, _: usize, _: bool) -> NetworkFilterStatus {
            self.0.set(self.0.get() + 1);
            NetworkFilterStatus::Continue
        }
        fn on_above_write_buffer_high_watermark(&mut self, _: &mut Fake) {
            panic!("in above high watermark")
        }
    }
}
