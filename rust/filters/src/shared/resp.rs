//! RESP, the Redis protocol, as a client speaks it: encode a command, parse
//! one reply. What more than one filter needs is here; `network_redis` keeps
//! its own stream scanner.

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

/// One reply, borrowing the bytes it was parsed from (RESP2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<'a> {
    /// `+OK`
    Simple(&'a [u8]),
    /// `-ERR ...`
    Error(&'a [u8]),
    /// `:42`
    Integer(i64),
    /// `$3 foo`; None for the null bulk string `$-1`.
    Bulk(Option<&'a [u8]>),
    /// `*2 ...`; None for the null array `*-1`.
    Array(Option<Vec<Reply<'a>>>),
}

/// How deep arrays may nest in a reply before it is refused.
pub const MAX_DEPTH: usize = 8;
/// Redis's own limit for one bulk string (proto-max-bulk-len).
pub const MAX_BULK_BYTES: i64 = 512 * 1024 * 1024;

/// Parses the one reply at the front of `buf`: `Ok(Some((reply, length)))`,
/// `Ok(None)` while more bytes are needed, `Err` when the bytes are not RESP.
/// Declared lengths are never trusted: nothing is allocated for them.
pub fn parse_reply(buf: &[u8]) -> Result<Option<(Reply<'_>, usize)>, String> {
    parse_at(buf, 0, 0)
}

/// The line starting at `at` (without its CR LF) and where the next begins.
fn line(buf: &[u8], at: usize) -> Result<Option<(&[u8], usize)>, String> {
    let rest = &buf[at.min(buf.len())..];
    let Some(cr) = rest.iter().position(|&b| b == b'\r' || b == b'\n') else {
        return Ok(None);
    };
    if rest[cr] == b'\n' {
        return Err("LF without CR".into());
    }
    match rest.get(cr + 1) {
        None => Ok(None),
        Some(b'\n') => Ok(Some((&rest[..cr], at + cr + 2))),
        Some(_) => Err("CR without LF".into()),
    }
}

fn number(text: &[u8]) -> Result<i64, String> {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "{:?} is not a number",
            String::from_utf8_lossy(text)
        ));
    }
    // ASCII digits with an optional sign: valid UTF-8; 19 digits may still overflow.
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| "number out of range".to_string())
}

fn parse_at(buf: &[u8], at: usize, depth: usize) -> Result<Option<(Reply<'_>, usize)>, String> {
    let Some(&kind) = buf.get(at) else {
        return Ok(None);
    };
    let Some((text, next)) = line(buf, at + 1)? else {
        return Ok(None);
    };
    let reply = match kind {
        b'+' => (Reply::Simple(text), next),
        b'-' => (Reply::Error(text), next),
        b':' => (Reply::Integer(number(text)?), next),
        b'$' => match number(text)? {
            -1 => (Reply::Bulk(None), next),
            n if !(0..=MAX_BULK_BYTES).contains(&n) => return Err(format!("bulk length {n}")),
            n => {
                let end = next + n as usize;
                if buf.len() < end + 2 {
                    return Ok(None);
                }
                if &buf[end..end + 2] != b"\r\n" {
                    return Err("bulk string not followed by CR LF".into());
                }
                (Reply::Bulk(Some(&buf[next..end])), end + 2)
            }
        },
        b'*' => match number(text)? {
            -1 => (Reply::Array(None), next),
            n if n < 0 => return Err(format!("array length {n}")),
            _ if depth >= MAX_DEPTH => return Err(format!("arrays nested over {MAX_DEPTH} deep")),
            n => {
                let mut items = Vec::new();
                let mut pos = next;
                for _ in 0..n {
                    match parse_at(buf, pos, depth + 1)? {
                        Some((item, end)) => {
                            items.push(item);
                            pos = end;
                        }
                        None => return Ok(None),
                    }
                }
                (Reply::Array(Some(items)), pos)
            }
        },
        other => return Err(format!("unknown reply type {:?}", other as char)),
    };
    Ok(Some(reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_whole_and_wait_for_more() {
        let cases: [(&[u8], Reply); 7] = [
            (b"+PONG\r\n", Reply::Simple(b"PONG")),
            (
                b"-NOAUTH Authentication required.\r\n",
                Reply::Error(b"NOAUTH Authentication required."),
            ),
            (b":-7\r\n", Reply::Integer(-7)),
            (b"$4\r\nPO\r\n\r\n", Reply::Bulk(Some(b"PO\r\n"))),
            (b"$-1\r\n", Reply::Bulk(None)),
            (b"*-1\r\n", Reply::Array(None)),
            (
                b"*2\r\n$1\r\na\r\n*1\r\n:1\r\n",
                Reply::Array(Some(vec![
                    Reply::Bulk(Some(b"a")),
                    Reply::Array(Some(vec![Reply::Integer(1)])),
                ])),
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                parse_reply(bytes),
                Ok(Some((want, bytes.len()))),
                "{bytes:?}"
            );
            for cut in 0..bytes.len() {
                assert_eq!(
                    parse_reply(&bytes[..cut]),
                    Ok(None),
                    "{bytes:?} cut at {cut}"
                );
            }
        }
        let mut two = b"+OK\r\n".to_vec();
        two.extend_from_slice(b"+MORE\r\n");
        assert_eq!(parse_reply(&two), Ok(Some((Reply::Simple(b"OK"), 5))));
    }

    #[test]
    fn what_is_not_resp_is_an_error_without_allocating_declared_lengths() {
        for bad in [
            &b"HTTP/1.1 400 Bad Request\r\n"[..],
            b"+PONG\n",
            b"+PO\rNG\r\n",
            b":12a\r\n",
            b":\r\n",
            b"$-2\r\n",
            b"$99999999999999999999\r\n",
            b"$3\r\nabcd\r\n",
            b"*-5\r\n",
        ] {
            assert!(
                parse_reply(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // A huge declared array waits for its items; nothing is reserved for it.
        assert_eq!(parse_reply(b"*999999999\r\n:1\r\n"), Ok(None));
        let deep = b"*1\r\n".repeat(MAX_DEPTH + 1);
        assert!(parse_reply(&deep).is_err());
    }

    #[test]
    fn an_encoded_command_parses_back_as_an_array_of_bulk_strings() {
        let bytes = encode_command(&[b"PING", b""]);
        let want = Reply::Array(Some(vec![
            Reply::Bulk(Some(b"PING")),
            Reply::Bulk(Some(b"")),
        ]));
        assert_eq!(parse_reply(&bytes), Ok(Some((want, bytes.len()))));
    }
}
