//! What every filter of the module counts without writing a line of code: the
//! configurations and the instances (streams, connections, sockets, ...) made
//! and released, per kind and filter name. The SDK's config and instance
//! boxes hold a token that counts on creation and on drop, so the counts are
//! exact whatever path frees a box; readers (the `lab_status` admin endpoint)
//! take a [`snapshot`].
//!
//! Cost on the request path: one relaxed atomic add when a stream's box is
//! made and one when it is dropped. The table grows only at configuration time,
//! by one entry per (kind, filter name) ever configured, so it is bounded by
//! the module's filter table.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The counters of one (kind, filter name).
#[derive(Debug)]
pub struct Counts {
    kind: &'static str,
    name: &'static str,
    configs_created: AtomicU64,
    configs_destroyed: AtomicU64,
    instances_created: AtomicU64,
    instances_destroyed: AtomicU64,
}

/// Every (kind, name) configured so far; entries are leaked on purpose (a few
/// dozen at most) so boxes can hold `&'static Counts`.
static TABLE: Mutex<Vec<&'static Counts>> = Mutex::new(Vec::new());

/// The counters of `kind`'s filter `name`, made on first use.
pub fn counts(kind: &'static str, name: &'static str) -> &'static Counts {
    let mut table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = table.iter().find(|c| c.kind == kind && c.name == name) {
        return found;
    }
    let made: &'static Counts = Box::leak(Box::new(Counts {
        kind,
        name,
        configs_created: AtomicU64::new(0),
        configs_destroyed: AtomicU64::new(0),
        instances_created: AtomicU64::new(0),
        instances_destroyed: AtomicU64::new(0),
    }));
    table.push(made);
    made
}

/// Held by a configuration box: counts it created now and destroyed on drop.
#[derive(Debug)]
pub struct Config(&'static Counts);

impl Config {
    pub fn new(counts: &'static Counts) -> Self {
        counts.configs_created.fetch_add(1, Relaxed);
        Self(counts)
    }
    /// The counters instances made from this configuration count in.
    pub fn counts(&self) -> &'static Counts {
        self.0
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        self.0.configs_destroyed.fetch_add(1, Relaxed);
    }
}

/// Held by an instance box (a stream, a connection, ...): counts it created
/// now and destroyed on drop.
#[derive(Debug)]
pub struct Instance(&'static Counts);

impl Instance {
    pub fn new(counts: &'static Counts) -> Self {
        counts.instances_created.fetch_add(1, Relaxed);
        Self(counts)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.0.instances_destroyed.fetch_add(1, Relaxed);
    }
}

/// One (kind, name)'s counters at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub kind: &'static str,
    pub name: &'static str,
    pub configs_created: u64,
    pub configs_destroyed: u64,
    pub instances_created: u64,
    pub instances_destroyed: u64,
}

impl Snapshot {
    /// Configurations alive now.
    pub fn live_configs(&self) -> u64 {
        self.configs_created.saturating_sub(self.configs_destroyed)
    }
    /// Instances alive now.
    pub fn live_instances(&self) -> u64 {
        self.instances_created
            .saturating_sub(self.instances_destroyed)
    }
}

/// Every (kind, name)'s counters, in the order first configured. Each counter
/// is read once; "destroyed" is read before "created" so a live count read
/// while instances come and go is never below zero.
pub fn snapshot() -> Vec<Snapshot> {
    let table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    table
        .iter()
        .map(|c| {
            let configs_destroyed = c.configs_destroyed.load(Relaxed);
            let instances_destroyed = c.instances_destroyed.load(Relaxed);
            Snapshot {
                kind: c.kind,
                name: c.name,
                configs_destroyed,
                instances_destroyed,
                configs_created: c.configs_created.load(Relaxed),
                instances_created: c.instances_created.load(Relaxed),
            }
        })
        .collect()
}

/// A filter's own counters (frames, bytes, refusals, ...), by (kind, filter
/// name, counter name); leaked like [`TABLE`]'s entries, bounded by the
/// counter names filters use.
type Named = (&'static str, &'static str, &'static str, &'static AtomicU64);
static NAMED: Mutex<Vec<Named>> = Mutex::new(Vec::new());

/// The filter's counter `counter`, made on first use: a filter looks it up
/// once (at config time) and adds to it with one relaxed atomic add.
/// lab_status lists it under the filter.
pub fn counter(
    kind: &'static str,
    name: &'static str,
    counter: &'static str,
) -> &'static AtomicU64 {
    let mut named = NAMED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = named
        .iter()
        .find(|(k, n, c, _)| *k == kind && *n == name && *c == counter)
    {
        return found.3;
    }
    let made: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    named.push((kind, name, counter, made));
    made
}

/// The counters of (kind, name), in the order first made.
pub fn counters(kind: &str, name: &str) -> Vec<(&'static str, u64)> {
    let named = NAMED.lock().unwrap_or_else(|e| e.into_inner());
    named
        .iter()
        .filter(|(k, n, _, _)| *k == kind && *n == name)
        .map(|(_, _, c, v)| (*c, v.load(Relaxed)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(kind: &str, name: &str) -> Snapshot {
        snapshot()
            .into_iter()
            .find(|s| s.kind == kind && s.name == name)
            .unwrap()
    }

    #[test]
    fn tokens_count_what_is_alive() {
        let counts = counts("test_kind", "live_test");
        assert!(std::ptr::eq(
            counts,
            super::counts("test_kind", "live_test")
        ));
        let config = Config::new(counts);
        let streams: Vec<_> = (0..3).map(|_| Instance::new(config.counts())).collect();
        let now = of("test_kind", "live_test");
        assert_eq!((now.live_configs(), now.live_instances()), (1, 3));
        drop(streams);
        drop(config);
        let now = of("test_kind", "live_test");
        assert_eq!((now.live_configs(), now.live_instances()), (0, 0));
        assert_eq!((now.configs_created, now.instances_created), (1, 3));
    }

    #[test]
    fn named_counters_are_per_filter() {
        let frames = counter("test_kind", "named_test", "frames");
        assert!(std::ptr::eq(
            frames,
            counter("test_kind", "named_test", "frames")
        ));
        frames.fetch_add(2, Relaxed);
        counter("test_kind", "named_test", "bytes").fetch_add(5, Relaxed);
        assert_eq!(
            counters("test_kind", "named_test"),
            vec![("frames", 2), ("bytes", 5)]
        );
        assert!(counters("test_kind", "other").is_empty());
    }
}
