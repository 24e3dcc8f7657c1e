//! A fake of the bridge's Envoy handle for unit tests: one request's headers,
//! what the bridge wrote upstream and every answer it sent.

use super::{EnvoyUpstreamHttpTcpBridge, EnvoyUpstreamHttpTcpBridgeConfig};

/// One answer: status, headers, body (a streamed one collected whole).
pub type Response = (u32, Vec<(String, Vec<u8>)>, Vec<u8>);

#[derive(Debug, Default, Clone)]
pub struct FakeBridge {
    /// The request's headers (lowercase names, pseudo-headers included).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Every byte written upstream, in order.
    pub upstream: Vec<u8>,
    /// Whether a write half-closed the upstream.
    pub upstream_ended: bool,
    /// Every answer started, in order (more than one is a bug in the bridge).
    pub responses: Vec<Response>,
    /// Whether the last answer ended.
    pub response_ended: bool,
    pub trailers: Vec<(String, Vec<u8>)>,
}

impl FakeBridge {
    /// A request with these method and path (`:method`, `:path`).
    pub fn request(method: &str, path: &str) -> Self {
        Self::default()
            .header(":method", method)
            .header(":path", path)
    }

    /// The same, with one more request header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_string(), value.as_bytes().to_vec()));
        self
    }

    /// The one answer's status and body as text, for assertions.
    pub fn answer(&self) -> Option<(u32, String)> {
        self.responses
            .first()
            .map(|(s, _, b)| (*s, String::from_utf8_lossy(b).into_owned()))
    }

    /// A header of the first answer.
    pub fn answer_header(&self, name: &str) -> Option<&[u8]> {
        self.responses
            .first()
            .and_then(|(_, h, _)| h.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice()))
    }
}

fn owned(headers: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

impl EnvoyUpstreamHttpTcpBridge for FakeBridge {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    fn request_headers(&self) -> Vec<(&[u8], &[u8])> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_slice()))
            .collect()
    }
    fn send_upstream_data(&mut self, data: &[u8], end_stream: bool) {
        self.upstream.extend_from_slice(data);
        self.upstream_ended |= end_stream;
    }
    fn send_response(&mut self, status: u32, headers: &[(&str, &[u8])], body: &[u8]) {
        self.responses.push((status, owned(headers), body.to_vec()));
        self.response_ended = true;
    }
    fn send_response_headers(&mut self, status: u32, headers: &[(&str, &[u8])], end_stream: bool) {
        self.responses.push((status, owned(headers), Vec::new()));
        self.response_ended = end_stream;
    }
    fn send_response_data(&mut self, data: &[u8], end_stream: bool) {
        if let Some(last) = self.responses.last_mut() {
            last.2.extend_from_slice(data);
        }
        self.response_ended |= end_stream;
    }
    fn send_response_trailers(&mut self, trailers: &[(&str, &[u8])]) {
        self.trailers = owned(trailers);
        self.response_ended = true;
    }
    fn response_started(&self) -> bool {
        !self.responses.is_empty()
    }
}

/// A bridge configuration being created.
#[derive(Debug, Default)]
pub struct FakeBridgeConfig;

impl EnvoyUpstreamHttpTcpBridgeConfig for FakeBridgeConfig {}
