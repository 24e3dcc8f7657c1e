//! `header_auth`: 401 `Unauthorized` unless the request carries a given header.
//!
//! Config: the header name, as raw text (a `StringValue`), e.g. `x-auth`. When
//! the header's value is `on_response_headers`, the 401 is sent from the
//! response phase instead, replacing the upstream's response: a local reply can
//! come from either direction.

use envoy_dm_sdk::{
    BoxError, EnvoyHttpFilter, EnvoyHttpFilterConfig, HeaderType, HttpFilter, HttpFilterConfig,
    RequestHeadersStatus, ResponseHeadersStatus,
};

pub const UNAUTHORIZED_BODY: &[u8] = b"Unauthorized";
pub const DEFER_VALUE: &[u8] = b"on_response_headers";

pub struct HeaderAuthConfig {
    header: String,
}

impl HeaderAuthConfig {
    pub fn new(_envoy: &mut impl EnvoyHttpFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let name = std::str::from_utf8(config)
            .map_err(|e| format!("header name is not UTF-8: {e}"))?
            .trim();
        if name.is_empty() {
            return Err("filter_config is empty; expected the header name, e.g. x-auth".into());
        }
        let header = crate::header_mutation::check_name("header name", name, false)?;
        Ok(Self { header })
    }
}

impl<E: EnvoyHttpFilter> HttpFilterConfig<E> for HeaderAuthConfig {
    fn new_http_filter(&self, _envoy: &mut E) -> Box<dyn HttpFilter<E>> {
        Box::new(HeaderAuth {
            header: self.header.clone(),
            deny_on_response: false,
        })
    }
}

pub struct HeaderAuth {
    header: String,
    deny_on_response: bool,
}

fn deny(envoy: &mut impl EnvoyHttpFilter) {
    envoy.send_response(401, &[], UNAUTHORIZED_BODY, "header_auth_missing");
}

impl<E: EnvoyHttpFilter> HttpFilter<E> for HeaderAuth {
    fn on_request_headers(&mut self, envoy: &mut E, _end_of_stream: bool) -> RequestHeadersStatus {
        match envoy.get_header(HeaderType::RequestHeader, &self.header) {
            None => {
                deny(envoy);
                RequestHeadersStatus::StopIteration
            }
            Some(value) => {
                self.deny_on_response = value == DEFER_VALUE;
                RequestHeadersStatus::Continue
            }
        }
    }

    fn on_response_headers(
        &mut self,
        envoy: &mut E,
        _end_of_stream: bool,
    ) -> ResponseHeadersStatus {
        if !self.deny_on_response {
            return ResponseHeadersStatus::Continue;
        }
        // The local reply passes back through this filter: deny only once.
        self.deny_on_response = false;
        deny(envoy);
        ResponseHeadersStatus::StopIteration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::testing::{FakeEnvoyConfig, FakeEnvoyFilter};

    fn run(headers: &[(&str, &str)]) -> (Option<u32>, Option<u32>) {
        let config = HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), b"X-Auth").unwrap();
        let mut envoy = FakeEnvoyFilter::with_request_headers(headers);
        let mut filter = config.new_http_filter(&mut envoy);
        filter.on_request_headers(&mut envoy, true);
        let on_request = envoy.sent_response.take().map(|r| r.status);
        filter.on_response_headers(&mut envoy, false);
        (on_request, envoy.sent_response.map(|r| r.status))
    }

    #[test]
    fn missing_header_is_denied_on_the_request() {
        assert_eq!(run(&[]), (Some(401), None));
    }

    #[test]
    fn present_header_passes() {
        assert_eq!(run(&[("x-auth", "token")]), (None, None));
    }

    #[test]
    fn deferred_denial_comes_from_the_response_phase() {
        assert_eq!(run(&[("x-auth", "on_response_headers")]), (None, Some(401)));
    }

    #[test]
    fn refuses_a_bad_header_name() {
        let err = HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), b"bad name")
            .err()
            .unwrap();
        assert!(err.to_string().contains("not a valid HTTP token"), "{err}");
        assert!(HeaderAuthConfig::new(&mut FakeEnvoyConfig::default(), b"").is_err());
    }
}
