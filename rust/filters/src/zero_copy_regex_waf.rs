//! `zero_copy_regex_waf`: answers 403 when the request body matches a regex,
//! scanning Envoy's own body slices in place, never copying them into one buffer.
//!
//! Config: the regex as raw text (a `StringValue`), e.g. `curl|wget`; or a JSON
//! object `{"pattern": "curl|wget", "max_body_bytes": 1048576}`.
//!
//! The pattern is compiled to a lazy DFA (regex-automata), which runs in time
//! linear in the input whatever the pattern: no backtracking. Its state is kept
//! across chunks, so every byte is looked at once, as it arrives, and a match
//! that straddles two chunks is found like any other. The body is held back
//! (StopIterationAndBuffer) until the end of the stream so nothing reaches the
//! upstream before the verdict; past `max_body_bytes` the answer is 413.

use envoy_dm_sdk::{
    BodyType, BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HttpFilter, HttpFilterConfig,
    RequestBodyStatus,
};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::Input;
use serde::Deserialize;
use std::sync::Arc;

pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
pub const FORBIDDEN_BODY: &[u8] = b"Access forbidden";
pub const TOO_LARGE_BODY: &[u8] = b"Payload Too Large";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    pattern: String,
    #[serde(default = "default_max")]
    max_body_bytes: usize,
}

fn default_max() -> usize {
    DEFAULT_MAX_BODY_BYTES
}

pub struct WafConfig {
    dfa: Arc<DFA>,
    max_body_bytes: usize,
}

impl WafConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        // One parse: a JSON object is the structured form, anything else the regex.
        let raw = match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(config)
        {
            Ok(object) => serde_json::from_value::<RawConfig>(object.into())?,
            Err(_) => RawConfig {
                pattern: String::from_utf8(config.to_vec())
                    .map_err(|e| format!("regex is not UTF-8: {e}"))?,
                max_body_bytes: default_max(),
            },
        };
        if raw.pattern.is_empty() {
            return Err("filter_config is empty; expected a regex such as curl|wget".into());
        }
        if raw.max_body_bytes == 0 {
            return Err("max_body_bytes must be positive".into());
        }
        let dfa =
            DFA::new(&raw.pattern).map_err(|e| format!("invalid regex {:?}: {e}", raw.pattern))?;
        Ok(Self {
            dfa: Arc::new(dfa),
            max_body_bytes: raw.max_body_bytes,
        })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for WafConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Waf {
            dfa: Arc::clone(&self.dfa),
            max_body_bytes: self.max_body_bytes,
            scan: None,
            seen: 0,
        })
    }
}

/// The matcher's position in the body so far.
struct Scan {
    cache: Cache,
    state: LazyStateID,
}

pub struct Waf {
    dfa: Arc<DFA>,
    max_body_bytes: usize,
    /// Made at the first body byte: requests without a body cost nothing.
    scan: Option<Scan>,
    seen: usize,
}

/// What the bytes so far say.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Match,
    NoMatchYet,
}

impl Waf {
    /// Feeds `chunks` to the DFA, in order, without copying them.
    fn feed<'a>(&mut self, chunks: impl IntoIterator<Item = &'a [u8]>, end: bool) -> Verdict {
        let dfa = &self.dfa;
        let scan = self.scan.get_or_insert_with(|| {
            let mut cache = dfa.create_cache();
            let state = dfa
                .start_state_forward(&mut cache, &Input::new(&[][..]))
                .expect("unanchored start");
            Scan { cache, state }
        });
        for chunk in chunks {
            for &byte in chunk {
                // Cache errors cannot happen: no minimum cache clear count is set.
                scan.state = dfa
                    .next_state(&mut scan.cache, scan.state, byte)
                    .expect("lazy DFA step");
                if scan.state.is_match() {
                    return Verdict::Match;
                }
            }
        }
        if end {
            scan.state = dfa
                .next_eoi_state(&mut scan.cache, scan.state)
                .expect("lazy DFA end");
            if scan.state.is_match() {
                return Verdict::Match;
            }
        }
        Verdict::NoMatchYet
    }
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for Waf {
    fn on_request_body(&mut self, envoy: &mut E, end_of_stream: bool) -> RequestBodyStatus {
        self.seen += envoy.get_body_size(BodyType::ReceivedRequestBody);
        if self.seen > self.max_body_bytes {
            envoy.send_response(413, &[], TOO_LARGE_BODY, "waf_body_too_large");
            return RequestBodyStatus::StopIterationNoBuffer;
        }
        let verdict = self.feed(
            envoy.get_body_chunks(BodyType::ReceivedRequestBody),
            end_of_stream,
        );
        if verdict == Verdict::Match {
            envoy.send_response(403, &[], FORBIDDEN_BODY, "waf_match");
            return RequestBodyStatus::StopIterationNoBuffer;
        }
        if end_of_stream {
            RequestBodyStatus::Continue
        } else {
            RequestBodyStatus::StopIterationAndBuffer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    /// Sends `frames` (each a list of slices) through the filter.
    fn run(config: &str, frames: &[Vec<&[u8]>]) -> (RequestBodyStatus, Option<u32>) {
        let config = WafConfig::new(&mut FakeEnvoyConfig::default(), config.as_bytes()).unwrap();
        let mut envoy = FakeEnvoyFilter::default();
        let mut filter = config.new_http_filter(&mut envoy);
        let mut status = RequestBodyStatus::Continue;
        for (i, frame) in frames.iter().enumerate() {
            envoy.bodies.insert(
                BodyType::ReceivedRequestBody,
                frame.iter().map(|s| s.to_vec()).collect(),
            );
            status = filter.on_request_body(&mut envoy, i + 1 == frames.len());
            if envoy.sent_response.is_some() {
                break;
            }
        }
        (status, envoy.sent_response.map(|r| r.status))
    }

    #[test]
    fn clean_body_passes_after_being_held() {
        let a = [b'a'; 1000];
        assert_eq!(
            run("curl|wget", &[vec![&a[..500]], vec![&a[500..]]]),
            (RequestBodyStatus::Continue, None)
        );
    }

    #[test]
    fn match_inside_one_chunk_is_refused() {
        assert_eq!(run("curl|wget", &[vec![b"xx wget yy"]]).1, Some(403));
    }

    #[test]
    fn match_straddling_slices_and_frames_is_found() {
        assert_eq!(
            run("curl|wget", &[vec![b"aaaacu", b"r"], vec![b"laaa"]]).1,
            Some(403)
        );
    }

    #[test]
    fn match_at_the_very_end_needs_the_end_of_input() {
        assert_eq!(run(r"curl$", &[vec![b"aaa curl"]]).1, Some(403));
        assert_eq!(run(r"curl$", &[vec![b"curl aaa"]]).1, None);
    }

    #[test]
    fn bodies_over_the_limit_get_413() {
        let config = r#"{"pattern": "curl", "max_body_bytes": 10}"#;
        assert_eq!(
            run(config, &[vec![b"0123456"], vec![b"789abc"]]).1,
            Some(413)
        );
    }

    #[test]
    fn invalid_regex_is_refused() {
        let err = WafConfig::new(&mut FakeEnvoyConfig::default(), b"(unclosed")
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("invalid regex \"(unclosed\""),
            "{err}"
        );
    }

    #[test]
    fn pathological_pattern_stays_linear() {
        // Exponential for a backtracking engine; one pass for a DFA.
        let body = vec![b'a'; 100_000];
        let started = std::time::Instant::now();
        let (_, status) = run(
            r#"{"pattern": "(a+)+$b", "max_body_bytes": 1000000}"#,
            &[vec![&body[..]]],
        );
        assert_eq!(status, None);
        assert!(started.elapsed().as_secs() < 5);
    }
}
