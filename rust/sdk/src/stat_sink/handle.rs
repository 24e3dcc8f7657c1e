//! What a stats sink may ask of Envoy: during one flush, and while its
//! configuration is created.

use crate::abi;
use crate::since::{call, STAT_SINK_SNAPSHOT_GET_HISTOGRAM};
use core::ffi::c_char;

/// One flush's snapshot. Each visit calls `f` once per metric, with a name
/// borrowed for that call. The real implementation is
/// [`EnvoyStatSinkSnapshotHandle`]; unit tests use `testing::FakeSnapshot`.
pub trait EnvoyStatSinkSnapshot {
    /// Every counter: name, value, increase since the previous flush.
    fn counters(&self, f: &mut dyn FnMut(&[u8], u64, u64));
    /// Every gauge: name, value.
    fn gauges(&self, f: &mut dyn FnMut(&[u8], u64));
    /// Every histogram: name, sample count, sum of the samples (none on an
    /// Envoy without the histogram callbacks, 1.39).
    fn histograms(&self, f: &mut dyn FnMut(&[u8], u64, f64));
}

/// Envoy as seen while a stats sink configuration is created. The SDK offers
/// no call on it yet; constructors take it like every other kind's.
pub trait EnvoyStatSinkConfig {}

/// The real snapshot, wrapping the pointer of the running flush hook.
pub struct EnvoyStatSinkSnapshotHandle {
    raw: abi::envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
}

impl EnvoyStatSinkSnapshotHandle {
    /// # Safety
    /// `raw` must be the live pointer Envoy passed to the current flush hook.
    pub unsafe fn from_raw(
        raw: abi::envoy_dynamic_module_type_stat_sink_snapshot_envoy_ptr,
    ) -> Self {
        Self { raw }
    }
}

/// Reads one name into `buffer` through a snprintf-style callback (it reports
/// the full size; a size over the capacity means "again, with more room").
/// False when the entry does not exist.
fn read_name(
    buffer: &mut Vec<u8>,
    mut read: impl FnMut(*mut c_char, usize, &mut usize) -> bool,
) -> bool {
    loop {
        buffer.clear();
        let capacity = buffer.capacity();
        let mut size = 0usize;
        if !read(buffer.as_mut_ptr().cast(), capacity, &mut size) {
            return false;
        }
        if size <= capacity {
            // SAFETY: Envoy wrote exactly `size` bytes, within the capacity.
            unsafe { buffer.set_len(size) };
            return true;
        }
        buffer.reserve(size);
    }
}

// Every call goes through since::call: the kind exists only on Envoys that
// export the 1.39 callbacks; the 1.40 ones are checked before use.
impl EnvoyStatSinkSnapshot for EnvoyStatSinkSnapshotHandle {
    fn counters(&self, f: &mut dyn FnMut(&[u8], u64, u64)) {
        // SAFETY: the live snapshot pointer of this flush.
        let n = unsafe {
            call::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter_count(self.raw)
        };
        let mut name = Vec::with_capacity(128);
        for index in 0..n {
            let (mut value, mut delta) = (0u64, 0u64);
            // SAFETY: the live snapshot pointer; the buffer has `capacity` bytes of room.
            let found = read_name(&mut name, |buffer, capacity, size| unsafe {
                call::envoy_dynamic_module_callback_stat_sink_snapshot_get_counter(
                    self.raw, index, buffer, capacity, size, &mut value, &mut delta,
                )
            });
            if found {
                f(&name, value, delta);
            }
        }
    }

    fn gauges(&self, f: &mut dyn FnMut(&[u8], u64)) {
        // SAFETY: the live snapshot pointer of this flush.
        let n = unsafe {
            call::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge_count(self.raw)
        };
        let mut name = Vec::with_capacity(128);
        for index in 0..n {
            let mut value = 0u64;
            // SAFETY: as counters.
            let found = read_name(&mut name, |buffer, capacity, size| unsafe {
                call::envoy_dynamic_module_callback_stat_sink_snapshot_get_gauge(
                    self.raw, index, buffer, capacity, size, &mut value,
                )
            });
            if found {
                f(&name, value);
            }
        }
    }

    fn histograms(&self, f: &mut dyn FnMut(&[u8], u64, f64)) {
        if STAT_SINK_SNAPSHOT_GET_HISTOGRAM.get().is_none() {
            return;
        }
        // SAFETY: the live snapshot pointer of this flush.
        let n = unsafe {
            call::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram_count(self.raw)
        };
        let mut name = Vec::with_capacity(128);
        for index in 0..n {
            let (mut count, mut sum) = (0u64, 0f64);
            // SAFETY: as counters.
            let found = read_name(&mut name, |buffer, capacity, size| unsafe {
                call::envoy_dynamic_module_callback_stat_sink_snapshot_get_histogram(
                    self.raw, index, buffer, capacity, size, &mut count, &mut sum,
                )
            });
            if found {
                f(&name, count, sum);
            }
        }
    }
}

/// The real configuration handle, wrapping the `config_envoy_ptr` Envoy
/// passes to stat_sink_config_new.
pub struct EnvoyStatSinkConfigHandle {
    _raw: abi::envoy_dynamic_module_type_stat_sink_config_envoy_ptr,
}

impl EnvoyStatSinkConfigHandle {
    /// # Safety
    /// `raw` must be the pointer Envoy passed to the running config_new hook.
    pub unsafe fn from_raw(raw: abi::envoy_dynamic_module_type_stat_sink_config_envoy_ptr) -> Self {
        Self { _raw: raw }
    }
}

impl EnvoyStatSinkConfig for EnvoyStatSinkConfigHandle {}
