//! The path template of rs_tenant_routes (`/t/{tenant}/`) and the tenant a
//! request path names under it. The path is the client's: any bytes.

use envoy_dm_sdk::BoxError;

/// The placeholder a template holds once, as a whole segment.
const PLACEHOLDER: &str = "{tenant}";

/// The longest tenant id: a DNS label's length, so an id can be a host name too.
pub const MAX_TENANT: usize = 63;

/// A tenant id: 1 to 63 of `a-z`, `0-9`, `-`, `_`. Anything else (upper case,
/// percent escapes, dots) names no tenant, so one tenant has one spelling.
pub fn is_tenant(id: &[u8]) -> bool {
    (1..=MAX_TENANT).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
}

/// `/before/{tenant}/after/`: the literal text around the tenant's segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// Up to the tenant, with its slashes (`/t/`).
    before: String,
    /// From the slash after the tenant (`/`, or `/v1/`).
    after: String,
}

/// A request path's tenant and the prefix that named it.
#[derive(Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub tenant: &'a str,
    /// The path's own bytes up to and including the template's end
    /// (`/t/acme/`), or up to the tenant when the path ends there (`/t/acme`).
    pub prefix: &'a str,
}

impl PathTemplate {
    /// Parses `/t/{tenant}/`: it starts and ends with `/` and holds
    /// `{tenant}` once, as a whole segment; the rest is literal.
    pub fn parse(template: &str) -> Result<Self, BoxError> {
        let bad = |why: &str| -> BoxError { format!("path_template {template:?}: {why}").into() };
        if !template.starts_with('/') || !template.ends_with('/') {
            return Err(bad("must start and end with '/'"));
        }
        let (before, after) = template
            .split_once(PLACEHOLDER)
            .ok_or_else(|| bad("has no {tenant}"))?;
        if after.contains(PLACEHOLDER) {
            return Err(bad("names {tenant} twice"));
        }
        if !before.ends_with('/') || !after.starts_with('/') {
            return Err(bad("{tenant} must be a whole segment"));
        }
        let literal = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"{}?#%".contains(&b))
        };
        if !literal(before) || !literal(after) || template.contains("//") {
            return Err(bad("only plain path characters around {tenant}"));
        }
        Ok(Self {
            before: before.to_string(),
            after: after.to_string(),
        })
    }

    /// The tenant `path` names under this template, if any. The query is
    /// not looked at; the tenant must be a valid id.
    pub fn tenant_of<'a>(&self, path: &'a str) -> Option<Match<'a>> {
        let end = path.find(['?', '#']).unwrap_or(path.len());
        let path_only = &path[..end];
        let rest = path_only.strip_prefix(self.before.as_str())?;
        let cut = rest.find('/').unwrap_or(rest.len());
        let (tenant, tail) = rest.split_at(cut);
        if !is_tenant(tenant.as_bytes()) {
            return None;
        }
        let upto = self.before.len() + tenant.len();
        if tail.starts_with(self.after.as_str()) {
            let prefix = &path[..upto + self.after.len()];
            Some(Match { tenant, prefix })
        } else if tail.is_empty() && self.after == "/" {
            Some(Match {
                tenant,
                prefix: &path[..upto],
            })
        } else {
            None
        }
    }

    /// What `prefix` is rewritten to when the tenant's part is stripped.
    pub fn replacement(&self) -> &'static str {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> PathTemplate {
        PathTemplate::parse(s).unwrap()
    }

    #[test]
    fn a_tenant_is_its_segment_with_the_prefix_that_named_it() {
        let m = t("/t/{tenant}/").tenant_of("/t/acme/orders?x=1").unwrap();
        assert_eq!((m.tenant, m.prefix), ("acme", "/t/acme/"));
        let m = t("/t/{tenant}/").tenant_of("/t/acme").unwrap();
        assert_eq!((m.tenant, m.prefix), ("acme", "/t/acme"));
        let m = t("/t/{tenant}/").tenant_of("/t/acme?q").unwrap();
        assert_eq!((m.tenant, m.prefix), ("acme", "/t/acme"));
        let m = t("/api/{tenant}/v1/").tenant_of("/api/a-1/v1/x").unwrap();
        assert_eq!((m.tenant, m.prefix), ("a-1", "/api/a-1/v1/"));
        let m = t("/{tenant}/").tenant_of("/globex/").unwrap();
        assert_eq!(m.tenant, "globex");
    }

    #[test]
    fn no_tenant_where_the_path_does_not_fit() {
        let tpl = t("/t/{tenant}/");
        for path in [
            "/",
            "/t/",
            "/t//x",
            "/x/acme/",
            "/t/ACME/",
            "/t/ac%6De/",
            "/t/a.b/",
            "/t/?acme",
        ] {
            assert_eq!(tpl.tenant_of(path), None, "{path}");
        }
        assert_eq!(t("/api/{tenant}/v1/").tenant_of("/api/acme/v2/"), None);
        assert_eq!(t("/api/{tenant}/v1/").tenant_of("/api/acme"), None);
        let long = format!("/t/{}/", "a".repeat(MAX_TENANT + 1));
        assert_eq!(tpl.tenant_of(&long), None);
    }

    #[test]
    fn a_bad_template_is_refused_with_why() {
        for (bad, why) in [
            ("t/{tenant}/", "start and end"),
            ("/t/{tenant}", "start and end"),
            ("/t/", "no {tenant}"),
            ("/{tenant}/{tenant}/", "twice"),
            ("/t-{tenant}/", "whole segment"),
            ("/t/{tenant}x/", "whole segment"),
            ("/t?/{tenant}/", "plain path"),
            ("//{tenant}/", "plain path"),
        ] {
            let error = PathTemplate::parse(bad).unwrap_err().to_string();
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
