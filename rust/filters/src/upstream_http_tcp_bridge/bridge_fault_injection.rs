//! `bridge_fault_injection`: a test-only upstream HTTP-to-TCP bridge that
//! panics on purpose, to prove the SDK's barrier through a real Envoy: the
//! request is answered 500, one line is logged, and the next request is
//! served.
//!
//! Refuses every config unless Envoy runs with `DM_ENABLE_FAULT_INJECTION=1`.
//! Otherwise it writes the request's `x-send` header upstream (once the
//! request is whole) and answers 200
//! with the first bytes that come back; a request carrying `x-fault: PHASE`
//! panics in that hook (`encode_headers`, `encode_data`, `encode_trailers`,
//! `on_upstream_data`). Config `{"phase": "config"}` panics in its
//! constructor, `{"phase": "new"}` in making every bridge (no request
//! header is there yet then).

use crate::shared::fault::require as enabled;
use envoy_dm_sdk::upstream_http_tcp_bridge::{
    EnvoyUpstreamHttpTcpBridge, EnvoyUpstreamHttpTcpBridgeConfig, UpstreamHttpTcpBridge,
    UpstreamHttpTcpBridgeConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    phase: Option<String>,
}

pub struct BridgeFaultConfig {
    panic_in_new: bool,
}

impl BridgeFaultConfig {
    pub fn new(
        _envoy: &mut impl EnvoyUpstreamHttpTcpBridgeConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        enabled()?;
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.phase.as_deref() == Some("config") {
            panic!("fault injected in config");
        }
        Ok(Self {
            panic_in_new: raw.phase.as_deref() == Some("new"),
        })
    }
}

fn maybe_panic(envoy: &impl EnvoyUpstreamHttpTcpBridge, phase: &str) {
    if envoy.request_header("x-fault") == Some(phase.as_bytes()) {
        panic!("fault injected in {phase}");
    }
}

impl<E: EnvoyUpstreamHttpTcpBridge> UpstreamHttpTcpBridgeConfig<E> for BridgeFaultConfig {
    fn new_bridge(&self, _envoy: &mut E) -> Box<dyn UpstreamHttpTcpBridge<E>> {
        if self.panic_in_new {
            panic!("fault injected in upstream_http_tcp_bridge_new");
        }
        Box::new(FaultBridge { answered: false })
    }
}

/// Writes the `x-send` line upstream once the request is whole, so that no
/// answer can come back before the request's last hook.
fn send_line(envoy: &mut impl EnvoyUpstreamHttpTcpBridge) {
    let mut line = envoy.request_header("x-send").unwrap_or(b"PING").to_vec();
    line.extend_from_slice(b"\r\n");
    envoy.send_upstream_data(&line, false);
}

struct FaultBridge {
    answered: bool,
}

impl<E: EnvoyUpstreamHttpTcpBridge> UpstreamHttpTcpBridge<E> for FaultBridge {
    fn encode_headers(&mut self, envoy: &mut E, end_of_stream: bool) {
        maybe_panic(envoy, "encode_headers");
        if end_of_stream {
            send_line(envoy);
        }
    }
    fn encode_data(&mut self, envoy: &mut E, _data: &[u8], end_of_stream: bool) {
        maybe_panic(envoy, "encode_data");
        if end_of_stream {
            send_line(envoy);
        }
    }
    fn encode_trailers(&mut self, envoy: &mut E) {
        maybe_panic(envoy, "encode_trailers");
        send_line(envoy);
    }
    fn on_upstream_data(&mut self, envoy: &mut E, data: &[u8], _end_of_stream: bool) {
        maybe_panic(envoy, "on_upstream_data");
        if !std::mem::replace(&mut self.answered, true) {
            envoy.send_response(200, &[("content-type", b"text/plain")], data);
        }
    }
}
