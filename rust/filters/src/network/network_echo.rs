//! `network_echo`: a network filter that writes back every byte it reads and
//! never reaches an upstream (the filter chain needs nothing after it).
//!
//! Config: absent or `{}` (unknown fields are refused).
//!
//! Behaviour a user would expect of an echo server:
//! - bytes come back in order, as they arrive; nothing is buffered in the module;
//! - a half-close from the client (`shutdown(SHUT_WR)`) is echoed as a
//!   half-close once everything before it was written back, so the client reads
//!   all its bytes and then EOF;
//! - a client that sends nothing is never answered (and holds only the
//!   connection: Envoy's idle and buffer limits apply as for any listener);
//! - flow control: when the client does not read and the connection's write
//!   buffer passes its high watermark, reading from the client pauses until the
//!   buffer drains below the low watermark. The module holds no bytes; what
//!   Envoy holds is bounded by its buffer limits (measured: a client that never
//!   reads gets 5 to 10 MiB into Envoy and the kernel before TCP stops it).

use envoy_dm_sdk::network::{
    EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter, NetworkFilterConfig,
    NetworkFilterStatus,
};
use envoy_dm_sdk::since;
use envoy_dm_sdk::BoxError;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {}

pub struct EchoConfig;

impl EchoConfig {
    pub fn new(
        _envoy: &mut impl EnvoyNetworkFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        // Half-close and read back-pressure (neither on 1.37).
        since::NETWORK_ENABLE_HALF_CLOSE.check()?;
        since::NETWORK_READ_DISABLE.check()?;
        if !config.iter().all(u8::is_ascii_whitespace) {
            envoy_dm_sdk::parse_json::<Settings>(config)?;
        }
        Ok(Self)
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for EchoConfig {
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        Box::new(Echo { paused: false })
    }
}

pub struct Echo {
    /// Reading is paused because the client is not reading its echo.
    paused: bool,
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for Echo {
    fn on_new_connection(&mut self, envoy: &mut E) -> NetworkFilterStatus {
        // Without half-close, the client's FIN would close the connection before
        // its last bytes were echoed.
        envoy.enable_half_close(true);
        NetworkFilterStatus::Continue
    }

    fn on_read(
        &mut self,
        envoy: &mut E,
        _data_length: usize,
        end_stream: bool,
    ) -> NetworkFilterStatus {
        let data: Vec<u8> = envoy.read_buffer_chunks().concat();
        envoy.drain_read_buffer(data.len());
        if !data.is_empty() || end_stream {
            envoy.write(&data, end_stream);
        }
        // Terminal: nothing after this filter gets the bytes.
        NetworkFilterStatus::StopIteration
    }

    fn on_above_write_buffer_high_watermark(&mut self, envoy: &mut E) {
        if !self.paused {
            self.paused = true;
            envoy.read_disable(true);
        }
    }

    fn on_below_write_buffer_low_watermark(&mut self, envoy: &mut E) {
        if self.paused {
            self.paused = false;
            envoy.read_disable(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};

    fn echo() -> Echo {
        let config = EchoConfig::new(&mut FakeNetworkConfig::default(), b"").unwrap();
        let _ = config;
        Echo { paused: false }
    }

    #[test]
    fn configs() {
        let mut envoy = FakeNetworkConfig::default();
        assert!(EchoConfig::new(&mut envoy, b"").is_ok());
        assert!(EchoConfig::new(&mut envoy, b" {} ").is_ok());
        let err = EchoConfig::new(&mut envoy, br#"{"x": 1}"#).err().unwrap();
        assert!(err.to_string().contains("unknown field `x`"), "{err}");
        assert!(EchoConfig::new(&mut envoy, b"[]").is_err());
    }

    #[test]
    fn echoes_every_slice_in_order_and_drains() {
        let mut conn = FakeConnection::new();
        let mut f = echo();
        assert_eq!(
            f.on_new_connection(&mut conn),
            NetworkFilterStatus::Continue
        );
        assert!(conn.half_close);
        conn.receive(b"hel");
        let n = conn.receive(b"lo");
        assert_eq!(
            f.on_read(&mut conn, n, false),
            NetworkFilterStatus::StopIteration
        );
        assert_eq!(conn.written, b"hello");
        assert_eq!(conn.read_buffer_size(), 0);
        assert!(!conn.write_end_stream);
    }

    #[test]
    fn a_half_close_is_echoed_after_the_bytes() {
        let mut conn = FakeConnection::new();
        let mut f = echo();
        let n = conn.receive(b"x");
        f.on_read(&mut conn, n, true);
        assert_eq!(conn.written, b"x");
        assert!(conn.write_end_stream);
        let mut conn = FakeConnection::new();
        f.on_read(&mut conn, 0, true);
        assert!(conn.write_end_stream && conn.written.is_empty());
    }

    #[test]
    fn reading_pauses_over_the_high_watermark_once() {
        let mut conn = FakeConnection::new();
        let mut f = echo();
        f.on_above_write_buffer_high_watermark(&mut conn);
        f.on_above_write_buffer_high_watermark(&mut conn);
        assert_eq!(conn.read_disabled, 1);
        f.on_below_write_buffer_low_watermark(&mut conn);
        f.on_below_write_buffer_low_watermark(&mut conn);
        assert_eq!(conn.read_disabled, 0);
    }
}
