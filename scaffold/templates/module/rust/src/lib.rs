//! lib{{module}}.so: one HTTP filter, `hello`, that stamps `x-hello` on every
//! response. Add filters to `module!` below (see the repository's
//! docs/TUTORIAL.md for a walk through the hooks).

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    ResponseHeadersStatus,
};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelloConfig {
    stamp: String,
}

impl HelloConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        envoy_dm_sdk::parse_json(config)
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for HelloConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(Hello {
            stamp: self.stamp.clone(),
        })
    }
}

pub struct Hello {
    stamp: String,
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for Hello {
    fn on_response_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> ResponseHeadersStatus {
        envoy.set_header(HeaderType::ResponseHeader, "x-hello", self.stamp.as_bytes());
        ResponseHeadersStatus::Continue
    }
}

envoy_dm_sdk::module! {
    name: "{{module}}",
    language: "rust",
    http: ["hello" => HelloConfig::new],
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    #[test]
    fn stamps_the_response() {
        let config = HelloConfig::new(&mut FakeEnvoyConfig::default(), br#"{"stamp": "s"}"#).unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[]);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_response_headers(&mut envoy, false);
        assert_eq!(envoy.get_header(HeaderType::ResponseHeader, "x-hello"), Some(&b"s"[..]));
    }
}
