//! `bridge_http_redis`: HTTP in front of Redis. A cluster whose hosts are
//! redis-servers carries each HTTP request to one of them as one RESP command
//! and answers with the reply as JSON, so a service that speaks only HTTP
//! (or a browser, or curl) can use Redis through Envoy's routing, timeouts,
//! retries and access logs.
//!
//! The command, from the request:
//! - `GET /GET/key`, `GET /INCR/counter`, `DELETE`... any method: the path's
//!   segments, percent-decoded, are the command and its arguments;
//! - `POST /SET/key` with a body: the body is the last argument (the value);
//! - `POST /` with `content-type: application/json` and a JSON array of
//!   strings or numbers: that array is the command (`["SET","k","v"]`).
//!
//! The answer, JSON, `{"reply": ...}` (a string, or `{"base64": ...}` when the
//! bytes are not UTF-8, a number, an array, or null) or `{"error": ...}`,
//! with `x-redis-reply` naming the reply's type:
//!
//! | reply or failure                                  | status |
//! |---------------------------------------------------|--------|
//! | simple string, bulk string, integer, array        | 200    |
//! | nil (`$-1`, `*-1`): no such key                   | 404    |
//! | a Redis error (`-ERR`, `-WRONGTYPE`, ...)         | 400    |
//! | `-NOAUTH`, `-NOPERM`, `-WRONGPASS`                 | 502    |
//! | `-LOADING`, `-BUSY`, `-MASTERDOWN`, `-TRYAGAIN`   | 503    |
//! | not RESP, over `max_reply_bytes`                  | 502    |
//! | no command, bad JSON, too many arguments          | 400    |
//! | a command not in `allow`                          | 403    |
//! | a request body over `max_body_bytes`              | 413    |
//!
//! A refused request (400, 403, 413) never reaches Redis. A Redis that does
//! not answer is cut off by the route's timeout (Envoy answers 504); one that
//! does not accept connections, or closes mid-reply, is Envoy's 503 (Envoy
//! resets the request on a close; a half-close reaching the bridge before a
//! whole reply is 502).
//!
//! Config (JSON): `{"allow": ["GET", "SET", ...], "max_body_bytes": N,
//! "max_reply_bytes": N, "max_args": N}`; `allow` is required and matched
//! case-insensitively; the limits default to 1 MiB, 8 MiB and 64.

use crate::shared::resp::{encode_command, parse_reply, Limits, Reply};
use base64::Engine;
use envoy_dm_sdk::upstream_http_tcp_bridge::{
    EnvoyUpstreamHttpTcpBridge, EnvoyUpstreamHttpTcpBridgeConfig, UpstreamHttpTcpBridge,
    UpstreamHttpTcpBridgeConfig,
};
use envoy_dm_sdk::BoxError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    allow: Vec<String>,
    #[serde(default = "default_max_body")]
    max_body_bytes: usize,
    #[serde(default = "default_max_reply")]
    max_reply_bytes: usize,
    #[serde(default = "default_max_args")]
    max_args: usize,
}

fn default_max_body() -> usize {
    1 << 20
}
fn default_max_reply() -> usize {
    8 << 20
}
fn default_max_args() -> usize {
    64
}

/// Nesting deeper than this is not a reply of any command a user would allow.
const MAX_DEPTH: usize = 16;

pub struct RedisBridgeConfig {
    allow: HashSet<String>,
    max_body_bytes: usize,
    max_args: usize,
    limits: Limits,
}

impl RedisBridgeConfig {
    pub fn new(
        _envoy: &mut impl EnvoyUpstreamHttpTcpBridgeConfig,
        config: &[u8],
    ) -> Result<Self, BoxError> {
        let raw: Raw = envoy_dm_sdk::parse_json(config)?;
        if raw.allow.is_empty() {
            return Err("allow is empty: no command could ever pass".into());
        }
        if let Some(bad) = raw
            .allow
            .iter()
            .find(|c| c.is_empty() || !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            return Err(format!("allow: {bad:?} is not a command name").into());
        }
        if raw.max_args == 0 || raw.max_body_bytes == 0 || raw.max_reply_bytes < 16 {
            return Err(
                "max_args, max_body_bytes and max_reply_bytes (at least 16) must be positive"
                    .into(),
            );
        }
        Ok(Self {
            allow: raw.allow.iter().map(|c| c.to_ascii_uppercase()).collect(),
            max_body_bytes: raw.max_body_bytes,
            max_args: raw.max_args,
            limits: Limits {
                max_reply_bytes: raw.max_reply_bytes,
                max_depth: MAX_DEPTH,
            },
        })
    }
}

impl<E: EnvoyUpstreamHttpTcpBridge> UpstreamHttpTcpBridgeConfig<E> for RedisBridgeConfig {
    fn new_bridge(&self, _envoy: &mut E) -> Box<dyn UpstreamHttpTcpBridge<E>> {
        Box::new(RedisBridge {
            config: self.settings(),
            state: State::Headers,
            body: Vec::new(),
            reply: Vec::new(),
        })
    }
}

impl RedisBridgeConfig {
    fn settings(&self) -> Settings {
        Settings {
            allow: self.allow.clone(),
            max_body_bytes: self.max_body_bytes,
            max_args: self.max_args,
            limits: self.limits,
        }
    }
}

/// The config a bridge needs, its own copy (a bridge may not borrow the
/// config across hooks; the allowlist is a few words).
struct Settings {
    allow: HashSet<String>,
    max_body_bytes: usize,
    max_args: usize,
    limits: Limits,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    /// Waiting for the request headers.
    Headers,
    /// Collecting the request body: the command is sent at its end.
    Body { json: bool },
    /// The command went out; collecting the reply.
    Reply,
    /// Answered: whatever else comes is ignored.
    Done,
}

struct RedisBridge {
    config: Settings,
    state: State,
    body: Vec<u8>,
    reply: Vec<u8>,
}

/// A request that cannot become a command: its status and why.
type Refusal = (u32, String);

fn answer_json(envoy: &mut impl EnvoyUpstreamHttpTcpBridge, status: u32, kind: &str, body: &Value) {
    let text = body.to_string();
    envoy.send_response(
        status,
        &[
            ("content-type", b"application/json"),
            ("x-redis-reply", kind.as_bytes()),
        ],
        text.as_bytes(),
    );
}

fn refuse(envoy: &mut impl EnvoyUpstreamHttpTcpBridge, (status, why): Refusal) {
    answer_json(envoy, status, "refused", &json!({ "error": why }));
}

/// `%41` to `A`; a `%` not followed by two hex digits stays as it is.
fn percent_decode(segment: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(segment.len());
    let mut i = 0;
    while i < segment.len() {
        if segment[i] == b'%' && i + 2 < segment.len() {
            if let (Some(h), Some(l)) = (hex(segment[i + 1]), hex(segment[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(segment[i]);
        i += 1;
    }
    out
}

/// The path's segments (query dropped, empty segments skipped), decoded.
fn path_args(path: &[u8]) -> Vec<Vec<u8>> {
    let path = path.split(|&b| b == b'?').next().unwrap_or(b"");
    path.split(|&b| b == b'/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

/// A JSON array of strings or numbers as the command's arguments.
fn json_args(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("body is not JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("body is not a JSON array of arguments".into());
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.into_bytes()),
            Value::Number(n) => Ok(n.to_string().into_bytes()),
            other => Err(format!("argument {other} is not a string or a number")),
        })
        .collect()
}

/// A reply as JSON: bytes as a string when they are UTF-8, else base64.
fn reply_json(reply: &Reply) -> Value {
    let bytes = |b: &[u8]| match std::str::from_utf8(b) {
        Ok(text) => Value::String(text.to_string()),
        Err(_) => json!({ "base64": base64::engine::general_purpose::STANDARD.encode(b) }),
    };
    match reply {
        Reply::Simple(b) | Reply::Error(b) => bytes(b),
        Reply::Integer(n) => json!(n),
        Reply::Bulk(None) | Reply::Array(None) => Value::Null,
        Reply::Bulk(Some(b)) => bytes(b),
        Reply::Array(Some(items)) => Value::Array(items.iter().map(reply_json).collect()),
    }
}

/// The status of a Redis error line, by its code (the first word).
fn error_status(line: &[u8]) -> u32 {
    let code = line.split(|&b| b == b' ').next().unwrap_or(b"");
    match code {
        b"NOAUTH" | b"NOPERM" | b"WRONGPASS" => 502,
        b"LOADING" | b"BUSY" | b"MASTERDOWN" | b"TRYAGAIN" => 503,
        _ => 400,
    }
}

impl RedisBridge {
    /// The command for this request, or why there is none.
    fn command(&self, path_args: Vec<Vec<u8>>, json: bool) -> Result<Vec<Vec<u8>>, Refusal> {
        let mut args = if json {
            if !path_args.is_empty() {
                return Err((400, "a JSON command is posted to /".into()));
            }
            json_args(&self.body).map_err(|why| (400, why))?
        } else {
            let mut args = path_args;
            if !self.body.is_empty() {
                args.push(self.body.clone());
            }
            args
        };
        if args.is_empty() {
            return Err((
                400,
                "no command: use /COMMAND/arg/... or POST a JSON array to /".into(),
            ));
        }
        if args.len() > self.config.max_args {
            return Err((
                400,
                format!(
                    "{} arguments is over the limit of {}",
                    args.len(),
                    self.config.max_args
                ),
            ));
        }
        let name = String::from_utf8_lossy(&args[0]).to_ascii_uppercase();
        if !self.config.allow.contains(&name) {
            return Err((403, format!("command {name:?} is not allowed")));
        }
        args[0] = name.into_bytes();
        Ok(args)
    }

    /// Sends the command (the request is whole), or answers why not.
    fn send(&mut self, envoy: &mut impl EnvoyUpstreamHttpTcpBridge, json: bool) {
        let path = envoy.request_header(":path").unwrap_or(b"/").to_vec();
        match self.command(path_args(&path), json) {
            Ok(args) => {
                let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
                envoy.send_upstream_data(&encode_command(&refs), false);
                self.body = Vec::new();
                self.state = State::Reply;
            }
            Err(refusal) => {
                refuse(envoy, refusal);
                self.state = State::Done;
            }
        }
    }

    fn fail(&mut self, envoy: &mut impl EnvoyUpstreamHttpTcpBridge, why: String) {
        answer_json(envoy, 502, "upstream", &json!({ "error": why }));
        self.state = State::Done;
    }
}

impl<E: EnvoyUpstreamHttpTcpBridge> UpstreamHttpTcpBridge<E> for RedisBridge {
    fn encode_headers(&mut self, envoy: &mut E, end_of_stream: bool) {
        if self.state != State::Headers {
            return;
        }
        let json = envoy
            .request_header("content-type")
            .is_some_and(|t| t.starts_with(b"application/json"));
        if let Some(len) = envoy.request_header("content-length") {
            let len: u64 = std::str::from_utf8(len)
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            if len > self.config.max_body_bytes as u64 {
                return self.body_too_large(envoy);
            }
        }
        if end_of_stream {
            self.send(envoy, json);
        } else {
            self.state = State::Body { json };
        }
    }

    fn encode_data(&mut self, envoy: &mut E, data: &[u8], end_of_stream: bool) {
        let State::Body { json } = self.state else {
            return;
        };
        if self.body.len() + data.len() > self.config.max_body_bytes {
            return self.body_too_large(envoy);
        }
        self.body.extend_from_slice(data);
        if end_of_stream {
            self.send(envoy, json);
        }
    }

    fn encode_trailers(&mut self, envoy: &mut E) {
        if let State::Body { json } = self.state {
            self.send(envoy, json);
        }
    }

    fn on_upstream_data(&mut self, envoy: &mut E, data: &[u8], end_of_stream: bool) {
        if self.state != State::Reply {
            return;
        }
        self.reply.extend_from_slice(data);
        match parse_reply(&self.reply, &self.config.limits) {
            Ok(Some((reply, _used))) => {
                let (status, kind) = match &reply {
                    Reply::Simple(_) => (200, "simple"),
                    Reply::Integer(_) => (200, "integer"),
                    Reply::Bulk(Some(_)) => (200, "bulk"),
                    Reply::Array(Some(_)) => (200, "array"),
                    Reply::Bulk(None) | Reply::Array(None) => (404, "nil"),
                    Reply::Error(line) => (error_status(line), "error"),
                };
                let body = match &reply {
                    Reply::Error(_) => json!({ "error": reply_json(&reply) }),
                    _ => json!({ "reply": reply_json(&reply) }),
                };
                answer_json(envoy, status, kind, &body);
                self.reply = Vec::new();
                self.state = State::Done;
            }
            Ok(None) if end_of_stream => self.fail(
                envoy,
                "redis closed the connection before a whole reply".into(),
            ),
            Ok(None) => {}
            Err(e) => self.fail(envoy, format!("redis reply is not RESP: {e}")),
        }
    }
}

impl RedisBridge {
    fn body_too_large(&mut self, envoy: &mut impl EnvoyUpstreamHttpTcpBridge) {
        let why = format!(
            "request body is over the limit of {} bytes",
            self.config.max_body_bytes
        );
        refuse(envoy, (413, why));
        self.body = Vec::new();
        self.state = State::Done;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::upstream_http_tcp_bridge::testing::{FakeBridge, FakeBridgeConfig};

    fn config(json: &str) -> Result<RedisBridgeConfig, BoxError> {
        RedisBridgeConfig::new(&mut FakeBridgeConfig, json.as_bytes())
    }

    fn bridge() -> Box<dyn UpstreamHttpTcpBridge<FakeBridge>> {
        let config =
            config(r#"{"allow": ["get", "SET", "incr", "DEL"], "max_body_bytes": 64}"#).unwrap();
        config.new_bridge(&mut FakeBridge::default())
    }

    /// Runs a bodiless request and feeds `reply` in pieces of `piece` bytes.
    fn run(envoy: &mut FakeBridge, reply: &[u8], piece: usize) {
        let mut b = bridge();
        b.encode_headers(envoy, true);
        for chunk in reply.chunks(piece.max(1)) {
            b.on_upstream_data(envoy, chunk, false);
        }
    }

    #[test]
    fn configs() {
        assert!(config(r#"{"allow": ["GET"]}"#).is_ok());
        for bad in [
            r#"{}"#,
            r#"{"allow": []}"#,
            r#"{"allow": ["GET x"]}"#,
            r#"{"allow": ["GET"], "max_args": 0}"#,
            r#"{"allow": ["GET"], "other": 1}"#,
            r#"["GET"]"#,
        ] {
            assert!(config(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn path_commands_and_their_replies() {
        let mut envoy = FakeBridge::request("GET", "/get/a%20key?x=1");
        run(&mut envoy, b"$5\r\nhello\r\n", 1);
        assert_eq!(envoy.upstream, encode_command(&[b"GET", b"a key"]));
        assert_eq!(envoy.answer(), Some((200, r#"{"reply":"hello"}"#.into())));
        assert_eq!(envoy.answer_header("x-redis-reply"), Some(&b"bulk"[..]));

        let mut envoy = FakeBridge::request("GET", "/GET/missing");
        run(&mut envoy, b"$-1\r\n", 100);
        assert_eq!(envoy.answer(), Some((404, r#"{"reply":null}"#.into())));

        let mut envoy = FakeBridge::request("POST", "/INCR/n");
        run(&mut envoy, b":7\r\n", 100);
        assert_eq!(envoy.answer(), Some((200, r#"{"reply":7}"#.into())));

        let mut envoy = FakeBridge::request("GET", "/INCR/text");
        run(&mut envoy, b"-ERR value is not an integer\r\n", 3);
        assert_eq!(
            envoy.answer(),
            Some((400, r#"{"error":"ERR value is not an integer"}"#.into()))
        );

        let mut envoy = FakeBridge::request("GET", "/GET/x");
        run(&mut envoy, b"-LOADING wait\r\n", 100);
        assert_eq!(envoy.answer().unwrap().0, 503);

        let mut envoy = FakeBridge::request("GET", "/GET/bin");
        run(&mut envoy, b"$2\r\n\xff\xfe\r\n", 100);
        assert_eq!(
            envoy.answer(),
            Some((200, r#"{"reply":{"base64":"//4="}}"#.into()))
        );
    }

    #[test]
    fn a_body_is_the_last_argument_or_a_json_command() {
        let mut envoy = FakeBridge::request("POST", "/SET/k");
        let mut b = bridge();
        b.encode_headers(&mut envoy, false);
        b.encode_data(&mut envoy, b"val", false);
        b.encode_data(&mut envoy, b"ue", true);
        assert_eq!(envoy.upstream, encode_command(&[b"SET", b"k", b"value"]));
        b.on_upstream_data(&mut envoy, b"+OK\r\n", false);
        assert_eq!(envoy.answer(), Some((200, r#"{"reply":"OK"}"#.into())));

        let mut envoy = FakeBridge::request("POST", "/").header("content-type", "application/json");
        let mut b = bridge();
        b.encode_headers(&mut envoy, false);
        b.encode_data(&mut envoy, br#"["del", "a", 1]"#, false);
        b.encode_trailers(&mut envoy);
        assert_eq!(envoy.upstream, encode_command(&[b"DEL", b"a", b"1"]));
    }

    #[test]
    fn refusals_never_reach_redis() {
        let cases: &[(&str, &str, Option<&[u8]>, u32)] = &[
            ("GET", "/FLUSHALL", None, 403),
            ("GET", "/", None, 400),
            ("POST", "/", Some(b"[1, {}]"), 400),
            ("POST", "/SET/k", Some(&[b'x'; 65]), 413),
        ];
        for (method, path, body, status) in cases {
            let mut envoy = FakeBridge::request(method, path);
            if body.is_some_and(|b| b.starts_with(b"[")) {
                envoy = envoy.header("content-type", "application/json");
            }
            let mut b = bridge();
            b.encode_headers(&mut envoy, body.is_none());
            if let Some(body) = body {
                b.encode_data(&mut envoy, body, true);
            }
            assert!(envoy.upstream.is_empty(), "{path}");
            assert_eq!(envoy.answer().unwrap().0, *status, "{path}");
            assert_eq!(envoy.responses.len(), 1, "{path}");
        }
    }

    #[test]
    fn a_broken_or_closed_upstream_is_502() {
        let mut envoy = FakeBridge::request("GET", "/GET/k");
        run(&mut envoy, b"HTTP/1.1 200 OK\r\n", 100);
        assert_eq!(envoy.answer().unwrap().0, 502);

        let mut envoy = FakeBridge::request("GET", "/GET/k");
        let mut b = bridge();
        b.encode_headers(&mut envoy, true);
        b.on_upstream_data(&mut envoy, b"$10\r\nabc", true);
        assert_eq!(envoy.answer().unwrap().0, 502);
        b.on_upstream_data(&mut envoy, b"more", true);
        assert_eq!(envoy.responses.len(), 1);
    }
}
