//! `network_redis`: follows the Redis protocol (RESP) between a client and a
//! Redis server, refuses configured commands without forwarding them, and
//! counts commands by name. Put it before `tcp_proxy` to the Redis cluster.
//!
//! Config (JSON; a StringValue, since Envoy turns Struct numbers into strings),
//! every field optional, unknown fields refused:
//! `{"denied_commands": ["FLUSHALL", "CONFIG", "KEYS"], "max_command_bytes": 1048576,
//!   "max_arguments": 1048576, "stat_prefix": "network_redis"}`
//!
//! Behaviour:
//! - commands may be pipelined and split across reads anyhow; each is forwarded
//!   whole, once all its bytes are here;
//! - a denied command (names compared without case) is answered
//!   `-ERR network_redis: command 'FLUSHALL' is not allowed` and never reaches
//!   Redis. The answer keeps its place among the replies: in a pipeline
//!   `GET a; FLUSHALL; GET b` the client reads GET a's reply, the error, then
//!   GET b's. (After SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE or MONITOR, Redis sends
//!   messages nobody asked for, so from then on an error is written at once.)
//! - every command counts in `{stat_prefix}.commands.{name}` (lowercase) when
//!   its name is one of Redis 7's commands, else in `{stat_prefix}.commands.other`
//!   (so a client cannot create stats by sending made-up names); refusals also
//!   count in `{stat_prefix}.refused`;
//! - bytes that are not RESP, a declared length over `max_command_bytes` or an
//!   argument count over `max_arguments` (checked before waiting for the bytes)
//!   get `-ERR Protocol error: ...` and the connection is closed, as Redis
//!   does; they count in `{stat_prefix}.protocol_errors`. Commands Redis ignores
//!   without a reply (`*0`, an empty line) are dropped.
//!
//! Memory per connection: at most `max_command_bytes` of an unfinished command,
//! plus one read of Envoy's buffer, plus up to 1024 queued refusals; the reply
//! scanner keeps at most a 64 KiB line and 128 nesting levels.

pub mod resp;

use self::resp::{parse_command, Limits, Parsed, ReplyScanner};
use envoy_dm_sdk::network::{
    CloseType, EnvoyNetworkFilter, EnvoyNetworkFilterConfig, NetworkFilter, NetworkFilterConfig,
    NetworkFilterStatus,
};
use envoy_dm_sdk::BoxError;
use envoy_dm_sdk::MetricId;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Redis 7.0's top-level command names (`COMMAND LIST`), sorted.
pub const KNOWN_COMMANDS: &str = "acl append asking auth bgrewriteaof bgsave bitcount bitfield \
bitfield_ro bitop bitpos blmove blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin client \
cluster command config copy dbsize debug decr decrby del discard dump echo eval eval_ro evalsha \
evalsha_ro exec exists expire expireat expiretime failover fcall fcall_ro flushall flushdb \
function geoadd geodist geohash geopos georadius georadius_ro georadiusbymember \
georadiusbymember_ro geosearch geosearchstore get getbit getdel getex getrange getset hdel hello \
hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hrandfield hscan hset hsetnx \
hstrlen hvals incr incrby incrbyfloat info keys lastsave latency lcs lindex linsert llen lmove \
lmpop lolwut lpop lpos lpush lpushx lrange lrem lset ltrim memory mget migrate module monitor \
move mset msetnx multi object persist pexpire pexpireat pexpiretime pfadd pfcount pfdebug \
pfmerge pfselftest ping psetex psubscribe psync pttl publish pubsub punsubscribe quit randomkey \
readonly readwrite rename renamenx replconf replicaof reset restore restore-asking role rpop \
rpoplpush rpush rpushx sadd save scan scard script sdiff sdiffstore select set setbit setex \
setnx setrange shutdown sinter sintercard sinterstore sismember slaveof slowlog smembers \
smismember smove sort sort_ro spop spublish srandmember srem sscan ssubscribe strlen subscribe \
substr sunion sunionstore sunsubscribe swapdb sync time touch ttl type unlink unsubscribe unwatch \
wait watch xack xadd xautoclaim xclaim xdel xgroup xinfo xlen xpending xrange xread xreadgroup \
xrevrange xsetid xtrim zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore \
zlexcount zmpop zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore \
zrank zrem zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex \
zrevrangebyscore zrevrank zscan zscore zunion zunionstore";

/// After these, Redis pushes messages that answer no command.
const UNTRACKED_AFTER: &[&[u8]] = &[b"SUBSCRIBE", b"PSUBSCRIBE", b"SSUBSCRIBE", b"MONITOR"];

pub const DEFAULT_MAX_COMMAND_BYTES: usize = 1 << 20;
/// Redis's own limit (proto-max-bulk-len) is 512 MiB.
pub const MAX_MAX_COMMAND_BYTES: usize = 512 << 20;
/// Redis's own limit for the arguments of one command.
pub const MAX_MAX_ARGUMENTS: usize = 1 << 20;
/// Refusals waiting for earlier replies, per connection.
pub const MAX_QUEUED_REFUSALS: usize = 1024;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    denied_commands: Vec<String>,
    #[serde(default = "default_max_command_bytes")]
    max_command_bytes: i64,
    #[serde(default = "default_max_arguments")]
    max_arguments: i64,
    #[serde(default = "default_prefix")]
    stat_prefix: String,
}

fn default_max_command_bytes() -> i64 {
    DEFAULT_MAX_COMMAND_BYTES as i64
}
fn default_max_arguments() -> i64 {
    MAX_MAX_ARGUMENTS as i64
}
fn default_prefix() -> String {
    "network_redis".into()
}

struct Shared {
    denied: HashSet<Vec<u8>>,
    limits: Limits,
    known: Vec<&'static str>,
    /// One counter per known command, then `other`.
    commands: Vec<MetricId>,
    refused: MetricId,
    protocol_errors: MetricId,
}

pub struct RedisConfig {
    shared: Arc<Shared>,
}

impl RedisConfig {
    pub fn new(envoy: &mut impl EnvoyNetworkFilterConfig, config: &[u8]) -> Result<Self, BoxError> {
        let s: Settings = if config.iter().all(u8::is_ascii_whitespace) {
            envoy_dm_sdk::parse_json(b"{}")?
        } else {
            envoy_dm_sdk::parse_json(config)?
        };
        let mut denied = HashSet::new();
        for (i, name) in s.denied_commands.iter().enumerate() {
            let ok = !name.is_empty()
                && name.len() <= 64
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-|.".contains(&b));
            if !ok {
                return Err(format!(
                    "denied_commands[{i}]: {name:?} is not a command name (1 to 64 of A-Za-z0-9_-|.)"
                )
                .into());
            }
            denied.insert(name.to_ascii_uppercase().into_bytes());
        }
        if !(1..=MAX_MAX_COMMAND_BYTES as i64).contains(&s.max_command_bytes) {
            return Err(format!(
                "max_command_bytes must be 1 to {MAX_MAX_COMMAND_BYTES}, got {}",
                s.max_command_bytes
            )
            .into());
        }
        if !(1..=MAX_MAX_ARGUMENTS as i64).contains(&s.max_arguments) {
            return Err(format!(
                "max_arguments must be 1 to {MAX_MAX_ARGUMENTS}, got {}",
                s.max_arguments
            )
            .into());
        }
        crate::shared::stat_prefix::check_stat_prefix(&s.stat_prefix)?;
        let p = &s.stat_prefix;
        let known: Vec<&'static str> = KNOWN_COMMANDS.split_ascii_whitespace().collect();
        let mut commands = Vec::with_capacity(known.len() + 1);
        for name in known.iter().copied().chain(["other"]) {
            commands.push(envoy.define_counter(&format!("{p}.commands.{name}"))?);
        }
        Ok(Self {
            shared: Arc::new(Shared {
                denied,
                limits: Limits {
                    max_command_bytes: s.max_command_bytes as usize,
                    max_arguments: s.max_arguments as usize,
                },
                known,
                commands,
                refused: envoy.define_counter(&format!("{p}.refused"))?,
                protocol_errors: envoy.define_counter(&format!("{p}.protocol_errors"))?,
            }),
        })
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilterConfig<E> for RedisConfig {
    fn new_network_filter(&self, _envoy: &mut E) -> Box<dyn NetworkFilter<E>> {
        Box::new(Redis {
            shared: Arc::clone(&self.shared),
            pending: Vec::new(),
            forwarded: 0,
            replies: 0,
            queued: VecDeque::new(),
            scanner: ReplyScanner::default(),
            tracking: true,
            closed: false,
        })
    }
}

pub struct Redis {
    shared: Arc<Shared>,
    /// The unfinished command at the end of what the client sent.
    pending: Vec<u8>,
    /// Commands sent to Redis, and replies seen coming back.
    forwarded: u64,
    replies: u64,
    /// Refusals to write once `replies` reaches the number with each.
    queued: VecDeque<(u64, Vec<u8>)>,
    scanner: ReplyScanner,
    /// Whether replies are being counted (see the module doc).
    tracking: bool,
    /// A protocol error closed the connection: nothing more is read.
    closed: bool,
}

/// The refusal a denied command gets.
pub fn refusal(name: &[u8]) -> Vec<u8> {
    let mut out = b"-ERR network_redis: command '".to_vec();
    out.extend(name.iter().map(u8::to_ascii_uppercase));
    out.extend_from_slice(b"' is not allowed\r\n");
    out
}

impl Redis {
    fn counter_for(&self, name: &[u8]) -> MetricId {
        let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
        let i = self
            .shared
            .known
            .binary_search(&lower.as_str())
            .unwrap_or(self.shared.known.len());
        self.shared.commands[i]
    }

    fn protocol_error(&mut self, envoy: &mut impl EnvoyNetworkFilter, why: &str) {
        self.closed = true;
        self.pending = Vec::new();
        envoy.increment_counter(self.shared.protocol_errors, 1);
        envoy_dm_sdk::envoy_log!(
            Debug,
            "network_redis: connection {}: protocol error: {why}",
            envoy.connection_id()
        );
        envoy.write(format!("-ERR Protocol error: {why}\r\n").as_bytes(), false);
        envoy.close(CloseType::FlushWrite, "network_redis_protocol_error");
    }

    fn stop_tracking(&mut self, envoy: &mut impl EnvoyNetworkFilter) {
        self.tracking = false;
        for (_, refusal) in std::mem::take(&mut self.queued) {
            envoy.write(&refusal, false);
        }
    }
}

impl<E: EnvoyNetworkFilter> NetworkFilter<E> for Redis {
    fn on_read(
        &mut self,
        envoy: &mut E,
        _data_length: usize,
        end_stream: bool,
    ) -> NetworkFilterStatus {
        let size = envoy.read_buffer_size();
        if !self.closed {
            for chunk in envoy.read_buffer_chunks() {
                self.pending.extend_from_slice(chunk);
            }
        }
        envoy.drain_read_buffer(size);
        if self.closed {
            return NetworkFilterStatus::StopIteration;
        }
        let shared = Arc::clone(&self.shared);
        let pending = std::mem::take(&mut self.pending);
        let mut forward = Vec::new();
        let mut pos = 0;
        while pos < pending.len() {
            let (len, name) = match parse_command(&pending[pos..], &shared.limits) {
                Parsed::Incomplete => break,
                Parsed::Error(why) => {
                    self.protocol_error(envoy, &why);
                    return NetworkFilterStatus::StopIteration;
                }
                Parsed::Command { len, name } => (len, name),
            };
            let command = &pending[pos..pos + len];
            pos += len;
            if name.is_empty() {
                continue;
            }
            envoy.increment_counter(self.counter_for(name), 1);
            let upper = name.to_ascii_uppercase();
            if shared.denied.contains(&upper) {
                envoy.increment_counter(shared.refused, 1);
                let answer = refusal(name);
                if !self.tracking || (self.replies >= self.forwarded && self.queued.is_empty()) {
                    envoy.write(&answer, false);
                } else if self.queued.len() == MAX_QUEUED_REFUSALS {
                    self.protocol_error(envoy, "too many refused commands waiting for replies");
                    return NetworkFilterStatus::StopIteration;
                } else {
                    self.queued.push_back((self.forwarded, answer));
                }
                continue;
            }
            forward.extend_from_slice(command);
            self.forwarded += 1;
            if self.tracking && UNTRACKED_AFTER.contains(&upper.as_slice()) {
                self.stop_tracking(envoy);
            }
        }
        self.pending = pending[pos..].to_vec();
        if self.pending.len() > shared.limits.max_command_bytes {
            let why = format!(
                "command is over the limit of {} bytes",
                shared.limits.max_command_bytes
            );
            self.protocol_error(envoy, &why);
            return NetworkFilterStatus::StopIteration;
        }
        if !forward.is_empty() {
            envoy.append_read_buffer(&forward);
        }
        if forward.is_empty() && !end_stream {
            NetworkFilterStatus::StopIteration
        } else {
            NetworkFilterStatus::Continue
        }
    }

    fn on_write(
        &mut self,
        envoy: &mut E,
        _data_length: usize,
        _end_stream: bool,
    ) -> NetworkFilterStatus {
        if !self.tracking {
            return NetworkFilterStatus::Continue;
        }
        // Where queued refusals go: (offset in the write buffer, bytes).
        let mut inserts: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut total = 0;
        let mut broken = false;
        for chunk in envoy.write_buffer_chunks() {
            let base = total;
            let (replies, queued) = (&mut self.replies, &mut self.queued);
            let fed = self.scanner.feed(chunk, |end| {
                *replies += 1;
                while queued.front().is_some_and(|(after, _)| *after <= *replies) {
                    let (_, bytes) = queued.pop_front().unwrap();
                    inserts.push((base + end, bytes));
                }
            });
            total += chunk.len();
            if fed.is_err() {
                broken = true;
                break;
            }
        }
        if broken {
            // Not RESP from the server: stop counting and let everything through.
            let total = envoy.write_buffer_size();
            inserts.extend(
                std::mem::take(&mut self.queued)
                    .into_iter()
                    .map(|(_, b)| (total, b)),
            );
            self.tracking = false;
        }
        if inserts.is_empty() {
            return NetworkFilterStatus::Continue;
        }
        let size = envoy.write_buffer_size();
        if inserts.iter().all(|(at, _)| *at == size) {
            for (_, bytes) in inserts {
                envoy.append_write_buffer(&bytes);
            }
            return NetworkFilterStatus::Continue;
        }
        let data = envoy.write_buffer_chunks().concat();
        let mut rebuilt =
            Vec::with_capacity(data.len() + inserts.iter().map(|(_, b)| b.len()).sum::<usize>());
        let mut from = 0;
        for (at, bytes) in inserts {
            rebuilt.extend_from_slice(&data[from..at]);
            rebuilt.extend_from_slice(&bytes);
            from = at;
        }
        rebuilt.extend_from_slice(&data[from..]);
        envoy.drain_write_buffer(data.len());
        envoy.append_write_buffer(&rebuilt);
        NetworkFilterStatus::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::resp::encode_command;
    use envoy_dm_sdk::network::testing::{FakeConnection, FakeNetworkConfig};

    fn redis(json: &str) -> (Redis, FakeNetworkConfig) {
        let mut envoy = FakeNetworkConfig::default();
        let config = RedisConfig::new(&mut envoy, json.as_bytes()).unwrap();
        let mut conn = FakeConnection::new();
        let filter = Redis {
            shared: config.shared.clone(),
            pending: Vec::new(),
            forwarded: 0,
            replies: 0,
            queued: VecDeque::new(),
            scanner: ReplyScanner::default(),
            tracking: true,
            closed: false,
        };
        let _ = NetworkFilterConfig::<FakeConnection>::new_network_filter(&config, &mut conn);
        (filter, envoy)
    }

    const DENY: &str = r#"{"denied_commands": ["flushall", "CONFIG", "KEYS"]}"#;

    #[test]
    fn bad_configs() {
        for (json, want) in [
            (r#"{"denied_commands": [""]}"#, "denied_commands[0]"),
            (r#"{"denied_commands": ["a b"]}"#, "is not a command name"),
            (r#"{"denied_commands": "KEYS"}"#, "invalid type"),
            (
                r#"{"max_command_bytes": 0}"#,
                "max_command_bytes must be 1 to",
            ),
            (r#"{"max_command_bytes": 99999999999}"#, "got 99999999999"),
            (r#"{"max_arguments": -1}"#, "max_arguments must be 1 to"),
            (r#"{"deny": []}"#, "unknown field `deny`"),
            ("[]", "expected a JSON object"),
        ] {
            let err = RedisConfig::new(&mut FakeNetworkConfig::default(), json.as_bytes())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
        assert!(RedisConfig::new(&mut FakeNetworkConfig::default(), b"").is_ok());
    }

    #[test]
    fn known_commands_are_sorted() {
        let known: Vec<_> = KNOWN_COMMANDS.split_ascii_whitespace().collect();
        assert!(known.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(known.len(), 240);
    }

    #[test]
    fn pipelined_commands_split_anyhow_are_forwarded_whole_and_counted() {
        let (mut f, cfg) = redis(DENY);
        let mut stream = encode_command(&[b"SET", b"k", b"v"]);
        stream.extend(encode_command(&[b"get", b"k"]));
        stream.extend(b"PING\r\n");
        let mut conn = FakeConnection::new();
        let mut forwarded = Vec::new();
        for piece in stream.chunks(3) {
            let n = conn.receive(piece);
            f.on_read(&mut conn, n, false);
            forwarded.extend(conn.take_read());
        }
        assert_eq!(forwarded, stream);
        assert!(conn.written.is_empty());
        for name in ["set", "get", "ping"] {
            let id = cfg.id(&format!("network_redis.commands.{name}")).unwrap().0;
            assert_eq!(conn.counters.get(&id), Some(&1), "{name}");
        }
    }

    #[test]
    fn a_denied_command_is_answered_in_its_place_and_never_forwarded() {
        let (mut f, cfg) = redis(DENY);
        let mut conn = FakeConnection::new();
        let mut stream = encode_command(&[b"GET", b"a"]);
        stream.extend(encode_command(&[b"FlushAll"]));
        stream.extend(encode_command(&[b"GET", b"b"]));
        let n = conn.receive(&stream);
        f.on_read(&mut conn, n, false);
        let mut want = encode_command(&[b"GET", b"a"]);
        want.extend(encode_command(&[b"GET", b"b"]));
        assert_eq!(conn.take_read(), want);
        assert!(conn.written.is_empty(), "waits for GET a's reply");
        // Redis answers both GETs in one write: the refusal goes between them.
        let n = conn.send(b"$1\r\nA\r\n$-1\r\n");
        f.on_write(&mut conn, n, false);
        assert_eq!(
            conn.take_write(),
            b"$1\r\nA\r\n-ERR network_redis: command 'FLUSHALL' is not allowed\r\n$-1\r\n".to_vec()
        );
        let refused = cfg.id("network_redis.refused").unwrap().0;
        assert_eq!(conn.counters.get(&refused), Some(&1));
        // With nothing outstanding, a refusal is written at once.
        let n = conn.receive(&encode_command(&[b"keys", b"*"]));
        f.on_read(&mut conn, n, false);
        assert!(conn.take_read().is_empty());
        assert_eq!(
            conn.written,
            b"-ERR network_redis: command 'KEYS' is not allowed\r\n".to_vec()
        );
    }

    #[test]
    fn absurd_lengths_close_the_connection_at_once() {
        for bad in [
            &b"*1\r\n$99999999999\r\n"[..],
            b"*2000000\r\n",
            b"NOT\x00RESP",
        ] {
            let (mut f, _) = redis(r#"{"max_command_bytes": 1024}"#);
            let mut conn = FakeConnection::new();
            let n = conn.receive(bad);
            f.on_read(&mut conn, n, false);
            if bad.starts_with(b"NOT") {
                // An inline command still waiting for its line end.
                assert!(conn.closed.is_none());
                continue;
            }
            assert!(
                conn.written.starts_with(b"-ERR Protocol error: "),
                "{:?}",
                String::from_utf8_lossy(&conn.written)
            );
            assert_eq!(conn.closed.as_ref().unwrap().0, CloseType::FlushWrite);
            assert!(conn.take_read().is_empty());
            // Nothing more is read.
            let n = conn.receive(b"PING\r\n");
            assert_eq!(
                f.on_read(&mut conn, n, false),
                NetworkFilterStatus::StopIteration
            );
            assert!(conn.take_read().is_empty());
        }
        // An unfinished command over the limit.
        let (mut f, _) = redis(r#"{"max_command_bytes": 1024}"#);
        let mut conn = FakeConnection::new();
        let n = conn.receive(&vec![b'x'; 2000]);
        f.on_read(&mut conn, n, false);
        assert!(conn.closed.is_some());
    }
}
