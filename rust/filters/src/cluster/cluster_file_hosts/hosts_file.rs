//! The hosts file of `cluster_file_hosts`: what it may say, parsed strictly.
//! Operators (or scripts) write it while Envoy reads it, so a half-written or
//! wrong file must be told apart from an intended one: anything but a
//! complete, valid list is refused as a whole.
//!
//! ```json
//! {"hosts": [{"address": "127.0.0.1:1271", "weight": 2}, {"address": "127.0.0.1:1272"}]}
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Envoy's limit for a host's load-balancing weight.
pub const MAX_WEIGHT: u32 = 128;
/// More hosts than this in one file is a mistake, not a cluster.
pub const MAX_HOSTS: usize = 1024;
/// A larger file is refused before the JSON parser sees it.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    hosts: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    address: String,
    #[serde(default = "one")]
    weight: u32,
}

fn one() -> u32 {
    1
}

/// The hosts a file names: `ip:port` (as Envoy prints it) to weight.
pub type Hosts = BTreeMap<String, u32>;

/// Parses a whole hosts file; Err says why in one line.
pub fn parse(bytes: &[u8]) -> Result<Hosts, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes is over the {MAX_FILE_BYTES}-byte limit",
            bytes.len()
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    let file: File = serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON: {e}"))?;
    if file.hosts.is_empty() {
        return Err("no hosts".into());
    }
    if file.hosts.len() > MAX_HOSTS {
        return Err(format!(
            "{} hosts is over the limit of {MAX_HOSTS}",
            file.hosts.len()
        ));
    }
    let mut hosts = Hosts::new();
    for (i, entry) in file.hosts.into_iter().enumerate() {
        let address: SocketAddr = entry
            .address
            .parse()
            .map_err(|_| format!("hosts[{i}].address {:?} is not ip:port", entry.address))?;
        if !(1..=MAX_WEIGHT).contains(&entry.weight) {
            return Err(format!(
                "hosts[{i}].weight must be 1 to {MAX_WEIGHT}, got {}",
                entry.weight
            ));
        }
        if hosts.insert(address.to_string(), entry.weight).is_some() {
            return Err(format!("hosts[{i}].address {address} is listed twice"));
        }
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file() {
        let hosts = parse(
            br#"{"hosts": [{"address": "127.0.0.1:1", "weight": 3}, {"address": "[::1]:2"}]}"#,
        )
        .unwrap();
        assert_eq!(hosts.get("127.0.0.1:1"), Some(&3));
        assert_eq!(hosts.get("[::1]:2"), Some(&1));
    }

    #[test]
    fn bad_files_say_why() {
        for (bytes, why) in [
            (&b""[..], "empty"),
            (b"  \n", "empty"),
            (b"{\"hosts\": [", "invalid JSON"),
            (b"{\"hosts\": []}", "no hosts"),
            (
                b"{\"hosts\": [{\"address\": \"localhost:1\"}]}",
                "is not ip:port",
            ),
            (
                b"{\"hosts\": [{\"address\": \"127.0.0.1:1\", \"weight\": 0}]}",
                "weight must be 1 to 128",
            ),
            (
                b"{\"hosts\": [{\"address\": \"127.0.0.1:1\", \"weight\": 129}]}",
                "got 129",
            ),
            (
                b"{\"hosts\": [{\"address\": \"127.0.0.1:1\"}, {\"address\": \"127.0.0.1:1\"}]}",
                "twice",
            ),
            (
                b"{\"hosts\": [{\"addr\": \"127.0.0.1:1\"}]}",
                "unknown field",
            ),
            (b"[1]", "invalid JSON"),
        ] {
            let error = parse(bytes).unwrap_err();
            assert!(
                error.contains(why),
                "{:?}: {error}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}
