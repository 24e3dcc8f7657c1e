//! The upstream HTTP-to-TCP bridge's untrusted input: the bytes a Redis (or
//! whatever listens there) sends back, parsed by shared/resp.rs, and the
//! request that becomes a command. bridge_http_redis is fed a request (path
//! and body) and reply bytes in pieces of fuzzer-chosen sizes: it never
//! panics, answers at most once, and answers the same whether the reply
//! comes whole or in pieces. parse_reply never claims more bytes than it was
//! given, and every shorter prefix of a reply it accepts needs more bytes.
//!
//! Input: one byte of piece size, then the path, the body and the reply,
//! split at the first two NULs.

#![no_main]

use envoy_dm_sdk::upstream_http_tcp_bridge::testing::{FakeBridge, FakeBridgeConfig};
use envoy_dm_sdk::upstream_http_tcp_bridge::UpstreamHttpTcpBridgeConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::shared::resp::{parse_reply, Limits};
use rust_module::upstream_http_tcp_bridge::bridge_http_redis::RedisBridgeConfig;

const LIMITS: Limits = Limits {
    max_reply_bytes: 4096,
    max_depth: 8,
};
const CONFIG: &[u8] =
    br#"{"allow": ["GET", "SET", "MGET"], "max_body_bytes": 512, "max_reply_bytes": 4096}"#;

fn answer(
    config: &RedisBridgeConfig,
    path: &[u8],
    body: &[u8],
    reply: &[u8],
    piece: usize,
) -> FakeBridge {
    let path = String::from_utf8_lossy(path);
    let mut envoy = FakeBridge::request("POST", &path);
    if body.first() == Some(&b'[') {
        envoy = envoy.header("content-type", "application/json");
    }
    let mut bridge = config.new_bridge(&mut envoy);
    bridge.encode_headers(&mut envoy, body.is_empty());
    if !body.is_empty() {
        bridge.encode_data(&mut envoy, body, true);
    }
    let chunks: Vec<&[u8]> = reply.chunks(piece).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        bridge.on_upstream_data(&mut envoy, chunk, i + 1 == chunks.len());
    }
    assert!(envoy.responses.len() <= 1, "answered twice");
    envoy
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (path, body, reply) = (
        parts.next().unwrap_or(b""),
        parts.next().unwrap_or(b""),
        parts.next().unwrap_or(b""),
    );

    if let Ok(Some((_, used))) = parse_reply(reply, &LIMITS) {
        assert!(used <= reply.len());
        for cut in [0, used / 2, used.saturating_sub(1)] {
            if cut < used {
                assert_eq!(
                    parse_reply(&reply[..cut], &LIMITS),
                    Ok(None),
                    "prefix {cut} of {used}"
                );
            }
        }
    }

    let config = RedisBridgeConfig::new(&mut FakeBridgeConfig, CONFIG).unwrap();
    let whole = answer(&config, path, body, reply, reply.len().max(1));
    let pieces = answer(&config, path, body, reply, usize::from(piece % 16) + 1);
    assert_eq!(whole.upstream, pieces.upstream);
    // A reply cut short differs only in being answered or not yet.
    if let (Some(a), Some(b)) = (whole.responses.first(), pieces.responses.first()) {
        assert_eq!(a, b);
    }
});
