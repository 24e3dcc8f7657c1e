//! The lab's header_mutation as a proxy-wasm filter, for the benchmark: the
//! same config (the JSON of envoy.yaml's &header_mutation, given as the plugin
//! configuration), the same sets and removes on both sides, and the same three
//! attribute headers, read as Envoy properties. It is a contender, not a lab
//! filter: it exists so `make bench` can put Wasm beside the modules.

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel};
use serde::Deserialize;
use std::rc::Rc;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    request_headers: Vec<(String, String)>,
    #[serde(default)]
    remove_request_headers: Vec<String>,
    #[serde(default)]
    response_headers: Vec<(String, String)>,
    #[serde(default)]
    remove_response_headers: Vec<String>,
}

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| Box::new(Root { config: Rc::default() }));
}}

struct Root {
    config: Rc<Config>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let bytes = self.get_plugin_configuration().unwrap_or_default();
        match serde_json::from_slice::<Config>(&bytes) {
            Ok(config) => {
                self.config = Rc::new(config);
                true
            }
            Err(e) => {
                proxy_wasm::hostcalls::log(LogLevel::Error, &format!("wasm header_mutation: {e}"))
                    .ok();
                false
            }
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Stream {
            config: Rc::clone(&self.config),
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Stream {
    config: Rc<Config>,
}

impl Context for Stream {}

impl HttpContext for Stream {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        for name in &self.config.remove_request_headers {
            self.set_http_request_header(name, None);
        }
        for (name, value) in &self.config.request_headers {
            self.set_http_request_header(name, Some(value));
        }
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        for name in &self.config.remove_response_headers {
            self.set_http_response_header(name, None);
        }
        for (name, value) in &self.config.response_headers {
            self.set_http_response_header(name, Some(value));
        }
        if let Some(v) = self.get_property(vec!["source", "address"]) {
            self.set_http_response_header_bytes("x-downstream-address", Some(&v));
        }
        if let Some(v) = self.get_property(vec!["upstream", "address"]) {
            self.set_http_response_header_bytes("x-upstream-address", Some(&v));
        }
        // Integer properties arrive as 8 little-endian bytes.
        if let Some(v) = self.get_property(vec!["response", "code"]) {
            if let Ok(raw) = <[u8; 8]>::try_from(v.as_slice()) {
                let code = i64::from_le_bytes(raw).to_string();
                self.set_http_response_header("x-response-code", Some(&code));
            }
        }
        Action::Continue
    }
}
