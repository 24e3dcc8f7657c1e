//! The formatter hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic in format is logged once and the line gets no value
//! (`-`): a formatter may be all that stands between a secret and the log, so
//! nothing it half-computed is written. A panic or a refusal in parse refuses
//! the format string (Envoy then refuses the listener). The SDK cuts every
//! value to the command's `:N`.
//!
//! Live counts: one configuration per format string's `formatters` entry;
//! each provider (a parsed command) counts as an instance while it lives.
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed path) on the fake; the `unsafe fn`s only turn pointers back.

use super::{
    Command, EnvoyFormatter, EnvoyFormatterConfigHandle, EnvoyFormatterHandle, FormatterConfig,
    FormatterProvider,
};
use crate::abi::*;
use crate::barrier::{guard, in_phase};
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::{BoxError, LogLevel};
use std::cell::RefCell;

/// Builds one formatter configuration from its `formatter_config` bytes.
pub type NewFormatterConfig =
    fn(
        &mut EnvoyFormatterConfigHandle,
        &[u8],
    ) -> Result<Box<dyn FormatterConfig<EnvoyFormatterHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "formatter";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "formatter",
    creation: "config creation",
};

type Handle = EnvoyFormatterHandle;
type ConfigBox<H> = config::ConfigBox<dyn FormatterConfig<H>>;

/// What a provider pointer points to: the parsed command and its cut.
pub(crate) struct ProviderBox<H: EnvoyFormatter> {
    filter_name: &'static str,
    max_length: Option<usize>,
    provider: Box<dyn FormatterProvider<H>>,
    _live: crate::live::Instance,
}

thread_local! {
    /// The last value formatted on this thread: Envoy copies it out before
    /// the thread formats anything else.
    static VALUE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// # Safety
/// The arguments are those Envoy passed to formatter_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewFormatterConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_formatter_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_formatter_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyFormatterConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_formatter_config_module_ptr) {
    let what = |filter_name| in_phase(KIND, filter_name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn FormatterConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; both buffers are Envoy's for this call.
pub unsafe fn parse(
    config_ptr: envoy_dynamic_module_type_formatter_config_module_ptr,
    command: envoy_dynamic_module_type_envoy_buffer,
    command_arg: envoy_dynamic_module_type_envoy_buffer,
    has_max_length: bool,
    max_length: usize,
) -> envoy_dynamic_module_type_formatter_provider_module_ptr {
    // SAFETY: config_new's box, alive while Envoy parses with it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    let (command, argument) = unsafe {
        (
            envoy_bytes(command.ptr, command.length),
            envoy_bytes(command_arg.ptr, command_arg.length),
        )
    };
    let max_length = has_max_length.then_some(max_length);
    match run_parse(config, command, argument, max_length) {
        Some(provider) => Box::into_raw(Box::new(provider)) as *const core::ffi::c_void,
        None => core::ptr::null(),
    }
}

/// The body of parse: the configuration's parse behind the barrier; a
/// refusal is one line naming the formatter and the command.
pub(crate) fn run_parse<H: EnvoyFormatter>(
    config: &ConfigBox<H>,
    command: &[u8],
    argument: &[u8],
    max_length: Option<usize>,
) -> Option<ProviderBox<H>> {
    // Envoy's command names are ASCII; anything else is no formatter's.
    let name = core::str::from_utf8(command).ok()?;
    let filter_name = config.filter_name;
    let command = Command {
        name,
        argument,
        max_length,
    };
    match guard(
        || in_phase(KIND, filter_name, "parse"),
        || config.config.parse(&command),
    ) {
        Ok(Ok(Some(provider))) => Some(ProviderBox {
            filter_name,
            max_length,
            provider,
            _live: crate::live::Instance::new(config.live.counts()),
        }),
        Ok(Ok(None)) | Err(_) => None,
        Ok(Err(why)) => {
            crate::log::log(
                LogLevel::Error,
                &format!(
                    "{}: {KIND} '{filter_name}': invalid command %{name}({})%: {why}",
                    crate::log::module_name(),
                    String::from_utf8_lossy(argument)
                ),
            );
            None
        }
    }
}

/// # Safety
/// `ptr` came from [`parse`] and is released once.
pub unsafe fn provider_destroy(ptr: envoy_dynamic_module_type_formatter_provider_module_ptr) {
    // SAFETY: parse's box, released once (the caller's contract).
    let provider = unsafe { Box::from_raw(ptr as *mut ProviderBox<Handle>) };
    let filter_name = provider.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "provider destroy"),
        move || drop(provider),
    );
}

/// # Safety
/// `provider_ptr` came from [`parse`]; `envoy_ptr` is live for this call and
/// `result` is writable.
pub unsafe fn format(
    provider_ptr: envoy_dynamic_module_type_formatter_provider_module_ptr,
    envoy_ptr: envoy_dynamic_module_type_formatter_context_envoy_ptr,
    result: *mut envoy_dynamic_module_type_module_buffer,
) -> bool {
    // SAFETY: parse's box, alive while Envoy formats with it; shared read-only
    // by every worker (the trait is Sync).
    let provider = unsafe { &*(provider_ptr as *const ProviderBox<Handle>) };
    // SAFETY: Envoy's context pointer, live for this call (the caller's contract).
    let envoy = unsafe { Handle::from_raw(envoy_ptr) };
    let Some(value) = run_format(provider, &envoy) else {
        return false;
    };
    VALUE.with(|slot| {
        let mut slot = slot.borrow_mut();
        *slot = value;
        // SAFETY: `result` is Envoy's out-parameter for this call; the bytes
        // stay in this thread's slot until its next format, after Envoy copied them.
        unsafe {
            *result = envoy_dynamic_module_type_module_buffer {
                ptr: slot.as_ptr().cast(),
                length: slot.len(),
            };
        }
    });
    true
}

/// The body of format: the provider behind the barrier, its value cut to the
/// command's `:N`; after a panic, no value.
pub(crate) fn run_format<H: EnvoyFormatter>(
    provider: &ProviderBox<H>,
    envoy: &H,
) -> Option<Vec<u8>> {
    let name = provider.filter_name;
    let mut value = guard(
        || in_phase(KIND, name, "format"),
        || provider.provider.format(envoy),
    )
    .ok()??;
    if let Some(max) = provider.max_length {
        value.truncate(max);
    }
    Some(value)
}

// The hook bodies on the fake: refusals and panics are one line each, a
// panicking format gives no value, values are cut to `:N`. Needs the
// `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::formatter::testing::FakeFormatter;
    use crate::log::take_logs;
    use crate::HeaderType;

    type Fake = FakeFormatter;

    /// `%ECHO(name)%` gives request header `name`, and panics when its value
    /// is `boom`; `%ECHO()%` is refused.
    struct Echo;
    struct EchoHeader(String);
    impl FormatterConfig<Fake> for Echo {
        fn parse(
            &self,
            command: &Command<'_>,
        ) -> Result<Option<Box<dyn FormatterProvider<Fake>>>, BoxError> {
            if command.name != "ECHO" {
                return Ok(None);
            }
            if command.argument.is_empty() {
                return Err("needs a header name".into());
            }
            assert!(command.argument != b"panic", "a bad argument");
            let name = String::from_utf8(command.argument.to_vec())?;
            Ok(Some(Box::new(EchoHeader(name))))
        }
    }
    impl FormatterProvider<Fake> for EchoHeader {
        fn format(&self, envoy: &Fake) -> Option<Vec<u8>> {
            let value = envoy
                .header_values(HeaderType::RequestHeader, &self.0)
                .first()?
                .to_vec();
            assert!(value != b"boom", "a bad value");
            Some(value)
        }
    }

    fn config() -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "echo",
            config: Box::new(Echo),
            live: crate::live::Config::new(crate::live::counts("formatter", "echo")),
        }
    }

    #[test]
    fn other_commands_are_not_taken_and_values_are_cut() {
        let config = config();
        assert!(run_parse(&config, b"REQ", b"x", None).is_none());
        let provider = run_parse(&config, b"ECHO", b"x-user", Some(3)).unwrap();
        let envoy = Fake::with_request_headers(&[("x-user", b"alice")]);
        assert_eq!(run_format(&provider, &envoy), Some(b"ali".to_vec()));
        assert_eq!(run_format(&provider, &Fake::default()), None);
    }

    #[test]
    fn a_refused_command_is_one_line_naming_the_formatter_and_the_command() {
        crate::barrier::install_panic_hook();
        take_logs();
        assert!(run_parse(&config(), b"ECHO", b"", None).is_none());
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(
            logs[0]
                .1
                .ends_with("formatter 'echo': invalid command %ECHO()%: needs a header name"),
            "{}",
            logs[0].1
        );
    }

    #[test]
    fn a_panic_is_logged_once_and_gives_no_value() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config();
        assert!(run_parse(&config, b"ECHO", b"panic", None).is_none());
        let provider = run_parse(&config, b"ECHO", b"x-user", None).unwrap();
        let boom = Fake::with_request_headers(&[("x-user", b"boom")]);
        assert_eq!(run_format(&provider, &boom), None);
        let logs = take_logs();
        assert_eq!(logs.len(), 2, "{logs:?}");
        assert!(
            logs[0].1.contains("formatter 'echo' in parse: panicked"),
            "{}",
            logs[0].1
        );
        assert!(
            logs[1].1.contains("formatter 'echo' in format: panicked"),
            "{}",
            logs[1].1
        );
        // The same provider formats the next line.
        let next = Fake::with_request_headers(&[("x-user", b"bob")]);
        assert_eq!(run_format(&provider, &next), Some(b"bob".to_vec()));
        assert!(take_logs().is_empty());
    }
}
