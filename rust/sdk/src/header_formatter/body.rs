//! The HTTP/1 header formatter hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these, and checks every
//! definition against its declaration in the ABI crate.
//!
//! Fail closed means Envoy's own casing: a panic in `new_header_formatter`
//! is logged once and the message gets no formatter (NULL: Envoy's default
//! lowercase); a panic in `process_key` or `format` is logged once and
//! silences that formatter for the rest of its message (every later name
//! keeps Envoy's spelling), so one bad message cannot log a line per header.
//! A wrong case is the worst outcome: a header is never dropped or renamed.
//!
//! Live counts: one configuration per protocol options that name it; one
//! instance per formatter (per HTTP/1 message that got one).

use super::{EnvoyHeaderFormatterConfigHandle, HeaderFormatter, HeaderFormatterConfig};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one header formatter configuration from its config bytes.
pub type NewHeaderFormatterConfig = fn(
    &mut EnvoyHeaderFormatterConfigHandle,
    &[u8],
) -> Result<Box<dyn HeaderFormatterConfig>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "header formatter";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "header_formatter",
    creation: "config creation",
};

type ConfigBox = config::ConfigBox<dyn HeaderFormatterConfig>;

/// What the module's formatter pointer points to.
pub(crate) struct FormatterBox {
    filter_name: &'static str,
    formatter: Box<dyn HeaderFormatter>,
    /// A hook of this formatter panicked: it is asked nothing more.
    silenced: bool,
    _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to header_formatter_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewHeaderFormatterConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_header_formatter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_header_formatter_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyHeaderFormatterConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn HeaderFormatterConfig>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`] and is alive.
pub unsafe fn formatter_new(
    config_ptr: envoy_dynamic_module_type_header_formatter_config_module_ptr,
    _envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
) -> envoy_dynamic_module_type_header_formatter_module_ptr {
    // SAFETY: config_new's box, alive while Envoy makes formatters of it;
    // shared read-only by every worker (the trait is Sync).
    let config = unsafe { &*(config_ptr as *const ConfigBox) };
    match new_formatter(config) {
        Some(formatter) => Box::into_raw(Box::new(formatter)) as *const core::ffi::c_void,
        None => core::ptr::null(),
    }
}

/// The body of header_formatter_new: None declines (or a panic did).
pub(crate) fn new_formatter(config: &ConfigBox) -> Option<FormatterBox> {
    let name = config.filter_name;
    let formatter = guard(
        || in_phase(KIND, name, "header_formatter_new"),
        || config.config.new_header_formatter(),
    )
    .ok()??;
    Some(FormatterBox {
        filter_name: name,
        formatter,
        silenced: false,
        _live: crate::live::Instance::new(config.live.counts()),
    })
}

/// # Safety
/// `ptr` came from [`formatter_new`] and is released once.
pub unsafe fn formatter_destroy(ptr: envoy_dynamic_module_type_header_formatter_module_ptr) {
    // SAFETY: formatter_new's box, released once (the caller's contract).
    let formatter = unsafe { Box::from_raw(ptr as *mut FormatterBox) };
    let name = formatter.filter_name;
    let _ = guard(
        || in_phase(KIND, name, "header_formatter_destroy"),
        move || drop(formatter),
    );
}

/// # Safety
/// `ptr` came from [`formatter_new`]; `key` is lent for this call. Envoy calls
/// one formatter's hooks from one thread at a time.
pub unsafe fn process_key(
    _envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
    ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
) {
    // SAFETY: formatter_new's box, used by one thread at a time (the caller's contract).
    let formatter = unsafe { &mut *(ptr as *mut FormatterBox) };
    // SAFETY: Envoy lends the key for this call.
    run_process_key(formatter, unsafe { envoy_bytes(key.ptr, key.length) });
}

pub(crate) fn run_process_key(f: &mut FormatterBox, key: &[u8]) {
    if f.silenced {
        return;
    }
    let name = f.filter_name;
    let inner = &mut f.formatter;
    if guard(
        || in_phase(KIND, name, "process_key"),
        || inner.process_key(key),
    )
    .is_err()
    {
        f.silenced = true;
    }
}

/// # Safety
/// As [`process_key`]; `result` is writable.
pub unsafe fn format(
    _envoy_ptr: envoy_dynamic_module_type_header_formatter_envoy_ptr,
    ptr: envoy_dynamic_module_type_header_formatter_module_ptr,
    key: envoy_dynamic_module_type_envoy_buffer,
    result: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: formatter_new's box, used by one thread at a time (the caller's contract).
    let formatter = unsafe { &mut *(ptr as *mut FormatterBox) };
    // SAFETY: Envoy lends the key for this call.
    let key = unsafe { envoy_bytes(key.ptr, key.length) };
    match run_format(formatter, key) {
        Some(out) => {
            // SAFETY: `result` is Envoy's to write; the bytes are the
            // formatter's and stay put until its next call (Envoy copies them).
            unsafe {
                *result = envoy_dynamic_module_type_module_buffer {
                    ptr: out.as_ptr().cast(),
                    length: out.len(),
                }
            };
            true
        }
        None => false,
    }
}

/// The body of format: the spelling, or None for Envoy's (also after a
/// panic, and for a spelling that is not the key in another case).
pub(crate) fn run_format<'a>(f: &'a mut FormatterBox, key: &[u8]) -> Option<&'a [u8]> {
    if f.silenced {
        return None;
    }
    let name = f.filter_name;
    let inner = &mut f.formatter;
    match guard(|| in_phase(KIND, name, "format"), || inner.format(key)) {
        // Only a change of case: anything else would rename the header.
        Ok(Some(out)) if !out.is_empty() && out.eq_ignore_ascii_case(key) => Some(out),
        Ok(_) => None,
        Err(_) => {
            f.silenced = true;
            None
        }
    }
}

// The hook bodies on a toy formatter: a panic is logged once and silences
// that formatter only; a spelling that is not the key is ignored.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::log::take_logs;

    /// Uppercases every name; panics on `x-boom`; answers `x-other` for `x-rename`.
    struct Loud(Vec<u8>);
    impl HeaderFormatter for Loud {
        fn process_key(&mut self, key: &[u8]) {
            assert!(key != b"X-Boom", "a bad name");
        }
        fn format(&mut self, key: &[u8]) -> Option<&[u8]> {
            assert!(key != b"x-boom", "a bad name");
            self.0 = if key == b"x-rename" {
                b"x-other".to_vec()
            } else {
                key.to_ascii_uppercase()
            };
            Some(&self.0)
        }
    }
    struct LoudConfig;
    impl HeaderFormatterConfig for LoudConfig {
        fn new_header_formatter(&self) -> Option<Box<dyn HeaderFormatter>> {
            Some(Box::new(Loud(Vec::new())))
        }
    }

    fn config() -> ConfigBox {
        config::ConfigBox {
            filter_name: "loud",
            config: Box::new(LoudConfig),
            live: crate::live::Config::new(crate::live::counts("header_formatter", "loud")),
        }
    }

    #[test]
    fn spellings_pass_only_when_they_change_the_case() {
        let config = config();
        let mut f = new_formatter(&config).unwrap();
        assert_eq!(run_format(&mut f, b"x-a"), Some(&b"X-A"[..]));
        assert_eq!(run_format(&mut f, b"x-rename"), None);
    }

    #[test]
    fn a_panic_is_logged_once_and_silences_that_formatter_only() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        let mut f = new_formatter(&config).unwrap();
        run_process_key(&mut f, b"X-Boom");
        assert_eq!(run_format(&mut f, b"x-a"), None, "silenced");
        run_process_key(&mut f, b"X-Boom");
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .contains("header formatter 'loud' in process_key: panicked"),
            "{}",
            logs[0].1
        );
        // The next message's formatter works; a panic in format silences it too.
        let mut g = new_formatter(&config).unwrap();
        assert_eq!(run_format(&mut g, b"x-a"), Some(&b"X-A"[..]));
        assert_eq!(run_format(&mut g, b"x-boom"), None);
        assert_eq!(run_format(&mut g, b"x-a"), None);
        assert_eq!(take_logs().len(), 1);
    }
}
