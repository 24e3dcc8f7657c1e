//! `passthrough`: a filter that changes nothing. It measures the bare cost of a
//! module on the request path: every hook crosses the ABI and returns Continue.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HttpFilter, HttpFilterConfig,
};

/// Accepts no settings: an absent config or an empty JSON object.
pub struct PassthroughConfig;

impl PassthroughConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        if config.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self);
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct NoSettings {}
        let NoSettings {} = envoy_dm_sdk::parse_json(config)?;
        Ok(Self)
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for PassthroughConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        // A zero-sized filter: this Box does not allocate.
        Box::new(Passthrough)
    }
}

/// Every hook keeps the SDK's default: continue.
pub struct Passthrough;

impl<E: EnvoyHttpFilter> HttpFilter<E> for Passthrough {}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};
    use envoy_dm_sdk::{HeaderType, RequestHeadersStatus, ResponseHeadersStatus};

    #[test]
    fn continues_and_changes_nothing() {
        let config = PassthroughConfig::new(&mut FakeEnvoyConfig::default(), b"").unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(&[(":path", "/"), ("x-a", "1")]);
        let before = envoy.get_headers(HeaderType::RequestHeader).len();
        let mut filter = config.new_http_filter(&mut envoy);
        assert_eq!(
            filter.on_request_headers(&mut envoy, true),
            RequestHeadersStatus::Continue
        );
        assert_eq!(
            filter.on_response_headers(&mut envoy, false),
            ResponseHeadersStatus::Continue
        );
        assert_eq!(envoy.get_headers(HeaderType::RequestHeader).len(), before);
        assert!(envoy.sent_response.is_none());
    }

    #[test]
    fn accepts_an_empty_object_and_refuses_settings() {
        assert!(PassthroughConfig::new(&mut FakeEnvoyConfig::default(), b"{}").is_ok());
        let err = PassthroughConfig::new(&mut FakeEnvoyConfig::default(), br#"{"x":1}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("unknown field `x`"), "{err}");
    }
}
