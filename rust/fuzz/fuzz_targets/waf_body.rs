//! zero_copy_regex_waf's body scan against a reference: the verdict of the
//! filter, fed a body cut into slices and frames at arbitrary points and ended
//! each of the three ways Envoy ends a request (the last chunk, an empty final
//! chunk, trailers), must be regex-automata's `is_match` on the whole body.
//!
//! Input: byte 0 picks the pattern, byte 1 the ending, byte 2 seeds the cuts;
//! the rest is the body.

#![no_main]

use envoy_dm_sdk::testing::FakeEnvoyConfig;
use libfuzzer_sys::fuzz_target;
use regex_automata::meta::Regex;
use rust_module::http::zero_copy_regex_waf::{drive, Ending, WafConfig};
use std::sync::OnceLock;

const PATTERNS: [&str; 8] = [
    "curl|wget",
    "curl$",
    "^abc",
    "a[ab]{3}x",
    r"(?i)select\s+\*",
    "x$|^y",
    r"\x00\x01|\x7f$",
    r"(?m)^end$",
];
const ENDINGS: [Ending; 3] = [Ending::LastChunk, Ending::EmptyChunk, Ending::Trailers];

fn compiled() -> &'static [(&'static str, WafConfig, Regex)] {
    static ALL: OnceLock<Vec<(&'static str, WafConfig, Regex)>> = OnceLock::new();
    ALL.get_or_init(|| {
        PATTERNS
            .iter()
            .map(|p| {
                let json = serde_json::json!({"pattern": p, "max_body_bytes": 1 << 30}).to_string();
                let waf = WafConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes())
                    .expect("seed pattern compiles");
                (*p, waf, Regex::new(p).expect("seed pattern compiles"))
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let [pick, ending, seed, body @ ..] = data else {
        return;
    };
    let (pattern, waf, reference) = &compiled()[*pick as usize % PATTERNS.len()];
    let ending = ENDINGS[*ending as usize % ENDINGS.len()];
    // Cut the body into slices of 1..=16 bytes, a few slices per frame.
    let mut state = u32::from(*seed) | 1;
    let mut next = |n: u32| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % n) as usize
    };
    let mut frames: Vec<Vec<&[u8]>> = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let mut frame = Vec::new();
        for _ in 0..=next(3) {
            let take = (1 + next(16)).min(rest.len());
            let (slice, tail) = rest.split_at(take);
            frame.push(slice);
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
        frames.push(frame);
    }
    let got = drive(waf, &frames, ending);
    if frames.is_empty() && ending == Ending::LastChunk {
        // Headers with end_of_stream: no body, nothing scanned.
        assert_eq!(got, None);
        return;
    }
    let want = reference.is_match(body).then_some(403);
    assert_eq!(got, want, "pattern {pattern:?}, {ending:?}, {frames:?}");
});
