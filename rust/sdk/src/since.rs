//! Callbacks only newer supported Envoys export (`@since` in abi/abi.h), looked
//! up once at program_init instead of linked.
//!
//! Envoy resolves every undefined symbol of a module when it loads it, so a
//! module linked against a 1.40-only callback does not load in 1.38 at all. A
//! name looked up with `dlsym(RTLD_DEFAULT, ...)` is found in Envoy's own
//! exports when present and is simply absent otherwise: the module loads
//! everywhere and decides per callback.
//!
//! * A callback with a fallback (log_v2 → log) picks at each call.
//! * A filter that cannot work without one calls [`OptionalCallback::require`]
//!   in its config constructor: the config is refused with one line naming the
//!   callback and the Envoy that has it, and the rest of the module loads.

use crate::abi;
use core::ffi::{c_char, c_void, CStr};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};

extern "C" {
    // glibc's; Envoy itself links libdl, so it is always there.
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// glibc's RTLD_DEFAULT: search the global scope, which holds Envoy's exports.
const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();

/// One version-dependent callback: its name, the oldest Envoy that exports it,
/// and its address once resolved (NULL when absent or not yet resolved).
/// `F` is its `unsafe extern "C" fn` type.
pub struct OptionalCallback<F> {
    pub name: &'static CStr,
    pub since: &'static str,
    address: AtomicPtr<c_void>,
    kind: PhantomData<F>,
}

// SAFETY: the only state is an atomic pointer; F is a fn-pointer type.
unsafe impl<F> Sync for OptionalCallback<F> {}

impl<F: Copy> OptionalCallback<F> {
    pub const fn new(name: &'static CStr, since: &'static str) -> Self {
        assert!(core::mem::size_of::<F>() == core::mem::size_of::<*mut c_void>());
        Self {
            name,
            since,
            address: AtomicPtr::new(core::ptr::null_mut()),
            kind: PhantomData,
        }
    }

    /// Looks the name up in the running process; returns whether it was found.
    pub fn resolve(&self) -> bool {
        // SAFETY: dlsym with a NUL-terminated name; RTLD_DEFAULT is always valid.
        let found = unsafe { dlsym(RTLD_DEFAULT, self.name.as_ptr()) };
        self.address.store(found, Ordering::Release);
        !found.is_null()
    }

    /// The function, when the running Envoy exports it.
    pub fn get(&self) -> Option<F> {
        let found = self.address.load(Ordering::Acquire);
        // SAFETY: a non-NULL address is Envoy's export of `name`, whose type is F
        // (checked against the abi crate's declaration below); F is pointer-sized.
        (!found.is_null()).then(|| unsafe { core::mem::transmute_copy(&found) })
    }

    /// The function, or the refusal a filter config returns without it.
    pub fn require(&self) -> Result<F, MissingCallback> {
        self.get().ok_or(MissingCallback {
            name: self.name,
            since: self.since,
        })
    }

    /// Test seam: pretend the running Envoy exports (Some) or lacks (None) it.
    #[cfg(feature = "testing")]
    pub fn set_for_test(&self, address: Option<*mut c_void>) {
        self.address
            .store(address.unwrap_or(core::ptr::null_mut()), Ordering::Release);
    }
}

/// A filter's config needs a callback this Envoy does not export. hooks.rs
/// logs its text as the whole refusal (not as an "invalid filter_config").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingCallback {
    pub name: &'static CStr,
    pub since: &'static str,
}

impl core::fmt::Display for MissingCallback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "needs {}, which this Envoy does not export (Envoy {} and later do)",
            self.name.to_string_lossy(),
            self.since
        )
    }
}

impl std::error::Error for MissingCallback {}

// ------------------------------------------------------------------ the table

pub type LogV2 = unsafe extern "C" fn(
    abi::envoy_dynamic_module_type_log_level,
    abi::envoy_dynamic_module_type_module_buffer,
    abi::envoy_dynamic_module_type_module_buffer,
    u32,
);

/// `envoy_dynamic_module_callback_log_v2`; log.rs falls back to `callback_log`.
pub static LOG_V2: OptionalCallback<LogV2> =
    OptionalCallback::new(c"envoy_dynamic_module_callback_log_v2", "1.40.0");

/// Every entry above, by name and `since`, for program_init and the test that
/// compares this table with abi/abi.h's `@since` tags.
pub fn table() -> [(&'static CStr, &'static str); 1] {
    [(LOG_V2.name, LOG_V2.since)]
}

/// Resolves every entry; program_init calls it before anything else.
pub fn resolve_all() {
    LOG_V2.resolve();
}

/// The ABI version this module speaks on the running Envoy: v0.2.0 where the
/// v0.2.0 callbacks resolve, else that of the oldest supported Envoy. Each
/// Envoy then logs "matched" (docs/COMPAT.md, "What program_init answers").
pub fn abi_version() -> &'static CStr {
    if LOG_V2.get().is_some() {
        abi::ENVOY_DYNAMIC_MODULES_ABI_VERSION
    } else {
        abi::ENVOY_DYNAMIC_MODULES_OLDEST_ABI_VERSION
    }
}

/// Compile-time check that each fn type above is the abi crate's declaration.
/// Never called: naming the declarations here must not leave a symbol behind
/// (test_compat's nm check sees to that).
#[allow(dead_code)]
const _: () = {
    fn types_match_the_abi() {
        let _: LogV2 = abi::since::envoy_dynamic_module_callback_log_v2;
    }
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_since_tags_of_the_header() {
        let header = include_str!("../../../abi/abi.h");
        let mut tagged = Vec::new();
        let mut since = None;
        for line in header.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("* @since Envoy ") {
                since = rest.split_whitespace().next().map(str::to_owned);
            } else if let (Some(v), Some(at)) =
                (&since, line.find("envoy_dynamic_module_callback_"))
            {
                if line.starts_with("extern ") {
                    let name: String = line[at..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    tagged.push((name, v.clone()));
                    since = None;
                }
            }
        }
        let table: Vec<(String, String)> = table()
            .iter()
            .map(|(n, s)| (n.to_str().unwrap().to_owned(), s.to_string()))
            .collect();
        assert_eq!(
            tagged, table,
            "abi/abi.h's @since callbacks vs since::table()"
        );
    }

    #[test]
    fn a_missing_callback_is_one_line_naming_it_and_the_envoy_that_has_it() {
        let missing: OptionalCallback<LogV2> =
            OptionalCallback::new(c"envoy_dynamic_module_callback_no_such", "9.9.9");
        assert!(!missing.resolve());
        let error = missing.require().unwrap_err().to_string();
        assert_eq!(
            error,
            "needs envoy_dynamic_module_callback_no_such, which this Envoy does not export \
             (Envoy 9.9.9 and later do)"
        );
    }

    #[test]
    fn resolve_finds_a_name_the_process_exports() {
        // The test binary has no Envoy, but libc's own exports are in the same
        // global scope Envoy's are.
        let found: OptionalCallback<LogV2> = OptionalCallback::new(c"malloc", "0");
        assert!(found.resolve());
        assert!(found.get().is_some());
    }
}
