//! `{{name}}`: (say what it does). Written by `make new-filter`: it stamps
//! `{{header}}: <stamp>` on every response; the other hooks are commented out
//! below, each with the ABI hook it answers (docs/ABI.md).
//!
//! Config (JSON): `{"stamp": "{{name}}"}`.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    ResponseHeadersStatus,
};
use serde::Deserialize;

/// Made once per filter config on Envoy's main thread
/// (`envoy_dynamic_module_on_http_filter_config_new`); an Err refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct {{Camel}}Config {
    stamp: String,
}

impl {{Camel}}Config {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let config: Self = envoy_dm_sdk::parse_json(config)?;
        if config.stamp.is_empty() {
            return Err("\"stamp\" is empty".into());
        }
        Ok(config)
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for {{Camel}}Config {
    /// One filter per stream (`envoy_dynamic_module_on_http_filter_new`).
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new({{Camel}} {
            stamp: self.stamp.clone(),
        })
    }
}

pub struct {{Camel}} {
    stamp: String,
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for {{Camel}} {
    // envoy_dynamic_module_on_http_filter_request_headers
    // fn on_request_headers(&mut self, envoy: &mut E, end_of_stream: bool) -> RequestHeadersStatus {
    //     RequestHeadersStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_request_body
    // fn on_request_body(&mut self, envoy: &mut E, end_of_stream: bool) -> RequestBodyStatus {
    //     RequestBodyStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_request_trailers
    // fn on_request_trailers(&mut self, envoy: &mut E) -> RequestTrailersStatus {
    //     RequestTrailersStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_response_headers
    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        envoy.set_header(
            HeaderType::ResponseHeader,
            "{{header}}",
            self.stamp.as_bytes(),
        );
        ResponseHeadersStatus::Continue
    }

    // envoy_dynamic_module_on_http_filter_response_body
    // fn on_response_body(&mut self, envoy: &mut E, end_of_stream: bool) -> ResponseBodyStatus {
    //     ResponseBodyStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_response_trailers
    // fn on_response_trailers(&mut self, envoy: &mut E) -> ResponseTrailersStatus {
    //     ResponseTrailersStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_stream_complete: the last hook.
    // fn on_stream_complete(&mut self, envoy: &mut E) {}

    // envoy_dynamic_module_on_http_filter_scheduled: a wake-up this stream asked for.
    // fn on_scheduled(&mut self, envoy: &mut E, event_id: u64) {}

    // envoy_dynamic_module_on_http_filter_local_reply: another filter's local reply.
    // fn on_local_reply(&mut self, envoy: &mut E, status: u32, details: &str, reset_imminent: bool) -> LocalReplyStatus {
    //     LocalReplyStatus::Continue
    // }

    // envoy_dynamic_module_on_http_filter_http_callout_done
    // fn on_http_callout_done(&mut self, envoy: &mut E, callout_id: u64, result: HttpCalloutResult, response: Option<&HttpCalloutResponse<'_>>) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    #[test]
    fn stamps_the_response() {
        let config = {{Camel}}Config::new(
            &mut FakeEnvoyConfig::default(),
            br#"{"stamp": "{{name}}"}"#,
        )
        .unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":path", "/")]);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, true);
        filter.on_response_headers(&mut envoy, false);
        assert_eq!(
            envoy.get_header(HeaderType::ResponseHeader, "{{header}}"),
            Some(&b"{{name}}"[..])
        );
    }

    #[test]
    fn refuses_bad_configs() {
        for (config, why) in [
            (r#"{"stamp": ""}"#, "\"stamp\" is empty"),
            (r#"{"stamp": "s", "x": 1}"#, "unknown field `x`"),
        ] {
            let err = {{Camel}}Config::new(&mut FakeEnvoyConfig::default(), config.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(why), "{config}: {err}");
        }
    }
}
