//! The switch of the test-only code: the fault-injection filters (built only
//! with the cargo feature `fault-injection`, into the test build of the module)
//! and the test knobs of shared code (the access-log writer's slow disk).

use envoy_dm_sdk::BoxError;

/// Envoy's environment must set this to 1 as well: a test build loaded by
/// mistake still injects nothing.
pub const ENABLE_ENV: &str = "DM_ENABLE_FAULT_INJECTION";

/// Whether test-only behaviour may run: in the test build, with `ENABLE_ENV=1`.
/// Always false in the shipped module.
pub fn enabled() -> bool {
    cfg!(feature = "fault-injection") && std::env::var(ENABLE_ENV).as_deref() == Ok("1")
}

/// What a test-only filter's constructor calls first: refused unless [`enabled`].
pub fn require() -> Result<(), BoxError> {
    if enabled() {
        Ok(())
    } else {
        Err(format!("test-only filter; set {ENABLE_ENV}=1 in Envoy's environment").into())
    }
}
