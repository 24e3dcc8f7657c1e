//! `ts_fault_injection`: a test-only transport socket that panics on purpose,
//! to prove the SDK's barrier through a real Envoy: that connection is
//! closed, one line is logged, and the next connections pass.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Config `{"phase": P}`: `config` panics in its constructor;
//! `transport_socket_new`, `set_callbacks`, `on_connected`, `do_read`,
//! `do_write`, `close`, `get_protocol`, `get_failure_reason`,
//! `can_flush_close` at the first connection that reaches that hook;
//! `transport_socket_destroy` when the first socket is released;
//! `config_destroy` when the configuration is. Otherwise the socket
//! passes bytes through unchanged (no framing: it stands alone).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::transport_socket::{
    ConnectionEvent, EnvoyTransportSocket, EnvoyTransportSocketConfig, IoError, IoResult,
    TransportSocket, TransportSocketConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const PHASES: [&str; 12] = [
    "config",
    "transport_socket_new",
    "set_callbacks",
    "on_connected",
    "do_read",
    "do_write",
    "close",
    "get_protocol",
    "get_failure_reason",
    "can_flush_close",
    "transport_socket_destroy",
    "config_destroy",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    phase: String,
}

/// Which phase panics, and whether its one fault is behind it.
struct Fault {
    phase: &'static str,
    fired: AtomicBool,
}

impl Fault {
    /// Panics the first time `phase` is this config's.
    fn at(&self, phase: &str) {
        if self.phase == phase && !self.fired.swap(true, Ordering::Relaxed) {
            panic!("fault injected in {phase}");
        }
    }
}

pub struct TransportFaultConfig {
    fault: Arc<Fault>,
}

impl TransportFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyTransportSocketConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        let phase = PHASES
            .into_iter()
            .find(|p| *p == raw.phase)
            .ok_or_else(|| format!("phase must be one of {}", PHASES.join(", ")))?;
        let fault = Arc::new(Fault {
            phase,
            fired: AtomicBool::new(false),
        });
        fault.at("config");
        Ok(Self { fault })
    }
}

impl Drop for TransportFaultConfig {
    fn drop(&mut self) {
        self.fault.at("config_destroy");
    }
}

impl<E: EnvoyTransportSocket> TransportSocketConfig<E> for TransportFaultConfig {
    fn new_transport_socket(&self, _envoy: &mut E) -> Box<dyn TransportSocket<E>> {
        self.fault.at("transport_socket_new");
        Box::new(PassThrough {
            fault: self.fault.clone(),
            scratch: vec![0; 16 * 1024],
            shut_down: false,
        })
    }
}

struct PassThrough {
    fault: Arc<Fault>,
    scratch: Vec<u8>,
    shut_down: bool,
}

impl Drop for PassThrough {
    fn drop(&mut self) {
        self.fault.at("transport_socket_destroy");
    }
}

impl<E: EnvoyTransportSocket> TransportSocket<E> for PassThrough {
    fn set_callbacks(&mut self, _envoy: &mut E) {
        self.fault.at("set_callbacks");
    }

    fn on_connected(&mut self, envoy: &mut E) {
        self.fault.at("on_connected");
        envoy.raise_event(ConnectionEvent::Connected);
    }

    fn do_read(&mut self, envoy: &mut E) -> IoResult {
        self.fault.at("do_read");
        let mut total = 0u64;
        loop {
            match envoy.io_read(&mut self.scratch) {
                Ok(0) => {
                    let mut result = IoResult::keep_open(total);
                    result.end_stream_read = true;
                    return result;
                }
                Ok(n) => {
                    envoy.read_buffer_add(&self.scratch[..n]);
                    total += n as u64;
                }
                Err(IoError::Again) => return IoResult::keep_open(total),
                Err(IoError::Error) => return IoResult::close(total),
            }
        }
    }

    fn do_write(&mut self, envoy: &mut E, end_stream: bool) -> IoResult {
        self.fault.at("do_write");
        let mut taken = 0u64;
        let mut chunk = Vec::new();
        while envoy.write_buffer_length() > 0 {
            envoy.write_buffer_copy(&mut chunk, 16 * 1024);
            match envoy.io_write(&chunk) {
                Ok(0) | Err(IoError::Again) => return IoResult::keep_open(taken),
                Ok(n) => {
                    envoy.write_buffer_drain(n);
                    taken += n as u64;
                }
                Err(IoError::Error) => return IoResult::close(taken),
            }
        }
        if end_stream && !self.shut_down {
            envoy.io_shutdown_write();
            self.shut_down = true;
        }
        IoResult::keep_open(taken)
    }

    fn on_close(&mut self, _envoy: &mut E, _event: ConnectionEvent) {
        self.fault.at("close");
    }

    fn protocol(&self) -> &str {
        self.fault.at("get_protocol");
        ""
    }

    fn failure_reason(&self) -> &str {
        self.fault.at("get_failure_reason");
        ""
    }

    fn can_flush_close(&self) -> bool {
        self.fault.at("can_flush_close");
        true
    }
}
