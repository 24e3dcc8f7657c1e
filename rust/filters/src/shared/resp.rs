//! RESP (the Redis protocol, version 2) as a client speaks it: a command
//! encoded as an array of bulk strings, and one reply parsed from the front
//! of the bytes a server sent so far. The bytes are untrusted: no declared
//! length or count is believed before it is checked against [`Limits`], and
//! nesting is bounded.

/// Bounds on one reply, checked before any byte of its payload is waited for.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest reply, in bytes (a bulk string or array declaring more is
    /// refused at once).
    pub max_reply_bytes: usize,
    /// The deepest nesting of arrays.
    pub max_depth: usize,
}

/// One reply, as values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `+OK`
    Simple(Vec<u8>),
    /// `-ERR ...`: the whole line, its code first.
    Error(Vec<u8>),
    /// `:42`
    Integer(i64),
    /// `$n` and its bytes; None for `$-1` (nil).
    Bulk(Option<Vec<u8>>),
    /// `*n` and its elements; None for `*-1` (nil).
    Array(Option<Vec<Reply>>),
}

/// Why the bytes are not a reply (the stream cannot be followed any further).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RespError(pub String);

impl std::fmt::Display for RespError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RespError {}

/// A simple-string, error or number line longer than this is not a reply.
const MAX_LINE: usize = 64 * 1024;

/// Parses one reply from the front of `buf`: `Ok(Some((reply, used)))` with
/// the bytes it took, `Ok(None)` when more bytes are needed.
pub fn parse_reply(buf: &[u8], limits: &Limits) -> Result<Option<(Reply, usize)>, RespError> {
    Parser { buf, limits }.reply(0, 0)
}

/// Encodes a command as a RESP array of bulk strings, as client libraries do.
pub fn encode_command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

struct Parser<'a> {
    buf: &'a [u8],
    limits: &'a Limits,
}

type Step<T> = Result<Option<(T, usize)>, RespError>;

fn error<T>(why: impl Into<String>) -> Result<T, RespError> {
    Err(RespError(why.into()))
}

impl Parser<'_> {
    /// The line starting at `at`, without its CR LF, and where the next starts.
    fn line(&self, at: usize) -> Step<&[u8]> {
        let rest = &self.buf[at.min(self.buf.len())..];
        let window = &rest[..rest.len().min(MAX_LINE + 2)];
        match window.iter().position(|&b| b == b'\n') {
            None if rest.len() > MAX_LINE + 1 => error("reply line too long"),
            None => Ok(None),
            Some(0) => error("expected CR before LF"),
            Some(lf) if window[lf - 1] != b'\r' => error("expected CR before LF"),
            Some(lf) => Ok(Some((&rest[..lf - 1], at + lf + 1))),
        }
    }

    fn number(line: &[u8]) -> Result<i64, RespError> {
        let text = std::str::from_utf8(line).unwrap_or("");
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return error(format!(
                "{:?} is not a number",
                String::from_utf8_lossy(line)
            ));
        }
        text.parse()
            .map_err(|_| RespError(format!("{text:?} is out of range")))
    }

    fn reply(&self, at: usize, depth: usize) -> Step<Reply> {
        let Some(&kind) = self.buf.get(at) else {
            return Ok(None);
        };
        let Some((line, next)) = self.line(at + 1)? else {
            return Ok(None);
        };
        match kind {
            b'+' => Ok(Some((Reply::Simple(line.to_vec()), next))),
            b'-' => Ok(Some((Reply::Error(line.to_vec()), next))),
            b':' => Ok(Some((Reply::Integer(Self::number(line)?), next))),
            b'$' => self.bulk(Self::number(line)?, next),
            b'*' => self.array(Self::number(line)?, next, depth),
            other => error(format!(
                "unexpected type byte '{}'",
                (other as char).escape_default()
            )),
        }
    }

    fn bulk(&self, len: i64, start: usize) -> Step<Reply> {
        if len == -1 {
            return Ok(Some((Reply::Bulk(None), start)));
        }
        if len < 0 {
            return error(format!("invalid bulk length {len}"));
        }
        // Checked before waiting for the bytes: an absurd length fails now.
        let end = (start as u64).saturating_add(len as u64).saturating_add(2);
        if end > self.limits.max_reply_bytes as u64 {
            return error(format!(
                "reply is over the limit of {} bytes",
                self.limits.max_reply_bytes
            ));
        }
        let end = end as usize;
        if self.buf.len() < end {
            return Ok(None);
        }
        if &self.buf[end - 2..end] != b"\r\n" {
            return error("bulk string not followed by CR LF");
        }
        Ok(Some((
            Reply::Bulk(Some(self.buf[start..end - 2].to_vec())),
            end,
        )))
    }

    fn array(&self, count: i64, mut at: usize, depth: usize) -> Step<Reply> {
        if count == -1 {
            return Ok(Some((Reply::Array(None), at)));
        }
        if count < 0 {
            return error(format!("invalid array length {count}"));
        }
        if depth + 1 > self.limits.max_depth {
            return error(format!(
                "arrays nested deeper than {}",
                self.limits.max_depth
            ));
        }
        // Every element takes at least 3 bytes ("+\r\n").
        if (count as u64).saturating_mul(3) > self.limits.max_reply_bytes as u64 {
            return error(format!(
                "reply is over the limit of {} bytes",
                self.limits.max_reply_bytes
            ));
        }
        let mut items = Vec::with_capacity((count as usize).min(1024));
        for _ in 0..count {
            let Some((item, next)) = self.reply(at, depth + 1)? else {
                return Ok(None);
            };
            items.push(item);
            at = next;
        }
        Ok(Some((Reply::Array(Some(items)), at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_reply_bytes: 1024,
        max_depth: 4,
    };

    fn parse(bytes: &[u8]) -> Result<Option<(Reply, usize)>, RespError> {
        parse_reply(bytes, &LIMITS)
    }

    #[test]
    fn each_type_and_the_bytes_it_used() {
        let bulk = |b: &[u8]| Reply::Bulk(Some(b.to_vec()));
        let cases: Vec<(&[u8], Reply)> = vec![
            (b"+OK\r\n", Reply::Simple(b"OK".to_vec())),
            (b"-ERR no\r\n", Reply::Error(b"ERR no".to_vec())),
            (b":-42\r\n", Reply::Integer(-42)),
            (b"$3\r\na\r\n\r\n", bulk(b"a\r\n")),
            (b"$0\r\n\r\n", bulk(b"")),
            (b"$-1\r\n", Reply::Bulk(None)),
            (b"*-1\r\n", Reply::Array(None)),
            (b"*0\r\n", Reply::Array(Some(vec![]))),
            (
                b"*2\r\n$1\r\nx\r\n*1\r\n:1\r\n",
                Reply::Array(Some(vec![
                    bulk(b"x"),
                    Reply::Array(Some(vec![Reply::Integer(1)])),
                ])),
            ),
        ];
        for (bytes, want) in cases {
            let mut more = bytes.to_vec();
            more.extend_from_slice(b"+NEXT\r\n");
            assert_eq!(parse(&more).unwrap(), Some((want, bytes.len())));
        }
    }

    #[test]
    fn every_prefix_needs_more() {
        let whole = b"*3\r\n$5\r\nhello\r\n:7\r\n*1\r\n+OK\r\n";
        for cut in 0..whole.len() {
            assert_eq!(parse(&whole[..cut]).unwrap(), None, "cut at {cut}");
        }
        assert!(parse(whole).unwrap().is_some());
    }

    #[test]
    fn lies_are_refused_before_waiting() {
        for bad in [
            &b"$99999999999\r\n"[..],
            b"$2000\r\n",
            b"*1000\r\n",
            b"$-2\r\n",
            b"*-5\r\n",
            b":12a\r\n",
            b":99999999999999999999\r\n",
            b"$3\r\nabcXY",
            b"!3\r\n",
            b"+OK\n",
            b"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn encodes_a_command() {
        assert_eq!(
            encode_command(&[b"SET", b"k", b"a b"]),
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n"
        );
        let (reply, _) = parse(&encode_command(&[b"x"])).unwrap().unwrap();
        assert_eq!(
            reply,
            Reply::Array(Some(vec![Reply::Bulk(Some(b"x".to_vec()))]))
        );
    }
}
