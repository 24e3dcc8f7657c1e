//! `network_protocol_logger`: one log line per connection, when it closes:
//! peer, bytes each way, duration, and a guess of the protocol from the first
//! bytes the client sent. Changes nothing; put it before `tcp_proxy`.
//!
//! Config: absent or `{}` (unknown fields are refused).
//!
//! The line, at info, under Envoy's `dynamic_modules` logger:
//! `network_protocol_logger: connection=7 peer=127.0.0.1:50312 protocol=http1 bytes_in=78 bytes_out=230 duration_ms=4 closed_by=client`
//!
//! - `protocol` is decided from at most the first 24 bytes from the client:
//!   `tls` (a TLS handshake record, 0x16 0x03), `http2` (the HTTP/2 client
//!   preface), `http1` (a request line starting with an HTTP method and a
//!   space), `resp` (a Redis RESP array, `*` and a digit), `other`, or `none` when
//!   the client sent nothing;
//! - `bytes_in` counts the bytes read from the client, `bytes_out` the bytes
//!   written to it, as they pass this filter;
//! - `closed_by` says who ended the connection first: `client` (its FIN or
//!   reset), `server` (the upstream's end of stream, passed on by tcp_proxy),
//!   `envoy` (Envoy closed it, e.g. a timeout), or `unknown` when Envoy
//!   destroyed it without saying.
//!
//! Memory: 24 bytes and a few counters per connection.

use envoy_dm_sdk::network::{
    ConnectionEvent, EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter,
    NetworkFilterConfig, NetworkFilterStatus,
};
use envoy_dm_sdk::BoxError;
use std::time::Instant;

/// Enough for the HTTP/2 preface, the longest signature.
pub const PEEK_BYTES: usize = 24;
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const METHODS: &[&[u8]] = &[
    b"GET ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"HEAD ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
];

/// What the first bytes of a connection look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    None,
    Tls,
    Http2,
    Http1,
    Resp,
    Other,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::None => "none",
            Protocol::Tls => "tls",
            Protocol::Http2 => "http2",
            Protocol::Http1 => "http1",
            Protocol::Resp => "resp",
            Protocol::Other => "other",
        }
    }
}

/// The guess from the first bytes, or None while they could still become
/// more than one answer (`complete`: no more bytes will come).
pub fn guess(first: &[u8], complete: bool) -> Option<Protocol> {
    if first.is_empty() {
        return complete.then_some(Protocol::None);
    }
    // A candidate the bytes so far are a prefix of, which more bytes may confirm.
    let open = |sig: &[u8]| first.len() < sig.len() && sig.starts_with(first);
    if first.len() >= 2 && first[0] == 0x16 && first[1] == 0x03 {
        return Some(Protocol::Tls);
    }
    if first.starts_with(H2_PREFACE) {
        return Some(Protocol::Http2);
    }
    // "PRI " is also a prefix of the preface: wait for the whole of it.
    if METHODS.iter().any(|m| first.starts_with(m)) {
        return Some(Protocol::Http1);
    }
    if first.len() >= 2 && first[0] == b'*' && first[1].is_ascii_digit() {
        return Some(Protocol::Resp);
    }
    let undecided =
        open(H2_PREFACE) || METHODS.iter().any(|m| open(m)) || (first == [0x16]) || first == b"*";
    if undecided && !complete {
        None
    } else {
        Some(Protocol::Other)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {}

pub struct ProtocolLoggerConfig;

impl ProtocolLoggerConfig {
    pub fn new(
        _envoy: &mut impl EnvoyNetworkFilterConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        if !config.iter().all(u8::is_ascii_whitespace) {
            envoy_dm_sdk::parse_json::<Settings>(config)?;
        }
        Ok(Self)
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for ProtocolLoggerConfig {
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        Box::new(ProtocolLogger {
            start: Instant::now(),
            connection: 0,
            peer: String::from("-"),
            first: Vec::with_capacity(PEEK_BYTES),
            protocol: None,
            bytes_in: 0,
            bytes_out: 0,
            ended_by: None,
            logged: false,
        })
    }
}

pub struct ProtocolLogger {
    start: Instant,
    connection: u64,
    peer: String,
    first: Vec<u8>,
    protocol: Option<Protocol>,
    bytes_in: u64,
    bytes_out: u64,
    /// Who ended the connection first.
    ended_by: Option<&'static str>,
    logged: bool,
}

impl ProtocolLogger {
    /// The log line, without the level.
    pub fn line(&self, closed_by: &str) -> String {
        let protocol = self
            .protocol
            .or_else(|| guess(&self.first, true))
            .unwrap_or(Protocol::Other);
        format!(
            "network_protocol_logger: connection={} peer={} protocol={} bytes_in={} bytes_out={} duration_ms={} closed_by={closed_by}",
            self.connection,
            self.peer,
            protocol.name(),
            self.bytes_in,
            self.bytes_out,
            self.start.elapsed().as_millis(),
        )
    }

    fn log_once(&mut self, fallback: &'static str) {
        if !std::mem::replace(&mut self.logged, true) {
            let closed_by = *self.ended_by.get_or_insert(fallback);
            envoy_dm_sdk::log::log(envoy_dm_sdk::LogLevel::Info, &self.line(closed_by));
        }
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for ProtocolLogger {
    fn on_new_connection(&mut self, envoy: &mut E) -> NetworkFilterStatus {
        self.start = Instant::now();
        self.connection = envoy.connection_id();
        if let Some((ip, port)) = envoy.remote_address() {
            self.peer = format!("{ip}:{port}");
        }
        NetworkFilterStatus::Continue
    }

    fn on_read(
        &mut self,
        envoy: &mut E,
        data_length: usize,
        _end_stream: bool,
    ) -> NetworkFilterStatus {
        self.bytes_in += data_length as u64;
        if self.protocol.is_none() {
            for chunk in envoy.read_buffer_chunks() {
                let room = PEEK_BYTES - self.first.len();
                self.first
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
                if self.first.len() == PEEK_BYTES {
                    break;
                }
            }
            self.protocol = guess(&self.first, self.first.len() == PEEK_BYTES);
        }
        NetworkFilterStatus::Continue
    }

    fn on_write(
        &mut self,
        _envoy: &mut E,
        data_length: usize,
        _end_stream: bool,
    ) -> NetworkFilterStatus {
        self.bytes_out += data_length as u64;
        NetworkFilterStatus::Continue
    }

    fn on_event(&mut self, _envoy: &mut E, event: ConnectionEvent) {
        match event {
            ConnectionEvent::RemoteClose => self.log_once("client"),
            ConnectionEvent::LocalClose => self.log_once("envoy"),
            _ => {}
        }
    }
}

impl Drop for ProtocolLogger {
    fn drop(&mut self) {
        self.log_once("unknown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};
    use envoy_dm_sdk::testing::take_logs;

    #[test]
    fn guesses() {
        let cases: &[(&[u8], bool, Option<Protocol>)] = &[
            (b"", false, None),
            (b"", true, Some(Protocol::None)),
            (b"\x16\x03\x01\x02\x00", false, Some(Protocol::Tls)),
            (b"\x16", false, None),
            (b"GET / HTTP/1.1\r\n", false, Some(Protocol::Http1)),
            (b"GE", false, None),
            (b"GE", true, Some(Protocol::Other)),
            (H2_PREFACE, false, Some(Protocol::Http2)),
            (b"PRI * HTTP/2.0\r\n", false, None),
            (b"*1\r\n$4\r\nPING\r\n", false, Some(Protocol::Resp)),
            (b"SSH-2.0-OpenSSH_9.2\r\n", false, Some(Protocol::Other)),
            (b"\x00\x01", false, Some(Protocol::Other)),
        ];
        for (bytes, complete, want) in cases {
            assert_eq!(
                guess(bytes, *complete),
                *want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn configs() {
        let mut envoy = FakeNetworkConfig::default();
        assert!(ProtocolLoggerConfig::new(&mut envoy, b"").is_ok());
        assert!(ProtocolLoggerConfig::new(&mut envoy, b"{}").is_ok());
        assert!(ProtocolLoggerConfig::new(&mut envoy, br#"{"level": "info"}"#).is_err());
    }

    #[test]
    fn one_line_per_connection_from_bytes_split_across_reads() {
        let config = ProtocolLoggerConfig;
        let mut conn = FakeConnection::new();
        let mut f = NetworkFilterConfig::<FakeConnection>::new_network_filter(&config, &mut conn);
        take_logs();
        f.on_new_connection(&mut conn);
        let n = conn.receive(b"GE");
        f.on_read(&mut conn, n, false);
        conn.take_read();
        let n = conn.receive(b"T / HTTP/1.1\r\n\r\n");
        f.on_read(&mut conn, n, false);
        let n = conn.send(b"HTTP/1.1 200 OK\r\n\r\n");
        f.on_write(&mut conn, n, false);
        f.on_event(&mut conn, ConnectionEvent::RemoteClose);
        f.on_event(&mut conn, ConnectionEvent::LocalClose);
        drop(f);
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{logs:?}");
        let line = &logs[0].1;
        for part in [
            "connection=1 ",
            "peer=127.0.0.1:40000 ",
            "protocol=http1 ",
            "bytes_in=18 ",
            "bytes_out=19 ",
            "closed_by=client",
        ] {
            assert!(line.contains(part), "{part} in {line}");
        }
    }
}
