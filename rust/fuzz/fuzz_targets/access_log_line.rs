//! The line builder of access_logger and json_access_log: whatever the headers hold, a line is one JSON
//! object followed by the only newline, it is UTF-8, it reads back as what was logged,
//! every header name and value gives back the exact bytes it was made from
//! (bytes that are not UTF-8 travel as `{"text", "base64"}`), and redacted
//! headers show `[REDACTED]`, never their value.
//!
//! The same request headers through fmt_header_hash (the access-log formatter
//! kind), with the method field as the argument of `%KEYED_HASH(...)%`: the
//! command is refused or parsed, and then formats the keyed hash of the exact
//! bytes of that header's values, 16 hex digits whatever they hold (or no
//! value when the request has none).
//!
//! Input: NUL-separated fields: method, path, then name, value, name, value...
//! (request headers; a name starting with `<` is a response header).

#![no_main]

use envoy_dm_sdk::formatter::testing::{FakeFormatter, FakeFormatterConfig};
use envoy_dm_sdk::formatter::{Command, FormatterConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::formatter::fmt_header_hash::{keyed_hash_hex, HeaderHashConfig, COMMAND};
use rust_module::shared::log_sink::{json_line, redacted, Entry, DEFAULT_REDACT, REDACTED};
use rust_module::shared::logged_bytes::LoggedBytes;

fuzz_target!(|data: &[u8]| {
    let mut fields = data.split(|&b| b == 0);
    let method = fields
        .next()
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let path = fields
        .next()
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut request: Vec<(&[u8], &[u8])> = Vec::new();
    let mut response: Vec<(&[u8], &[u8])> = Vec::new();
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        match name.strip_prefix(b"<") {
            Some(name) => response.push((name, value)),
            None => request.push((name, value)),
        }
    }
    let redact: Vec<String> = DEFAULT_REDACT.iter().map(|s| s.to_string()).collect();
    let entry = Entry {
        method,
        path,
        status: Some(200),
        duration_ms: Some(1.5),
        request_body_bytes: Some(data.len() as u64),
        response_body_bytes: None,
        downstream_address: Some("127.0.0.1:1".into()),
        upstream_address: None,
        request_headers: redacted(request.iter().copied(), &redact),
        response_headers: redacted(response.iter().copied(), &redact),
        ..Entry::default()
    };
    let line = json_line(&entry);
    assert!(std::str::from_utf8(&line).is_ok(), "a line is UTF-8");
    assert_eq!(line.last(), Some(&b'\n'));
    assert_eq!(line.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
    assert!(
        !line.iter().any(|&b| b < 0x20 && b != b'\n'),
        "control bytes escaped"
    );
    let back: Entry = serde_json::from_slice(&line).expect("the line is JSON");
    assert_eq!(back, entry);
    let logged = back.request_headers.iter().chain(&back.response_headers);
    let sent = request.iter().chain(&response);
    assert_eq!(logged.clone().count(), sent.clone().count());
    for ((name_logged, value_logged), (name, value)) in logged.zip(sent) {
        let exact = |b: &LoggedBytes| b.bytes().expect("base64 that decodes");
        assert_eq!(exact(name_logged), *name, "the name, byte for byte");
        let secret = redact
            .iter()
            .any(|r| r.as_bytes().eq_ignore_ascii_case(name));
        if secret {
            assert_eq!(value_logged, &LoggedBytes::from(REDACTED));
        } else {
            assert_eq!(exact(value_logged), *value, "the value, byte for byte");
            assert_eq!(value_logged.text(), String::from_utf8_lossy(value));
        }
    }
    keyed_hash(data.split(|&b| b == 0).next().unwrap_or_default(), &request);
});

/// fmt_header_hash's `%KEYED_HASH(argument)%` on these request headers.
fn keyed_hash(argument: &[u8], request: &[(&[u8], &[u8])]) {
    const KEY: &[u8] = b"0123456789abcdef";
    let config = HeaderHashConfig::new(&mut FakeFormatterConfig, br#"{"key": "0123456789abcdef"}"#)
        .expect("a good config");
    let command = Command {
        name: COMMAND,
        argument,
        max_length: None,
    };
    let Ok(Some(provider)) = FormatterConfig::<FakeFormatter>::parse(&config, &command) else {
        return;
    };
    let header = std::str::from_utf8(argument)
        .expect("a parsed argument is a header name")
        .to_ascii_lowercase();
    let envoy = FakeFormatter {
        request_headers: request
            .iter()
            .map(|(k, v)| (String::from_utf8_lossy(k).to_ascii_lowercase(), v.to_vec()))
            .collect(),
        ..FakeFormatter::default()
    };
    let values: Vec<&[u8]> = envoy
        .request_headers
        .iter()
        .filter(|(k, _)| *k == header)
        .map(|(_, v)| v.as_slice())
        .collect();
    let got = provider.format(&envoy);
    if values.is_empty() {
        assert_eq!(got, None);
    } else {
        let got = got.expect("a value");
        assert_eq!(got, keyed_hash_hex(KEY, &values.join(&b","[..]), 16));
        assert!(got.len() == 16 && got.iter().all(u8::is_ascii_hexdigit));
    }
}
