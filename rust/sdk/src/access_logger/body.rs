//! The access logger hooks' bodies. The SDK (`hooks.rs`)
//! exports the six `#[no_mangle]` hooks, each calling one
//! of these with the module's logger table, and checks every definition
//! against its declaration in the ABI crate.
//!
//! A panic never crosses the ABI: it is logged, the event that caused it is
//! not logged, and the logger that panicked is not trusted again: it is
//! dropped and rebuilt from its configuration for the next event (one logger
//! lives as long as its thread, so without this one bad request would end
//! logging on that worker). Envoy skips logging on a thread whose
//! access_logger_new returned NULL, so the SDK never returns NULL: a logger
//! that cannot be built is retried at the next event.

use super::filter::access_log_type;
use super::{
    AccessLogType, AccessLogger, AccessLoggerConfig, EnvoyAccessLog, EnvoyAccessLogHandle,
    EnvoyAccessLoggerConfigHandle,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one access logger configuration from its `logger_config` bytes.
pub type NewAccessLoggerConfig =
    fn(
        &mut EnvoyAccessLoggerConfigHandle,
        &[u8],
    ) -> Result<Box<dyn AccessLoggerConfig<EnvoyAccessLogHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "access logger";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "access_logger",
    creation: "config creation",
};

type Handle = EnvoyAccessLogHandle;

/// What `config_module_ptr` points to.
struct ConfigBox {
    filter_name: &'static str,
    /// Envoy's side of the configuration: the metric callbacks take it.
    envoy: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
    config: Box<dyn AccessLoggerConfig<Handle>>,
    /// Counts the configuration alive (lab_status reads it).
    live: crate::live::Config,
}

/// One thread's logger and what rebuilds it, generic over the handle so unit
/// tests drive the same code as Envoy.
pub struct Logger<'c, E: EnvoyAccessLog> {
    filter_name: &'static str,
    config: &'c dyn AccessLoggerConfig<E>,
    /// None when building it panicked, or once it panicked.
    logger: Option<Box<dyn AccessLogger<E>>>,
}

impl<'c, E: EnvoyAccessLog> Logger<'c, E> {
    /// Builds the logger behind the barrier (None, logged, when that panics).
    pub fn new(filter_name: &'static str, config: &'c dyn AccessLoggerConfig<E>) -> Self {
        let mut this = Self {
            filter_name,
            config,
            logger: None,
        };
        this.rebuild();
        this
    }

    fn rebuild(&mut self) {
        let config = self.config;
        self.logger = guard(
            || in_phase(KIND, self.filter_name, "access_logger_new"),
            || config.new_access_logger(),
        )
        .ok();
    }

    /// Whether a logger is in place (false after a panic, until the next event).
    pub fn is_live(&self) -> bool {
        self.logger.is_some()
    }

    /// One event, behind the barrier. After a panic the logger is dropped.
    pub fn log(&mut self, envoy: &mut E, log_type: AccessLogType) {
        if self.logger.is_none() {
            self.rebuild();
        }
        let Some(logger) = self.logger.as_mut() else {
            return;
        };
        let filter_name = self.filter_name;
        if guard(
            || in_phase(KIND, filter_name, "access_logger_log"),
            || logger.log(envoy, log_type),
        )
        .is_err()
        {
            self.drop_logger("access_logger_log");
        }
    }

    /// Asks the logger to hand over what it buffered, behind the barrier.
    pub fn flush(&mut self) {
        let filter_name = self.filter_name;
        if let Some(logger) = self.logger.as_mut() {
            if guard(
                || in_phase(KIND, filter_name, "access_logger_flush"),
                || logger.flush(),
            )
            .is_err()
            {
                self.drop_logger("access_logger_flush");
            }
        }
    }

    /// Drops the logger behind the barrier (its Drop may panic too).
    fn drop_logger(&mut self, phase: &str) {
        if let Some(logger) = self.logger.take() {
            let _ = guard(
                || in_phase(KIND, self.filter_name, phase),
                move || drop(logger),
            );
        }
    }
}

impl<E: EnvoyAccessLog> Drop for Logger<'_, E> {
    fn drop(&mut self) {
        self.drop_logger("access_logger_destroy");
    }
}

/// What `logger_module_ptr` points to.
struct LoggerBox {
    config_envoy: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
    logger: Logger<'static, Handle>,
    /// Counts the logger (one per worker thread) alive until it is dropped.
    _live: crate::live::Instance,
}

/// # Safety
/// The arguments are those Envoy passed to access_logger_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewAccessLoggerConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_access_logger_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_access_logger_config_module_ptr {
    // SAFETY: the caller passes Envoy's pointer and buffers for this running
    // hook; the buffers are read before it returns.
    let (mut envoy, name, config) = unsafe {
        (
            EnvoyAccessLoggerConfigHandle::from_raw(config_envoy_ptr),
            envoy_bytes(name.ptr, name.length),
            envoy_bytes(config.ptr, config.length),
        )
    };
    let find = |name: &str| kind_config::find(table, name);
    let build = |filter_name, new: NewAccessLoggerConfig, config: &[u8]| {
        Ok(ConfigBox {
            filter_name,
            envoy: config_envoy_ptr,
            config: new(&mut envoy, config)?,
            live: crate::live::Config::new(crate::live::counts("access_logger", filter_name)),
        })
    };
    match config::create(CONFIG, name, config, find, build) {
        Some(config) => Box::into_raw(Box::new(config)) as *const _,
        None => core::ptr::null(),
    }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once, after its loggers.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_access_logger_config_module_ptr) {
    // SAFETY: `ptr` is config_new's Box, released once (the caller's contract).
    let config = unsafe { Box::from_raw(ptr as *mut ConfigBox) };
    let filter_name = config.filter_name;
    let _ = guard(
        || in_phase(KIND, filter_name, "config destroy"),
        move || drop(config),
    );
}

/// # Safety
/// `config_ptr` came from [`config_new`] and outlives the logger made here.
pub unsafe fn logger_new(
    config_ptr: envoy_dynamic_module_type_access_logger_config_module_ptr,
) -> envoy_dynamic_module_type_access_logger_module_ptr {
    // SAFETY: config_new's Box, alive until every logger made from it is gone.
    let config: &'static ConfigBox = unsafe { &*(config_ptr as *const ConfigBox) };
    Box::into_raw(Box::new(LoggerBox {
        config_envoy: config.envoy,
        logger: Logger::new(config.filter_name, &*config.config),
        _live: crate::live::Instance::new(config.live.counts()),
    })) as *const _
}

/// # Safety
/// Both pointers are the live ones of this logger and event.
pub unsafe fn log(
    envoy_ptr: envoy_dynamic_module_type_access_logger_envoy_ptr,
    module_ptr: envoy_dynamic_module_type_access_logger_module_ptr,
    log_type: u32,
) {
    // SAFETY: logger_new's Box, used by this worker's one call at a time.
    let boxed = unsafe { &mut *(module_ptr as *mut LoggerBox) };
    // SAFETY: Envoy's pointers for this event and the logger's config.
    let mut envoy = unsafe { Handle::from_raw(envoy_ptr, boxed.config_envoy) };
    boxed.logger.log(&mut envoy, access_log_type(log_type));
}

/// # Safety
/// `module_ptr` is a live logger from [`logger_new`].
pub unsafe fn flush(module_ptr: envoy_dynamic_module_type_access_logger_module_ptr) {
    // SAFETY: logger_new's Box, live (the caller's contract).
    unsafe { (*(module_ptr as *mut LoggerBox)).logger.flush() };
}

/// # Safety
/// `module_ptr` came from [`logger_new`] and is released once.
pub unsafe fn logger_destroy(module_ptr: envoy_dynamic_module_type_access_logger_module_ptr) {
    // Logger's Drop puts the logger's own drop behind the barrier.
    // SAFETY: logger_new's Box, released once (the caller's contract).
    drop(unsafe { Box::from_raw(module_ptr as *mut LoggerBox) });
}
