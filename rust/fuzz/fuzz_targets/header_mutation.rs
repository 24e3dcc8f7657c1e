//! header_mutation end to end against the fake Envoy: a config, then a stream
//! with request and response headers, checked against what the filter promises
//! (docs/CONTRACT.md).
//!
//! Input: `<config>` alone, or `<config> NUL <lines>`, the lines separated by LF:
//!   `>name=value`      a request header the stream arrives with
//!   `<name=value`      a response header the upstream answers with
//!   `@source=ip:port`  the source.address attribute (`@upstream=`: upstream.address)
//!   `@code=200`        the response.code attribute
//!   `!{json}`          a per-route override of the same shape as the config
//! Other lines are ignored. The same format feeds the Go and C++ fuzzers.

#![no_main]

use envoy_dm_sdk::testing::FakeEnvoyFilter;
use envoy_dm_sdk::{
    AttributeId, EnvoyHttpFilter, HeaderType, HttpFilterConfig, RequestHeadersStatus,
    ResponseHeadersStatus,
};
use libfuzzer_sys::fuzz_target;
use rust_module::http::header_mutation::{
    HeaderMutationConfig, Mutations, Rules, DOWNSTREAM_ADDRESS_HEADER, RESPONSE_CODE_HEADER,
    UPSTREAM_ADDRESS_HEADER,
};
use std::sync::Arc;

type HeaderList = Vec<(String, Vec<u8>)>;

/// The stream the input describes.
#[derive(Default)]
struct Stream<'a> {
    request: Vec<(&'a [u8], &'a [u8])>,
    response: Vec<(&'a [u8], &'a [u8])>,
    source: Option<&'a [u8]>,
    upstream: Option<&'a [u8]>,
    code: Option<u64>,
    route: Option<&'a [u8]>,
}

fn split_once(line: &[u8], sep: u8) -> (&[u8], &[u8]) {
    match line.iter().position(|&b| b == sep) {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &[]),
    }
}

fn parse_stream(lines: &[u8]) -> Stream<'_> {
    let mut stream = Stream::default();
    for line in lines.split(|&b| b == b'\n') {
        let Some((&kind, rest)) = line.split_first() else {
            continue;
        };
        match kind {
            b'>' => stream.request.push(split_once(rest, b'=')),
            b'<' => stream.response.push(split_once(rest, b'=')),
            b'@' => match split_once(rest, b'=') {
                (b"source", v) => stream.source = Some(v),
                (b"upstream", v) => stream.upstream = Some(v),
                (b"code", v) => {
                    stream.code = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok())
                }
                _ => {}
            },
            b'!' => stream.route = Some(rest),
            _ => {}
        }
    }
    stream
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// What a successful parse promises about every name and value.
fn check_rules(rules: &Rules) {
    for m in [&rules.request, &rules.response] {
        let names = m.set.iter().map(|(n, _)| n).chain(&m.remove);
        for name in names {
            assert_eq!(*name, name.to_ascii_lowercase(), "names are lowercased");
            let token = name.strip_prefix(':').unwrap_or(name);
            assert!(
                !token.is_empty() && token.bytes().all(is_token_byte),
                "accepted a header name that is not a token: {name:?}"
            );
        }
        for (_, value) in &m.set {
            assert!(!value.is_empty(), "accepted an empty value");
            assert!(
                !value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)),
                "accepted a value with CR, LF or NUL: {value:?}"
            );
        }
    }
}

fn headers(envoy: &FakeEnvoyFilter, kind: HeaderType) -> HeaderList {
    envoy.headers.get(&kind).cloned().unwrap_or_default()
}

fn values(list: &HeaderList, name: &str) -> Vec<Vec<u8>> {
    list.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Checks one direction: `after` is `before` with `m` applied, except for the
/// names in `stamped`, whose expected values the caller checks.
fn check_direction(before: &HeaderList, after: &HeaderList, m: &Mutations, stamped: &[&str]) {
    let touched = |name: &str| {
        stamped.contains(&name)
            || m.remove.iter().any(|r| r == name)
            || m.set.iter().any(|(s, _)| s == name)
    };
    for name in &m.remove {
        if !stamped.contains(&name.as_str()) && !m.set.iter().any(|(s, _)| s == name) {
            assert!(
                values(after, name).is_empty(),
                "removed header {name:?} remains: {after:?}"
            );
        }
    }
    for (name, _) in &m.set {
        if stamped.contains(&name.as_str()) {
            continue;
        }
        // Sets run in order: the last one of a name wins.
        let (_, last) = m.set.iter().rev().find(|(s, _)| s == name).unwrap();
        assert_eq!(
            values(after, name),
            [last.as_bytes().to_vec()],
            "set header {name:?} does not have exactly its configured value"
        );
    }
    let untouched = |list: &HeaderList| -> HeaderList {
        list.iter().filter(|(k, _)| !touched(k)).cloned().collect()
    };
    assert_eq!(
        untouched(before),
        untouched(after),
        "headers the config does not name changed"
    );
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fuzz_target!(|data: &[u8]| {
    let (config, lines) = split_once(data, 0);
    let Ok(rules) = HeaderMutationConfig::parse(config) else {
        return;
    };
    check_rules(&rules);
    let config = HeaderMutationConfig {
        rules: Arc::new(rules),
    };
    let stream = parse_stream(lines);

    let mut envoy = FakeEnvoyFilter::default();
    for (name, value) in &stream.request {
        envoy.add_header(HeaderType::RequestHeader, &lossy(name), value);
    }
    // The rules the stream must follow: the route's override, if it parses.
    let mut effective = Arc::clone(&config.rules);
    if let Some(route) = stream
        .route
        .and_then(|r| HeaderMutationConfig::parse(r).ok())
    {
        check_rules(&route);
        let route = Arc::new(route);
        effective = Arc::clone(&route);
        envoy.per_route = Some(route);
    }

    let mut filter = config.new_http_filter(&mut envoy);

    let request_before = headers(&envoy, HeaderType::RequestHeader);
    assert_eq!(
        filter.on_request_headers(&mut envoy, false),
        RequestHeadersStatus::Continue
    );
    let request_after = headers(&envoy, HeaderType::RequestHeader);
    check_direction(&request_before, &request_after, &effective.request, &[]);
    assert!(headers(&envoy, HeaderType::ResponseHeader).is_empty());

    // The upstream answers.
    for (name, value) in &stream.response {
        envoy.add_header(HeaderType::ResponseHeader, &lossy(name), value);
    }
    if let Some(v) = stream.source {
        envoy
            .string_attributes
            .insert(AttributeId::SourceAddress, v.to_vec());
    }
    if let Some(v) = stream.upstream {
        envoy
            .string_attributes
            .insert(AttributeId::UpstreamAddress, v.to_vec());
    }
    if let Some(code) = stream.code {
        envoy.int_attributes.insert(AttributeId::ResponseCode, code);
    }
    let response_before = headers(&envoy, HeaderType::ResponseHeader);
    assert_eq!(
        filter.on_response_headers(&mut envoy, false),
        ResponseHeadersStatus::Continue
    );
    let response_after = headers(&envoy, HeaderType::ResponseHeader);

    // Stamped headers: the attribute when Envoy has it, whatever its length
    // (an empty one removes the header).
    let mut stamped = Vec::new();
    for (header, attribute) in [
        (DOWNSTREAM_ADDRESS_HEADER, stream.source),
        (UPSTREAM_ADDRESS_HEADER, stream.upstream),
    ] {
        if let Some(value) = attribute {
            stamped.push(header);
            let want: Vec<Vec<u8>> = if value.is_empty() {
                vec![]
            } else {
                vec![value.to_vec()]
            };
            assert_eq!(values(&response_after, header), want, "{header}");
        }
    }
    if let Some(code) = stream.code {
        stamped.push(RESPONSE_CODE_HEADER);
        assert_eq!(
            values(&response_after, RESPONSE_CODE_HEADER),
            [code.to_string().into_bytes()]
        );
    }
    check_direction(
        &response_before,
        &response_after,
        &effective.response,
        &stamped,
    );
    assert_eq!(
        headers(&envoy, HeaderType::RequestHeader),
        request_after,
        "the response phase changed request headers"
    );
    assert!(
        envoy.sent_response.is_none(),
        "header_mutation never replies"
    );
});
