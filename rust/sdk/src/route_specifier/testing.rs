//! A fake of the route specifier's Envoy handles for unit tests: one
//! request's headers, the templates the configuration declares, and what
//! the specifier recorded.

use super::{Decision, EnvoyRouteSpecifier, EnvoyRouteSpecifierConfig};

#[derive(Debug, Default, Clone)]
pub struct FakeRouteSpecifier {
    /// The request's headers (lowercase names, `:path` among them).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The configuration's route templates.
    pub templates: Vec<String>,
    /// What the specifier recorded.
    pub template: Option<String>,
    pub decision: Option<Decision>,
    pub rewrite: Option<(String, String)>,
    pub request_headers: Vec<(String, String)>,
    pub removed_headers: Vec<String>,
    pub user_data: Option<u64>,
}

impl FakeRouteSpecifier {
    /// A request, no headers yet, under a configuration declaring `templates`.
    pub fn with_templates(templates: &[&str]) -> Self {
        Self {
            templates: templates.iter().map(|t| t.to_string()).collect(),
            ..Self::default()
        }
    }

    /// The same, with a request header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_string(), value.as_bytes().to_vec()));
        self
    }

    /// The same, with this `:path`.
    pub fn path(self, path: &str) -> Self {
        self.header(":path", path)
    }
}

impl EnvoyRouteSpecifier for FakeRouteSpecifier {
    fn request_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    fn set_route_template(&mut self, template_id: &str) -> bool {
        let declared = self.templates.iter().any(|t| t == template_id);
        if declared {
            self.template = Some(template_id.to_string());
        }
        declared
    }
    fn set_decision(&mut self, decision: Decision) {
        self.decision = Some(decision);
    }
    fn set_prefix_rewrite(&mut self, matched: &str, replacement: &str) -> bool {
        let path = self.request_header(":path").unwrap_or_default();
        let ok = path.len() >= matched.len()
            && path[..matched.len()].eq_ignore_ascii_case(matched.as_bytes());
        if ok {
            self.rewrite = Some((matched.to_string(), replacement.to_string()));
        }
        ok
    }
    fn set_request_header(&mut self, name: &str, value: &str) -> bool {
        self.request_headers
            .push((name.to_string(), value.to_string()));
        true
    }
    fn remove_request_header(&mut self, name: &str) -> bool {
        self.removed_headers.push(name.to_string());
        true
    }
    fn set_route_user_data(&mut self, user_data: u64) {
        self.user_data = Some(user_data);
    }
}

/// A route specifier configuration being created, declaring these templates.
#[derive(Debug, Default)]
pub struct FakeRouteSpecifierConfig {
    pub templates: Vec<String>,
}

impl FakeRouteSpecifierConfig {
    pub fn with_templates(templates: &[&str]) -> Self {
        Self {
            templates: templates.iter().map(|t| t.to_string()).collect(),
        }
    }
}

impl EnvoyRouteSpecifierConfig for FakeRouteSpecifierConfig {
    fn template_ids(&self) -> Vec<String> {
        self.templates.clone()
    }
}
