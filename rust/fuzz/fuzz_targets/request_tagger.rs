//! request_tagger's config parser, then its classifier on a request made of the
//! same input: `config NUL method NUL path NUL name NUL value ...`. A config is
//! either refused with a reason or classifies every request into one of its
//! own classes, the same one in dynamic metadata and filter state.

#![no_main]

use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter, FakeMetadataValue};
use envoy_dm_sdk::{EnvoyHttpFilter, HeaderType, HttpFilterConfig};
use libfuzzer_sys::fuzz_target;
use rust_module::http::request_tagger::{RequestTaggerConfig, Tagger, CLASS_KEY};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0);
    let config = parts.next().unwrap_or_default();
    let parsed = Tagger::parse(config);
    let made = RequestTaggerConfig::new(&mut FakeEnvoyConfig::default(), config);
    let (tagger, made) = match (parsed, made) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(a), Err(b)) => return assert_eq!(a.to_string(), b.to_string()),
        _ => panic!(
            "parse and new disagree on {:?}",
            String::from_utf8_lossy(config)
        ),
    };

    let mut envoy = FakeEnvoyFilter::default();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let method = parts.next().map(text).unwrap_or_default();
    let path = parts.next().map(text).unwrap_or_default();
    envoy.set_header(HeaderType::RequestHeader, ":method", method.as_bytes());
    envoy.set_header(HeaderType::RequestHeader, ":path", path.as_bytes());
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        envoy.add_header(HeaderType::RequestHeader, &text(name), value);
    }
    let mut filter = made.new_http_filter(&mut envoy);
    filter.on_request_headers(&mut envoy, true);

    let (_, class) = tagger.classify(&envoy);
    let class = class.to_string();
    assert!(class == tagger.default_class || tagger.rules.iter().any(|r| r.class == class));
    assert_eq!(
        envoy.dynamic_metadata[&(tagger.namespace.clone(), CLASS_KEY.to_string())],
        FakeMetadataValue::String(class.clone())
    );
    assert_eq!(
        envoy.filter_state[&tagger.filter_state_key],
        class.as_bytes()
    );
});
