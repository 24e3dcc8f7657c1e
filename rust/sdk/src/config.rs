//! Making a configuration from Envoy's bytes, and refusing it: the contract is
//! written once here for every kind's config and the per-route config (and Go's
//! `sdk/config.go` and C++'s `sdk/config.cc` state the same one).
//!
//! A refused config is one `error` line, `<module>: <kind> '<name>': <why>`, and
//! a NULL returned to Envoy, which then refuses the listener or route.

use crate::abi::envoy_dynamic_module_type_envoy_buffer;
use crate::barrier::{guard, Panicked};
use crate::ffi::envoy_bytes;
use crate::{BoxError, LogLevel};
use serde::de::DeserializeOwned;
use std::ffi::c_void;

/// The largest filter_config a filter is handed. Configs are a few hundred
/// bytes; anything near this is a mistake or an attack on the parser.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// Parses a JSON filter_config, strictly. Envoy hands a `google.protobuf.Struct`
/// over as JSON text and a `StringValue` as its raw bytes; both arrive here. An
/// absent config arrives as empty bytes and is refused with its own message.
///
/// Only a JSON object is accepted: serde would also build a struct from an
/// array of its fields in order, which no config author means. Unknown fields
/// are refused by each config type's `#[serde(deny_unknown_fields)]`.
pub fn parse_json<T: DeserializeOwned>(config: &[u8]) -> Result<T, BoxError> {
    match config.iter().position(|b| !b.is_ascii_whitespace()) {
        None => Err("filter_config is empty; expected a JSON object".into()),
        Some(i) if config[i] != b'{' => Err("invalid type: expected a JSON object".into()),
        Some(_) => Ok(serde_json::from_slice(config)?),
    }
}

/// How one kind's configurations are named: in refusals (`noun`), in the
/// barrier's line for a panicking constructor (`creation`) and in
/// [`crate::live`]'s table and lab_status's JSON (`label`). Each kind defines
/// its own (e.g. `listener::body::CONFIG`); this file names none.
#[derive(Clone, Copy)]
pub(crate) struct ConfigKind {
    pub(crate) noun: &'static str,
    pub(crate) label: &'static str,
    pub(crate) creation: &'static str,
}

/// What a config hook does with Envoy's `name` and `config` bytes: find the
/// constructor registered under the name, refuse an oversized config before any
/// parser sees it, and build behind the panic barrier. `find` says why a name
/// is unknown. None means refused (the line is logged; a panic was logged by
/// the barrier).
pub(crate) fn create<New, T>(
    kind: ConfigKind,
    name: &[u8],
    config: &[u8],
    find: impl FnOnce(&str) -> Result<(&'static str, New), String>,
    build: impl FnOnce(&'static str, New, &[u8]) -> Result<T, BoxError>,
) -> Option<T> {
    let name = String::from_utf8_lossy(name);
    let refuse = |why: &str| {
        let (module, kind) = (crate::log::module_name(), kind.noun);
        crate::log::log(
            LogLevel::Error,
            &format!("{module}: {kind} '{name}': {why}"),
        );
        None
    };
    let (found, new) = match find(&name) {
        Ok(found) => found,
        Err(why) => return refuse(&why),
    };
    if config.len() > MAX_CONFIG_BYTES {
        return refuse(&format!(
            "invalid filter_config: {} bytes is over the {MAX_CONFIG_BYTES}-byte limit",
            config.len()
        ));
    }
    let what = || crate::barrier::context(kind.noun, found, kind.creation);
    match guard(what, || build(found, new, config)) {
        Ok(Ok(built)) => Some(built),
        Ok(Err(error)) => refuse(&refusal(&*error)),
        Err(Panicked) => None,
    }
}

/// What a filter's `filter_config_module_ptr` points to, for every kind: the
/// config a kind's constructor built, with the name it was registered under.
pub(crate) struct ConfigBox<C: ?Sized> {
    pub(crate) filter_name: &'static str,
    pub(crate) config: Box<C>,
    /// Counts this config, and gives its instances their counters.
    pub(crate) live: crate::live::Config,
}

/// A kind's constructor: its config handle and the bytes in, its config out.
pub(crate) type NewConfig<H, C> = fn(&mut H, &[u8]) -> Result<Box<C>, BoxError>;

/// [`create`] for a filter config: the pointer Envoy keeps, or NULL if refused.
///
/// # Safety
/// `name` and `config` are the buffers Envoy lent to the running config_new hook.
pub(crate) unsafe fn create_box<H, C: ?Sized>(
    kind: ConfigKind,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
    find: impl FnOnce(&str) -> Result<(&'static str, NewConfig<H, C>), String>,
    envoy: &mut H,
) -> *const c_void {
    // SAFETY: Envoy lends both buffers for the running hook (the caller's contract).
    let (name, config) = unsafe {
        (
            envoy_bytes(name.ptr, name.length),
            envoy_bytes(config.ptr, config.length),
        )
    };
    let build = |filter_name, new_config: NewConfig<H, C>, config: &[u8]| {
        let config = new_config(envoy, config)?;
        Ok(ConfigBox {
            filter_name,
            config,
            live: crate::live::Config::new(crate::live::counts(kind.label, filter_name)),
        })
    };
    match create(kind, name, config, find, build) {
        Some(config) => Box::into_raw(Box::new(config)) as *const c_void,
        None => core::ptr::null(),
    }
}

/// Frees what [`create_box`] returned, behind the barrier; `what` gives the
/// context of the line a panicking drop logs.
///
/// # Safety
/// `ptr` came from `create_box` with the same `C` and is released once.
pub(crate) unsafe fn destroy_box<C: ?Sized>(
    ptr: *const c_void,
    what: impl FnOnce(&'static str) -> String,
) {
    // SAFETY: create_box's Box with this `C`, released once (the caller's contract).
    let config = unsafe { Box::from_raw(ptr as *mut ConfigBox<C>) };
    let filter_name = config.filter_name;
    let _ = guard(|| what(filter_name), move || drop(config));
}

/// Why a filter constructor's error refuses the config: a callback this Envoy
/// lacks is not the config's fault, so it is not called an invalid config.
fn refusal(error: &(dyn std::error::Error + 'static)) -> String {
    match error.downcast_ref::<crate::since::MissingCallback>() {
        Some(missing) => missing.to_string(),
        None => format!("invalid filter_config: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::since::{LogV2, OptionalCallback};

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Two {
        a: Option<u8>,
        b: Option<u8>,
    }

    #[test]
    fn only_objects() {
        assert!(parse_json::<Two>(br#" {"a": 1} "#).is_ok());
        for bad in [&b"[1, 2]"[..], b"[]", b"1", b"\"a\"", b"  "] {
            assert!(
                parse_json::<Two>(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_missing_callback_refuses_without_blaming_the_config() {
        static NEWER: OptionalCallback<LogV2> =
            OptionalCallback::new(c"envoy_dynamic_module_callback_from_the_future", "2.0.0");
        NEWER.resolve();
        let error: BoxError = NEWER.require().unwrap_err().into();
        assert_eq!(
            refusal(&*error),
            "needs envoy_dynamic_module_callback_from_the_future, which this Envoy does not \
             export (Envoy 2.0.0 and later do)"
        );
        let bad: BoxError = "expected a regex".into();
        assert_eq!(refusal(&*bad), "invalid filter_config: expected a regex");
    }
}
