//! The RESP parser of `network_redis` and the filter around it, against
//! invariants:
//!
//! - `parse_command` never panics; a command it finds is `1..=len` bytes, within
//!   `max_command_bytes`, found again from exactly its own bytes, and every
//!   strict prefix of it is `Incomplete` (so splitting across reads changes
//!   nothing);
//! - a command encoded from arbitrary arguments parses back whole, with its
//!   first argument as the name;
//! - `ReplyScanner` finds the same reply ends whether the stream comes whole or
//!   in two pieces;
//! - the filter, fed the bytes in pieces, forwards only whole commands, never a
//!   denied one, and answers each denied one exactly once;
//! - `parse_reply` (shared/resp.rs, what hc_redis_ping reads a server's answer
//!   with) never panics; a reply it finds is found again from exactly its own
//!   bytes, every strict prefix of it waits for more, and hc_redis_ping's
//!   judgement of it never panics; an encoded command parses back as an array
//!   of its arguments.

#![no_main]

use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};
use envoy_dm_sdk::network::NetworkFilterConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::health_checker::hc_redis_ping::judge;
use rust_module::network::network_redis::resp::{parse_command, Limits, Parsed, ReplyScanner};
use rust_module::network::network_redis::RedisConfig;
use rust_module::shared::resp::{self, encode_command, parse_reply, Reply};

/// What hc_redis_ping allows a reply.
const REPLY_LIMITS: resp::Limits = resp::Limits {
    max_reply_bytes: 64 * 1024,
    max_depth: 8,
};

const LIMITS: Limits = Limits {
    max_command_bytes: 4096,
    max_arguments: 64,
};
const DENIED: &[&[u8]] = &[b"FLUSHALL", b"KEYS"];
static CONFIG: std::sync::OnceLock<RedisConfig> = std::sync::OnceLock::new();

fn replies(pieces: &[&[u8]]) -> (Vec<usize>, bool) {
    let mut scanner = ReplyScanner::default();
    let (mut ends, mut base, mut ok) = (Vec::new(), 0, true);
    for piece in pieces {
        ok &= scanner.feed(piece, |end| ends.push(base + end)).is_ok();
        base += piece.len();
    }
    (ends, ok)
}

fuzz_target!(|data: &[u8]| {
    // 1. Whatever is at the front.
    if let Parsed::Command { len, name } = parse_command(data, &LIMITS) {
        assert!(len >= 1 && len <= data.len());
        if data[0] == b'*' {
            assert!(len <= LIMITS.max_command_bytes);
        }
        assert_eq!(
            parse_command(&data[..len], &LIMITS),
            Parsed::Command { len, name }
        );
        for cut in [0, len / 2, len - 1] {
            assert_eq!(
                parse_command(&data[..cut], &LIMITS),
                Parsed::Incomplete,
                "cut {cut} of {len}"
            );
        }
    }

    // 2. A well-formed command from arbitrary arguments.
    let args: Vec<&[u8]> = data.split(|&b| b == 0xff).take(8).collect();
    let encoded = encode_command(&args);
    if encoded.len() <= LIMITS.max_command_bytes {
        assert_eq!(
            parse_command(&encoded, &LIMITS),
            Parsed::Command {
                len: encoded.len(),
                name: args[0]
            }
        );
    }

    // 3. Reply boundaries do not depend on how the stream is cut.
    let cut = data.first().map_or(0, |&b| b as usize % (data.len() + 1));
    assert_eq!(replies(&[data]), replies(&[&data[..cut], &data[cut..]]));

    // 5. One reply, as a health check reads it (before the filter below,
    // which may stop early).
    if let Ok(Some((reply, len))) = parse_reply(data, &REPLY_LIMITS) {
        assert!(len >= 3 && len <= data.len());
        assert_eq!(
            parse_reply(&data[..len], &REPLY_LIMITS),
            Ok(Some((reply.clone(), len)))
        );
        for cut in [0, len / 2, len - 1] {
            assert_eq!(
                parse_reply(&data[..cut], &REPLY_LIMITS),
                Ok(None),
                "cut {cut} of {len}"
            );
        }
        let _ = judge(&reply, b"PONG");
    }
    let bulk: Vec<Reply> = args.iter().map(|a| Reply::Bulk(Some(a.to_vec()))).collect();
    assert_eq!(
        parse_reply(&encoded, &REPLY_LIMITS),
        Ok(Some((Reply::Array(Some(bulk)), encoded.len())))
    );

    // 4. The filter, fed in pieces of a size taken from the input.
    let config = CONFIG.get_or_init(|| {
        RedisConfig::new(
            &mut FakeNetworkConfig::default(),
            br#"{"denied_commands": ["flushall", "KEYS"], "max_command_bytes": 4096, "max_arguments": 64}"#,
        )
        .unwrap()
    });
    let mut conn = FakeConnection::new();
    let mut filter = config.new_network_filter(&mut conn);
    let step = 1 + data.get(1).map_or(0, |&b| b as usize % 64);
    let mut forwarded = Vec::new();
    for piece in data.chunks(step) {
        let n = conn.receive(piece);
        filter.on_read(&mut conn, n, false);
        forwarded.extend(conn.take_read());
    }
    let mut pos = 0;
    let mut denied_seen = 0;
    while pos < forwarded.len() {
        match parse_command(&forwarded[pos..], &LIMITS) {
            Parsed::Command { len, name } => {
                assert!(!name.is_empty(), "an empty command was forwarded");
                let upper = name.to_ascii_uppercase();
                assert!(
                    !DENIED.contains(&upper.as_slice()),
                    "{:?} was forwarded",
                    String::from_utf8_lossy(name)
                );
                pos += len;
            }
            other => panic!("forwarded bytes are not whole commands: {other:?}"),
        }
    }
    // Count the denied commands the client sent, up to where the filter stopped.
    let mut rest = data;
    while let Parsed::Command { len, name } = parse_command(rest, &LIMITS) {
        if DENIED.contains(&name.to_ascii_uppercase().as_slice()) {
            denied_seen += 1;
        }
        rest = &rest[len..];
    }
    let answers = conn
        .written
        .windows(18)
        .filter(|w| w == b"-ERR network_redis")
        .count();
    if conn.closed.is_none() {
        // Nothing is outstanding in the fake (no replies come back), so each
        // refusal after a forwarded command waits; none is answered twice.
        assert!(
            answers <= denied_seen,
            "{answers} answers for {denied_seen} denied commands"
        );
    }
    // The fake captures log lines in memory: drop them, so a run frees what it
    // allocates (libFuzzer runs a leak check after any run that does not).
    envoy_dm_sdk::testing::take_logs();
});
