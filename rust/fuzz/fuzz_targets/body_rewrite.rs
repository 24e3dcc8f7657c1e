//! body_rewrite's invariant: whatever the chunking, and whether the body ends on
//! a chunk or with trailers, the output equals a naive replace over the whole
//! input (at each position the first listed rule that matches, else the byte).
//!
//! Input: byte 0 picks how many rules (1-4) and byte 1 the chunking; the rest is
//! split on 0xff into rule patterns, replacements and the body.

#![no_main]

use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};
use envoy_dm_sdk::{BodyType, EnvoyHttpFilter, HeaderType, HttpFilterConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::http::body_rewrite::BodyRewriteConfig;

fn naive(rules: &[(Vec<u8>, Vec<u8>)], input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    'next: while i < input.len() {
        for (from, to) in rules {
            if input[i..].starts_with(from) {
                out.extend_from_slice(to);
                i += from.len();
                continue 'next;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (count, chunking) = (1 + data[0] as usize % 4, data[1]);
    let mut parts = data[2..].split(|&b| b == 0xff);
    let mut rules = Vec::new();
    for _ in 0..count {
        let (Some(from), Some(to)) = (parts.next(), parts.next()) else {
            return;
        };
        // JSON strings carry UTF-8: keep the fuzzer's bytes ASCII.
        let ascii = |b: &[u8]| {
            b.iter()
                .map(|c| c & 0x7f)
                .filter(|c| *c >= 0x20 && *c != b'"' && *c != b'\\')
                .collect::<Vec<u8>>()
        };
        let (from, to) = (ascii(from), ascii(to));
        if from.is_empty() || from.len() > 16 {
            return;
        }
        rules.push((from, to));
    }
    let body: Vec<u8> = parts.flatten().copied().collect();
    let json_rules: Vec<String> = rules
        .iter()
        .map(|(f, t)| {
            format!(
                "[\"{}\", \"{}\"]",
                String::from_utf8_lossy(f),
                String::from_utf8_lossy(t)
            )
        })
        .collect();
    let json = format!("{{\"response\": [{}]}}", json_rules.join(","));
    let config =
        BodyRewriteConfig::new(&mut FakeEnvoyConfig::default(), json.as_bytes()).expect(&json);

    let mut envoy = FakeEnvoyFilter::default();
    envoy.set_header(HeaderType::ResponseHeader, ":status", b"200");
    let mut filter = config.new_http_filter(&mut envoy);
    filter.on_response_headers(&mut envoy, false);
    let step = 1 + (chunking & 0x3f) as usize;
    let trailers = chunking & 0x40 != 0;
    let chunks: Vec<&[u8]> = if body.is_empty() {
        vec![&[][..]]
    } else {
        body.chunks(step).collect()
    };
    let mut out = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let end = !trailers && i + 1 == chunks.len();
        envoy
            .bodies
            .insert(BodyType::ReceivedResponseBody, vec![chunk.to_vec()]);
        filter.on_response_body(&mut envoy, end);
        out.extend(envoy.bodies[&BodyType::ReceivedResponseBody].concat());
    }
    if trailers {
        filter.on_response_trailers(&mut envoy);
        if let Some(b) = envoy.bodies.get(&BodyType::BufferedResponseBody) {
            out.extend(b.concat());
        }
    }
    assert_eq!(out, naive(&rules, &body), "{json} {body:?} step {step}");
});
