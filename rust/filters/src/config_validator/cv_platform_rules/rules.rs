//! The platform rules, each read off a resource's protobuf bytes: a cluster
//! must set a connect timeout (at most so long), a listener must log its
//! requests. Field numbers are those of Envoy's v3 API.

use super::wire::{self, WireError};

/// `envoy.config.cluster.v3.Cluster.connect_timeout` (a Duration).
const CLUSTER_CONNECT_TIMEOUT: u32 = 4;
/// `google.protobuf.Duration.seconds` and `.nanos`.
const DURATION_SECONDS: u32 = 1;
const DURATION_NANOS: u32 = 2;
/// `envoy.config.listener.v3.Listener.filter_chains`, `.access_log`,
/// `.default_filter_chain`.
const LISTENER_FILTER_CHAINS: u32 = 3;
const LISTENER_ACCESS_LOG: u32 = 22;
const LISTENER_DEFAULT_FILTER_CHAIN: u32 = 25;
/// `FilterChain.filters`; `Filter.typed_config` (an Any).
const CHAIN_FILTERS: u32 = 3;
const FILTER_TYPED_CONFIG: u32 = 4;
/// `google.protobuf.Any.type_url` and `.value`.
const ANY_TYPE_URL: u32 = 1;
const ANY_VALUE: u32 = 2;
/// `HttpConnectionManager.access_log`.
const HCM_ACCESS_LOG: u32 = 13;
const HCM_TYPE: &[u8] =
    b"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

/// The cluster rules a config turns on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterRules {
    pub require_connect_timeout: bool,
    /// The longest connect timeout allowed, in milliseconds.
    pub max_connect_timeout_ms: Option<u64>,
}

/// The listener rules a config turns on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListenerRules {
    pub require_access_log: bool,
}

/// Why a resource breaks a rule (or cannot be read).
fn unreadable(e: WireError) -> String {
    format!("cannot be read ({e})")
}

/// Checks one Cluster's bytes.
pub fn check_cluster(body: &[u8], rules: &ClusterRules) -> Result<(), String> {
    let timeout = wire::last_bytes(body, CLUSTER_CONNECT_TIMEOUT).map_err(unreadable)?;
    let Some(timeout) = timeout else {
        if rules.require_connect_timeout {
            return Err("has no connect_timeout (rule clusters.require_connect_timeout)".into());
        }
        return Ok(());
    };
    if let Some(max) = rules.max_connect_timeout_ms {
        let seconds = wire::last_varint(timeout, DURATION_SECONDS).map_err(unreadable)?;
        let nanos = wire::last_varint(timeout, DURATION_NANOS).map_err(unreadable)?;
        // Both as the Duration's int64/int32: a negative one is no timeout.
        let ms = (seconds as i64)
            .saturating_mul(1000)
            .saturating_add((nanos as i32 as i64) / 1_000_000);
        if ms <= 0 || ms as u64 > max {
            return Err(format!(
                "connect_timeout is {ms} ms, over the {max} ms allowed \
                 (rule clusters.max_connect_timeout_ms)"
            ));
        }
    }
    Ok(())
}

/// Checks one Listener's bytes: with `require_access_log`, either the
/// listener logs (its own `access_log`), or every filter chain has an HTTP
/// connection manager that does.
pub fn check_listener(body: &[u8], rules: &ListenerRules) -> Result<(), String> {
    if !rules.require_access_log {
        return Ok(());
    }
    if !wire::all_bytes(body, LISTENER_ACCESS_LOG)
        .map_err(unreadable)?
        .is_empty()
    {
        return Ok(());
    }
    let mut chains = wire::all_bytes(body, LISTENER_FILTER_CHAINS).map_err(unreadable)?;
    chains.extend(wire::last_bytes(body, LISTENER_DEFAULT_FILTER_CHAIN).map_err(unreadable)?);
    let no_log = || {
        "has no access log: neither the listener's access_log nor one in the HTTP \
         connection manager of every filter chain (rule listeners.require_access_log)"
            .to_string()
    };
    if chains.is_empty() {
        return Err(no_log());
    }
    for chain in chains {
        if !chain_logs(chain).map_err(unreadable)? {
            return Err(no_log());
        }
    }
    Ok(())
}

/// Whether a filter chain has an HTTP connection manager with an access log.
fn chain_logs(chain: &[u8]) -> Result<bool, WireError> {
    for filter in wire::all_bytes(chain, CHAIN_FILTERS)? {
        let Some(any) = wire::last_bytes(filter, FILTER_TYPED_CONFIG)? else {
            continue;
        };
        if wire::last_bytes(any, ANY_TYPE_URL)? != Some(HCM_TYPE) {
            continue;
        }
        let hcm = wire::last_bytes(any, ANY_VALUE)?.unwrap_or_default();
        if !wire::all_bytes(hcm, HCM_ACCESS_LOG)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Builders of the protobuf bytes the rules read, for tests and fuzz seeds.
pub mod build {
    use super::super::wire::encode::{bytes, uint};
    use super::*;

    /// A Cluster named `name`, with this connect timeout (seconds, nanos) if any.
    pub fn cluster(name: &str, timeout: Option<(u64, u64)>) -> Vec<u8> {
        let mut out = Vec::new();
        bytes(1, name.as_bytes(), &mut out);
        if let Some((s, n)) = timeout {
            let mut d = Vec::new();
            uint(DURATION_SECONDS, s, &mut d);
            uint(DURATION_NANOS, n, &mut d);
            bytes(CLUSTER_CONNECT_TIMEOUT, &d, &mut out);
        }
        out
    }

    /// A Listener whose one filter chain holds an HTTP connection manager,
    /// with an access log in it or not, and with a listener access log or not.
    pub fn listener(name: &str, hcm_log: bool, listener_log: bool) -> Vec<u8> {
        let mut hcm = Vec::new();
        bytes(2, b"ingress", &mut hcm);
        if hcm_log {
            bytes(HCM_ACCESS_LOG, b"\x0a\x04file", &mut hcm);
        }
        let mut any = Vec::new();
        bytes(ANY_TYPE_URL, HCM_TYPE, &mut any);
        bytes(ANY_VALUE, &hcm, &mut any);
        let mut filter = Vec::new();
        bytes(1, b"hcm", &mut filter);
        bytes(FILTER_TYPED_CONFIG, &any, &mut filter);
        let mut chain = Vec::new();
        bytes(CHAIN_FILTERS, &filter, &mut chain);
        let mut out = Vec::new();
        bytes(1, name.as_bytes(), &mut out);
        bytes(LISTENER_FILTER_CHAINS, &chain, &mut out);
        if listener_log {
            bytes(LISTENER_ACCESS_LOG, b"\x0a\x04file", &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    const ON: ClusterRules = ClusterRules {
        require_connect_timeout: true,
        max_connect_timeout_ms: Some(5000),
    };
    const LOG: ListenerRules = ListenerRules {
        require_access_log: true,
    };

    #[test]
    fn clusters() {
        assert_eq!(check_cluster(&cluster("a", Some((1, 0))), &ON), Ok(()));
        assert_eq!(check_cluster(&cluster("a", Some((5, 0))), &ON), Ok(()));
        let none = check_cluster(&cluster("a", None), &ON).unwrap_err();
        assert!(none.contains("no connect_timeout"), "{none}");
        let long = check_cluster(&cluster("a", Some((5, 1_000_000))), &ON).unwrap_err();
        assert!(long.contains("5001 ms, over the 5000 ms"), "{long}");
        let zero = check_cluster(&cluster("a", Some((0, 0))), &ON).unwrap_err();
        assert!(zero.contains("0 ms"), "{zero}");
        let off = ClusterRules::default();
        assert_eq!(check_cluster(&cluster("a", None), &off), Ok(()));
        assert!(check_cluster(b"\x0a\x05ab", &ON)
            .unwrap_err()
            .contains("truncated"));
    }

    #[test]
    fn listeners() {
        assert_eq!(check_listener(&listener("l", true, false), &LOG), Ok(()));
        assert_eq!(check_listener(&listener("l", false, true), &LOG), Ok(()));
        let bad = check_listener(&listener("l", false, false), &LOG).unwrap_err();
        assert!(bad.contains("has no access log"), "{bad}");
        assert!(
            check_listener(b"\x0a\x01l", &LOG).is_err(),
            "no filter chain, no log"
        );
        let off = ListenerRules::default();
        assert_eq!(check_listener(&listener("l", false, false), &off), Ok(()));
    }
}
