//! `body_rewrite`: replaces byte strings in request and response bodies, as
//! nginx's `sub_filter` does, while the body streams through.
//!
//! Config (JSON, strict):
//! `{"request": [["from", "to"], ...], "response": [["from", "to"], ...],
//!   "max_buffer_bytes": 1048576, "on_overflow": "pass"}`
//!
//! - Matching: leftmost first; where several `from` match at one position, the
//!   one listed first wins; replaced text is not scanned again. The output is
//!   exactly what one replace over the whole body gives, however the body is cut
//!   into chunks or HTTP/2 frames: a position is decided only when the longest
//!   `from` fits in the bytes seen so far (or the body has ended), so the filter
//!   holds back at most the longest `from` minus one byte between chunks.
//! - `max_buffer_bytes`: the most bytes of one body the filter rewrites, and so
//!   the most it copies into its own memory (one chunk at a time). Past it,
//!   `on_overflow` says what happens: `"pass"` (default) lets the rest through
//!   untouched, logs a line (at most one a second per config) and counts
//!   `body_rewrite_overflow_total{direction}`; `"fail"` answers a request with
//!   413, and resets a response whose headers are already on their way.
//! - A body that may be rewritten loses its `content-length` (the new length is
//!   not known when the headers leave): HTTP/1.1 then goes chunked. A body with
//!   a `content-encoding` other than `identity` passes untouched (the filter
//!   does not decompress), as do HEAD responses, 204 and 304.
//! - End of stream may come on a body chunk (even an empty one) or with the
//!   trailers: what is held back is flushed before the trailers.
//!
//! Limits: 32 rules per direction, `from` 1 to 256 bytes, `to` at most 4096,
//! `max_buffer_bytes` 1 to 64 MiB; each refusal names the entry.

use envoy_dm_sdk::{
    BodyType, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter,
    HttpFilterConfig, LogLevel, MetricId, RequestBodyStatus, RequestHeadersStatus,
    RequestTrailersStatus, ResponseBodyStatus, ResponseHeadersStatus, ResponseTrailersStatus,
};
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub const MAX_RULES: usize = 32;
pub const MAX_FROM_BYTES: usize = 256;
pub const MAX_TO_BYTES: usize = 4096;
pub const MAX_BUFFER_LIMIT: u64 = 64 << 20;
pub const DEFAULT_MAX_BUFFER_BYTES: u64 = 1 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    request: Vec<(String, String)>,
    #[serde(default)]
    response: Vec<(String, String)>,
    #[serde(default = "default_max_buffer_bytes")]
    max_buffer_bytes: u64,
    #[serde(default)]
    on_overflow: Overflow,
}

fn default_max_buffer_bytes() -> u64 {
    DEFAULT_MAX_BUFFER_BYTES
}

/// What happens to a body past `max_buffer_bytes`.
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Overflow {
    #[default]
    Pass,
    Fail,
}

/// The replacements of one direction, ready for scanning.
pub struct Rules {
    rules: Vec<(Vec<u8>, Vec<u8>)>,
    /// Which bytes start some `from`: most positions are decided by one lookup.
    first: [bool; 256],
}

impl Rules {
    fn parse(field: &str, raw: Vec<(String, String)>) -> Result<Self, BoxError> {
        if raw.len() > MAX_RULES {
            return Err(format!(
                "{field}: {} rules is over the limit of {MAX_RULES}",
                raw.len()
            )
            .into());
        }
        let mut first = [false; 256];
        let mut rules = Vec::with_capacity(raw.len());
        for (i, (from, to)) in raw.into_iter().enumerate() {
            if from.is_empty() {
                return Err(format!("{field}[{i}]: from must not be empty").into());
            }
            if from.len() > MAX_FROM_BYTES {
                return Err(format!("{field}[{i}]: from is over {MAX_FROM_BYTES} bytes").into());
            }
            if to.len() > MAX_TO_BYTES {
                return Err(format!("{field}[{i}]: to is over {MAX_TO_BYTES} bytes").into());
            }
            first[from.as_bytes()[0] as usize] = true;
            rules.push((from.into_bytes(), to.into_bytes()));
        }
        Ok(Self { rules, first })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Rewrites `input`; returns the output and how many bytes at the end of
    /// `input` are undecided (held back until more arrives). With `end` set
    /// nothing is held back.
    pub fn rewrite(&self, input: &[u8], end: bool) -> (Vec<u8>, usize) {
        let mut out = Vec::with_capacity(input.len());
        let mut i = 0;
        'scan: while i < input.len() {
            if !self.first[input[i] as usize] {
                out.push(input[i]);
                i += 1;
                continue;
            }
            let rest = &input[i..];
            for (from, to) in &self.rules {
                if rest.starts_with(from) {
                    out.extend_from_slice(to);
                    i += from.len();
                    continue 'scan;
                }
                // Too few bytes to tell, and they could still become `from`:
                // an earlier-listed rule must be decided before a later one.
                if !end && rest.len() < from.len() && from.starts_with(rest) {
                    return (out, rest.len());
                }
            }
            out.push(input[i]);
            i += 1;
        }
        (out, 0)
    }

    /// The reference: one replace over a whole body.
    pub fn rewrite_all(&self, input: &[u8]) -> Vec<u8> {
        self.rewrite(input, true).0
    }

    /// True when no byte of `bytes` can start a match.
    fn cannot_match(&self, bytes: &[u8]) -> bool {
        !bytes.iter().any(|&b| self.first[b as usize])
    }
}

pub struct BodyRewriteConfig {
    shared: Arc<Shared>,
}

struct Shared {
    request: Rules,
    response: Rules,
    max_buffer_bytes: u64,
    on_overflow: Overflow,
    overflows: MetricId,
    /// Unix second of the last overflow log line: one a second at most.
    last_overflow_log: AtomicU64,
}

impl BodyRewriteConfig {
    pub fn new(envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let raw: RawConfig = envoy_dm_sdk::parse_json(config)?;
        let request = Rules::parse("request", raw.request)?;
        let response = Rules::parse("response", raw.response)?;
        if request.is_empty() && response.is_empty() {
            return Err("no rules: give request or response replacements".into());
        }
        if raw.max_buffer_bytes == 0 || raw.max_buffer_bytes > MAX_BUFFER_LIMIT {
            return Err(format!("max_buffer_bytes must be 1 to {MAX_BUFFER_LIMIT}").into());
        }
        let overflows = envoy.define_counter("body_rewrite_overflow_total", &["direction"])?;
        Ok(Self {
            shared: Arc::new(Shared {
                request,
                response,
                max_buffer_bytes: raw.max_buffer_bytes,
                on_overflow: raw.on_overflow,
                overflows,
                last_overflow_log: AtomicU64::new(0),
            }),
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for BodyRewriteConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(BodyRewrite {
            shared: Arc::clone(&self.shared),
            head: false,
            request: Direction::default(),
            response: Direction::default(),
        })
    }
}

/// One direction of one stream.
#[derive(Default)]
struct Direction {
    state: State,
    /// Undecided bytes held back from the previous chunk.
    carry: Vec<u8>,
    /// Body bytes seen so far, against max_buffer_bytes.
    seen: u64,
}

#[derive(Default, PartialEq, Eq, Clone, Copy)]
enum State {
    /// No rules, no body, or a body the filter must not touch.
    #[default]
    Untouched,
    Rewriting,
    /// Past max_buffer_bytes with on_overflow "pass".
    Overflowed,
}

/// Which of the two directions a step works on.
#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn received(self) -> BodyType {
        match self {
            Side::Request => BodyType::ReceivedRequestBody,
            Side::Response => BodyType::ReceivedResponseBody,
        }
    }
    fn buffered(self) -> BodyType {
        match self {
            Side::Request => BodyType::BufferedRequestBody,
            Side::Response => BodyType::BufferedResponseBody,
        }
    }
    fn headers(self) -> HeaderType {
        match self {
            Side::Request => HeaderType::RequestHeader,
            Side::Response => HeaderType::ResponseHeader,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// What a body step asks the hook to return.
enum Next {
    Continue,
    /// A local reply was sent (on_overflow "fail").
    Stop,
}

pub struct BodyRewrite {
    shared: Arc<Shared>,
    /// The request was HEAD: its response has no body to rewrite.
    head: bool,
    request: Direction,
    response: Direction,
}

/// True when a content-encoding other than identity is set.
fn encoded(envoy: &impl EnvoyHttpFilter, headers: HeaderType) -> bool {
    envoy
        .get_header(headers, "content-encoding")
        .is_some_and(|v| !v.trim_ascii().eq_ignore_ascii_case(b"identity"))
}

impl BodyRewrite {
    fn direction(&mut self, side: Side) -> (&Rules, &mut Direction) {
        match side {
            Side::Request => (&self.shared.request, &mut self.request),
            Side::Response => (&self.shared.response, &mut self.response),
        }
    }

    /// At the headers: decide whether this body is rewritten.
    fn start(&mut self, envoy: &mut impl EnvoyHttpFilter, side: Side, end_of_stream: bool) {
        let touchable = !end_of_stream && !encoded(envoy, side.headers());
        let (rules, dir) = self.direction(side);
        if touchable && !rules.is_empty() {
            dir.state = State::Rewriting;
            envoy.remove_header(side.headers(), "content-length");
        }
    }

    fn body(&mut self, envoy: &mut impl EnvoyHttpFilter, side: Side, end: bool) -> Next {
        let shared = Arc::clone(&self.shared);
        let (rules, dir) = self.direction(side);
        if dir.state != State::Rewriting {
            return Next::Continue;
        }
        let size = envoy.get_body_size(side.received());
        dir.seen += size as u64;
        if dir.seen > shared.max_buffer_bytes {
            return overflow(&shared, envoy, side, dir);
        }
        let chunks = envoy.get_body_chunks(side.received());
        if dir.carry.is_empty() && chunks.iter().all(|c| rules.cannot_match(c)) {
            return Next::Continue; // the common case: nothing to do, nothing copied
        }
        let mut input = std::mem::take(&mut dir.carry);
        input.reserve(size);
        chunks.iter().for_each(|c| input.extend_from_slice(c));
        let (out, held) = rules.rewrite(&input, end);
        dir.carry = input[input.len() - held..].to_vec();
        envoy.drain_body(side.received(), size);
        envoy.append_body(side.received(), &out);
        Next::Continue
    }

    /// Trailers end the body: flush what is held back, before the trailers.
    fn trailers(&mut self, envoy: &mut impl EnvoyHttpFilter, side: Side) {
        let (rules, dir) = self.direction(side);
        if dir.state == State::Rewriting && !dir.carry.is_empty() {
            let out = rules.rewrite_all(&std::mem::take(&mut dir.carry));
            envoy.append_body(side.buffered(), &out);
        }
    }
}

/// The body went past max_buffer_bytes.
fn overflow(
    shared: &Shared,
    envoy: &mut impl EnvoyHttpFilter,
    side: Side,
    dir: &mut Direction,
) -> Next {
    envoy.increment_counter(shared.overflows, &[side.name()], 1);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if shared.last_overflow_log.swap(now, Ordering::Relaxed) != now {
        envoy_dm_sdk::log::log(
            LogLevel::Warn,
            &format!(
                "body_rewrite: {} body over max_buffer_bytes ({}): {}",
                side.name(),
                shared.max_buffer_bytes,
                match shared.on_overflow {
                    Overflow::Pass => "the rest passes untouched",
                    Overflow::Fail => "failing the stream",
                }
            ),
        );
    }
    if shared.on_overflow == Overflow::Fail {
        dir.state = State::Untouched;
        dir.carry.clear();
        let (status, details) = match side {
            Side::Request => (413, "body_rewrite_request_too_large"),
            Side::Response => (502, "body_rewrite_response_too_large"),
        };
        let body = format!("body_rewrite: {} body over max_buffer_bytes\n", side.name());
        envoy.send_response(status, &[], body.as_bytes(), details);
        return Next::Stop;
    }
    dir.state = State::Overflowed;
    if !dir.carry.is_empty() {
        // The held-back bytes go first, untouched, as the rest will.
        let size = envoy.get_body_size(side.received());
        let mut bytes = std::mem::take(&mut dir.carry);
        envoy
            .get_body_chunks(side.received())
            .iter()
            .for_each(|c| bytes.extend_from_slice(c));
        envoy.drain_body(side.received(), size);
        envoy.append_body(side.received(), &bytes);
    }
    Next::Continue
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for BodyRewrite {
    fn on_request_headers(&mut self, envoy: &mut E, end_of_stream: bool) -> RequestHeadersStatus {
        self.head = envoy
            .get_header(HeaderType::RequestHeader, ":method")
            .is_some_and(|m| m == b"HEAD");
        self.start(envoy, Side::Request, end_of_stream);
        RequestHeadersStatus::Continue
    }

    fn on_request_body(&mut self, envoy: &mut E, end_of_stream: bool) -> RequestBodyStatus {
        match self.body(envoy, Side::Request, end_of_stream) {
            Next::Continue => RequestBodyStatus::Continue,
            Next::Stop => RequestBodyStatus::StopIterationNoBuffer,
        }
    }

    fn on_request_trailers(&mut self, envoy: &mut E) -> RequestTrailersStatus {
        self.trailers(envoy, Side::Request);
        RequestTrailersStatus::Continue
    }

    fn on_response_headers(&mut self, envoy: &mut E, end_of_stream: bool) -> ResponseHeadersStatus {
        let status = envoy.get_header(HeaderType::ResponseHeader, ":status");
        let bodiless = self.head || matches!(status, Some(b"204") | Some(b"304"));
        self.start(envoy, Side::Response, end_of_stream || bodiless);
        ResponseHeadersStatus::Continue
    }

    fn on_response_body(&mut self, envoy: &mut E, end_of_stream: bool) -> ResponseBodyStatus {
        match self.body(envoy, Side::Response, end_of_stream) {
            Next::Continue => ResponseBodyStatus::Continue,
            Next::Stop => ResponseBodyStatus::StopIterationNoBuffer,
        }
    }

    fn on_response_trailers(&mut self, envoy: &mut E) -> ResponseTrailersStatus {
        self.trailers(envoy, Side::Response);
        ResponseTrailersStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn config(json: &str) -> BodyRewriteConfig {
        BodyRewriteConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()).unwrap()
    }

    fn refusal(json: &str) -> String {
        match BodyRewriteConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()) {
            Ok(_) => panic!("accepted {json}"),
            Err(e) => e.to_string(),
        }
    }

    /// Streams `chunks` through the response side and returns what left.
    fn stream(config: &BodyRewriteConfig, chunks: &[&[u8]], trailers: bool) -> Vec<u8> {
        let mut envoy = FakeEnvoyFilter::default();
        envoy.set_header(HeaderType::ResponseHeader, ":status", b"200");
        envoy.set_header(HeaderType::ResponseHeader, "content-length", b"99");
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_response_headers(&mut envoy, false);
        assert!(envoy
            .values(HeaderType::ResponseHeader, "content-length")
            .is_empty());
        let mut out = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let end = !trailers && i + 1 == chunks.len();
            envoy
                .bodies
                .insert(BodyType::ReceivedResponseBody, vec![chunk.to_vec()]);
            let status = filter.on_response_body(&mut envoy, end);
            assert_eq!(status, ResponseBodyStatus::Continue);
            out.extend(envoy.bodies[&BodyType::ReceivedResponseBody].concat());
        }
        if trailers {
            filter.on_response_trailers(&mut envoy);
            if let Some(b) = envoy.bodies.get(&BodyType::BufferedResponseBody) {
                out.extend(b.concat());
            }
        }
        out
    }

    const HOWDY: &str = r#"{"response": [["Hello", "Howdy"]]}"#;

    #[test]
    fn a_match_split_at_every_byte_is_replaced() {
        let config = config(HOWDY);
        let body = b"Hello from echo server, Hello";
        for cut in 0..=body.len() {
            for trailers in [false, true] {
                let (a, b) = body.split_at(cut);
                assert_eq!(
                    stream(&config, &[a, b], trailers),
                    b"Howdy from echo server, Howdy",
                    "cut at {cut}, trailers {trailers}"
                );
            }
        }
    }

    #[test]
    fn one_byte_chunks_and_an_empty_last_frame() {
        let config = config(HOWDY);
        let body = b"xHelHello Hello!";
        let mut chunks: Vec<&[u8]> = body.chunks(1).collect();
        chunks.push(b"");
        assert_eq!(stream(&config, &chunks, false), b"xHelHowdy Howdy!");
    }

    #[test]
    fn first_listed_rule_wins_and_output_is_not_rescanned() {
        let config = config(r#"{"response": [["ab", "1"], ["abc", "2"], ["1", "ab"]]}"#);
        assert_eq!(config.shared.response.rewrite_all(b"abcab1"), b"1c1ab");
        // A later, longer rule is not waited for once an earlier one matched...
        let config2 = self::config(r#"{"response": [["abc", "2"], ["ab", "1"]]}"#);
        // ...but an earlier, longer one is: "ab" alone is undecided.
        assert_eq!(
            config2.shared.response.rewrite(b"xab", false),
            (b"x".to_vec(), 2)
        );
        assert_eq!(stream(&config2, &[b"xab", b"c ab"], false), b"x2 1");
    }

    #[test]
    fn chunking_never_changes_the_output() {
        let config = config(r#"{"response": [["aab", "X"], ["ab", "YY"], ["b", ""]]}"#);
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let body: Vec<u8> = (0..rng.usize(0..40))
                .map(|_| b"abc"[rng.usize(0..3)])
                .collect();
            let want = config.shared.response.rewrite_all(&body);
            let mut cuts: Vec<usize> = (0..rng.usize(0..6))
                .map(|_| rng.usize(0..=body.len()))
                .collect();
            cuts.sort();
            let mut chunks = Vec::new();
            let mut at = 0;
            for c in cuts {
                chunks.push(&body[at..c]);
                at = c;
            }
            chunks.push(&body[at..]);
            let trailers = rng.bool();
            assert_eq!(
                stream(&config, &chunks, trailers),
                want,
                "{body:?} {chunks:?}"
            );
        }
    }

    #[test]
    fn encoded_bodiless_and_head_responses_are_untouched() {
        let config = config(HOWDY);
        for (status, encoding, head) in [
            ("200", "gzip", false),
            ("204", "", false),
            ("304", "", false),
            ("200", "", true),
        ] {
            let mut envoy = FakeEnvoyFilter::default();
            if head {
                envoy.set_header(HeaderType::RequestHeader, ":method", b"HEAD");
            }
            envoy.set_header(HeaderType::ResponseHeader, ":status", status.as_bytes());
            envoy.set_header(HeaderType::ResponseHeader, "content-length", b"5");
            if !encoding.is_empty() {
                envoy.set_header(
                    HeaderType::ResponseHeader,
                    "content-encoding",
                    encoding.as_bytes(),
                );
            }
            let mut filter = config.new_http_filter(&mut envoy);
            filter.on_request_headers(&mut envoy, true);
            filter.on_response_headers(&mut envoy, false);
            envoy
                .bodies
                .insert(BodyType::ReceivedResponseBody, vec![b"Hello".to_vec()]);
            filter.on_response_body(&mut envoy, true);
            assert_eq!(
                envoy.bodies[&BodyType::ReceivedResponseBody].concat(),
                b"Hello"
            );
            assert_eq!(
                envoy.values(HeaderType::ResponseHeader, "content-length"),
                ["5"]
            );
        }
    }

    #[test]
    fn past_the_cap_the_rest_passes_untouched_and_is_counted() {
        let config = config(r#"{"response": [["Hello", "Howdy"]], "max_buffer_bytes": 8}"#);
        assert_eq!(
            stream(&config, &[b"Hello He", b"llo Hello"], false),
            b"Howdy Hello Hello"
        );
    }

    #[test]
    fn past_the_cap_a_request_fails_with_413() {
        let config =
            config(r#"{"request": [["a", "b"]], "max_buffer_bytes": 4, "on_overflow": "fail"}"#);
        let mut envoy = FakeEnvoyFilter::default();
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, false);
        envoy
            .bodies
            .insert(BodyType::ReceivedRequestBody, vec![b"aaaaa".to_vec()]);
        assert_eq!(
            filter.on_request_body(&mut envoy, false),
            RequestBodyStatus::StopIterationNoBuffer
        );
        let sent = envoy.sent_response.expect("a local reply");
        assert_eq!(sent.status, 413);
        assert_eq!(sent.details, "body_rewrite_request_too_large");
        assert_eq!(envoy.counters.len(), 1);
    }

    #[test]
    fn request_bodies_are_rewritten_too() {
        let config = config(r#"{"request": [["secret", "******"]]}"#);
        let mut envoy = FakeEnvoyFilter::default();
        envoy.set_header(HeaderType::RequestHeader, "content-length", b"9");
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, false);
        assert!(envoy
            .values(HeaderType::RequestHeader, "content-length")
            .is_empty());
        envoy
            .bodies
            .insert(BodyType::ReceivedRequestBody, vec![b"a secret!".to_vec()]);
        filter.on_request_body(&mut envoy, true);
        assert_eq!(
            envoy.bodies[&BodyType::ReceivedRequestBody].concat(),
            b"a ******!"
        );
    }

    #[test]
    fn refuses_bad_configs_naming_the_entry() {
        assert!(
            refusal(r#"{"response": [["", "x"]]}"#).contains("response[0]: from must not be empty")
        );
        assert!(refusal(r#"{"request": [["a", "b"], ["c"]]}"#).contains("invalid length 1"));
        assert!(refusal("{}").contains("no rules"));
        assert!(
            refusal(r#"{"response": [["a", "b"]], "max_buffer_bytes": 0}"#)
                .contains("max_buffer_bytes")
        );
        assert!(
            refusal(r#"{"response": [["a", "b"]], "on_overflow": "drop"}"#)
                .contains("unknown variant")
        );
        assert!(refusal(r#"{"response": [["a", "b"]], "extra": 1}"#).contains("unknown field"));
        let long = "x".repeat(MAX_FROM_BYTES + 1);
        assert!(refusal(&format!(r#"{{"response": [["{long}", "b"]]}}"#))
            .contains("response[0]: from is over"));
        let many = vec![r#"["a","b"]"#; MAX_RULES + 1].join(",");
        assert!(refusal(&format!(r#"{{"request": [{many}]}}"#)).contains("request: 33 rules"));
    }
}
