//! RESP, the Redis protocol: just enough of it for `network_redis` to split a
//! client's byte stream into commands and a server's into replies, without
//! building values and without trusting any declared length.
//!
//! - [`parse_command`] finds the next whole command at the front of a buffer
//!   (RESP arrays of bulk strings, as every client library sends, or an inline
//!   command line, as `telnet` sends) and its name.
//! - [`ReplyScanner`] finds where each reply ends in a stream of server bytes,
//!   fed in any pieces, keeping only a bounded header line and a nesting stack.

/// Limits on one command: lengths are checked against them before any byte of
/// the payload is waited for, so `$9999999999` is refused at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_command_bytes: usize,
    pub max_arguments: usize,
}

/// Redis's own limit for one inline command line (PROTO_INLINE_MAX_SIZE).
pub const MAX_INLINE_BYTES: usize = 64 * 1024;
/// A `*N` or `$N` header line: a sign, at most 19 digits, CR LF.
const MAX_HEADER_LINE: usize = 32;

/// What is at the front of a client buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// A whole command of `len` bytes. `name` is its first argument as sent;
    /// empty for the empty commands Redis ignores without a reply (`*0`, an
    /// empty inline line).
    Command { len: usize, name: &'a [u8] },
    /// More bytes are needed.
    Incomplete,
    /// Not RESP, or over a limit: the stream cannot be followed any further.
    Error(String),
}

/// Reads a decimal header line starting at `at` (just after the type byte).
/// Ok(None) while the CR LF has not arrived.
fn header_number(buf: &[u8], at: usize) -> Result<Option<(i64, usize)>, String> {
    let rest = &buf[at.min(buf.len())..];
    let window = &rest[..rest.len().min(MAX_HEADER_LINE)];
    let Some(cr) = window.iter().position(|&b| b == b'\r') else {
        return if rest.len() >= MAX_HEADER_LINE {
            Err("length line too long".into())
        } else {
            Ok(None)
        };
    };
    if cr + 1 >= rest.len() {
        return Ok(None);
    }
    if rest[cr + 1] != b'\n' {
        return Err("expected LF after CR".into());
    }
    let digits = &rest[..cr];
    let text = std::str::from_utf8(digits).map_err(|_| "length is not a number".to_string())?;
    let ok = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .bytes()
            .all(|b| b.is_ascii_digit());
    let n: i64 = if ok { text.parse().ok() } else { None }
        .ok_or_else(|| format!("length {text:?} is not a number"))?;
    Ok(Some((n, at + cr + 2)))
}

/// Finds the next whole command at the front of `buf`.
pub fn parse_command<'a>(buf: &'a [u8], limits: &Limits) -> Parsed<'a> {
    match buf.first() {
        None => Parsed::Incomplete,
        Some(b'*') => parse_array(buf, limits),
        Some(_) => parse_inline(buf),
    }
}

fn parse_array<'a>(buf: &'a [u8], limits: &Limits) -> Parsed<'a> {
    let (count, mut pos) = match header_number(buf, 1) {
        Err(e) => return Parsed::Error(format!("invalid multibulk length: {e}")),
        Ok(None) => return Parsed::Incomplete,
        Ok(Some(v)) => v,
    };
    if count <= 0 {
        return Parsed::Command {
            len: pos,
            name: b"",
        };
    }
    if count as u64 > limits.max_arguments as u64 {
        return Parsed::Error(format!(
            "invalid multibulk length: {count} arguments is over the limit of {}",
            limits.max_arguments
        ));
    }
    let mut name: &[u8] = b"";
    for i in 0..count {
        match buf.get(pos) {
            None => return Parsed::Incomplete,
            Some(b'$') => {}
            Some(&other) => {
                return Parsed::Error(format!(
                    "expected '$', got '{}'",
                    (other as char).escape_default()
                ))
            }
        }
        let (len, start) = match header_number(buf, pos + 1) {
            Err(e) => return Parsed::Error(format!("invalid bulk length: {e}")),
            Ok(None) => return Parsed::Incomplete,
            Ok(Some(v)) => v,
        };
        if len < 0 {
            return Parsed::Error(format!("invalid bulk length: {len}"));
        }
        // Checked before waiting for the bytes: an absurd length is refused now.
        let end = (start as u64).saturating_add(len as u64).saturating_add(2);
        if end > limits.max_command_bytes as u64 {
            return Parsed::Error(format!(
                "command is over the limit of {} bytes",
                limits.max_command_bytes
            ));
        }
        let end = end as usize;
        if buf.len() < end {
            return Parsed::Incomplete;
        }
        if &buf[end - 2..end] != b"\r\n" {
            return Parsed::Error("bulk string not followed by CR LF".into());
        }
        if i == 0 {
            name = &buf[start..end - 2];
        }
        pos = end;
    }
    Parsed::Command { len: pos, name }
}

fn parse_inline(buf: &[u8]) -> Parsed<'_> {
    let window = &buf[..buf.len().min(MAX_INLINE_BYTES)];
    let Some(lf) = window.iter().position(|&b| b == b'\n') else {
        return if buf.len() >= MAX_INLINE_BYTES {
            Parsed::Error("too big inline request".into())
        } else {
            Parsed::Incomplete
        };
    };
    let line = &buf[..lf];
    let name = line
        .split(|b| b.is_ascii_whitespace())
        .find(|w| !w.is_empty())
        .unwrap_or(b"");
    Parsed::Command { len: lf + 1, name }
}

// -------------------------------------------------------------------- replies

/// Nesting deeper than this is not a Redis reply (Redis's own are a few deep).
pub const MAX_REPLY_DEPTH: usize = 128;
/// A simple-string, error or number line longer than this is not a Redis reply.
pub const MAX_REPLY_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a type byte and its line.
    Header,
    /// Skipping a bulk payload and its CR LF.
    Bulk(u64),
}

/// Finds reply boundaries in a server's byte stream, fed in any pieces.
#[derive(Debug)]
pub struct ReplyScanner {
    state: State,
    line: Vec<u8>,
    /// Elements still to come in each open aggregate, outermost first.
    open: Vec<u64>,
    /// The reply in progress is a RESP3 push or attribute, not an answer.
    out_of_band: bool,
    broken: bool,
}

impl Default for ReplyScanner {
    fn default() -> Self {
        Self {
            state: State::Header,
            line: Vec::new(),
            open: Vec::new(),
            out_of_band: false,
            broken: false,
        }
    }
}

impl ReplyScanner {
    /// Feeds the next bytes; calls `on_reply(end)` with the offset in `data`
    /// just past each reply that completes. Err once the stream is not RESP
    /// (then it stays broken).
    pub fn feed(&mut self, data: &[u8], mut on_reply: impl FnMut(usize)) -> Result<(), String> {
        if self.broken {
            return Err("reply stream already broken".into());
        }
        let mut i = 0;
        while i < data.len() {
            match self.state {
                State::Bulk(remaining) => {
                    let take = remaining.min((data.len() - i) as u64);
                    i += take as usize;
                    if take == remaining {
                        self.state = State::Header;
                        if self.element_done() {
                            on_reply(i);
                        }
                    } else {
                        self.state = State::Bulk(remaining - take);
                    }
                }
                State::Header => {
                    let rest = &data[i..];
                    match rest.iter().position(|&b| b == b'\n') {
                        None => {
                            self.push_line(rest)?;
                            i = data.len();
                        }
                        Some(lf) => {
                            self.push_line(&rest[..=lf])?;
                            i += lf + 1;
                            let line = std::mem::take(&mut self.line);
                            let done = self.header(&line);
                            self.line = line;
                            self.line.clear();
                            if done.map_err(|e| self.fail(e))? {
                                on_reply(i);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn fail(&mut self, why: String) -> String {
        self.broken = true;
        why
    }

    fn push_line(&mut self, bytes: &[u8]) -> Result<(), String> {
        if self.line.len() + bytes.len() > MAX_REPLY_LINE {
            return Err(self.fail(format!("reply line over {MAX_REPLY_LINE} bytes")));
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    /// Handles one header line (with its LF). True when a top-level reply ended.
    fn header(&mut self, line: &[u8]) -> Result<bool, String> {
        let body = line
            .strip_suffix(b"\r\n")
            .ok_or_else(|| "reply line not ended by CR LF".to_string())?;
        let (&kind, rest) = body
            .split_first()
            .ok_or_else(|| "empty reply line".to_string())?;
        let number = || -> Result<i64, String> {
            std::str::from_utf8(rest)
                .ok()
                .and_then(|t| t.parse::<i64>().ok())
                .ok_or_else(|| {
                    format!(
                        "reply length {:?} is not a number",
                        String::from_utf8_lossy(rest)
                    )
                })
        };
        if self.open.is_empty() {
            self.out_of_band = matches!(kind, b'>' | b'|');
        }
        match kind {
            b'+' | b'-' | b':' | b'_' | b'#' | b',' | b'(' => Ok(self.element_done()),
            b'$' | b'=' | b'!' => match number()? {
                -1 => Ok(self.element_done()),
                n if n >= 0 => {
                    self.state = State::Bulk(n as u64 + 2);
                    Ok(false)
                }
                n => Err(format!("invalid bulk length {n}")),
            },
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                let n = number()?;
                let n = if matches!(kind, b'%' | b'|') {
                    n.saturating_mul(2)
                } else {
                    n
                };
                if n <= 0 {
                    return Ok(self.element_done());
                }
                if self.open.len() == MAX_REPLY_DEPTH {
                    return Err(format!("replies nested over {MAX_REPLY_DEPTH} deep"));
                }
                self.open.push(n as u64);
                Ok(false)
            }
            other => Err(format!(
                "unknown reply type '{}'",
                (other as char).escape_default()
            )),
        }
    }

    /// One element finished; true when that finished a counted top-level reply.
    fn element_done(&mut self) -> bool {
        while let Some(last) = self.open.last_mut() {
            *last -= 1;
            if *last > 0 {
                return false;
            }
            self.open.pop();
        }
        !std::mem::take(&mut self.out_of_band)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::resp::encode_command;

    const LIMITS: Limits = Limits {
        max_command_bytes: 1024,
        max_arguments: 8,
    };

    #[test]
    fn commands() {
        let get = encode_command(&[b"GET", b"key"]);
        assert_eq!(
            parse_command(&get, &LIMITS),
            Parsed::Command {
                len: get.len(),
                name: b"GET"
            }
        );
        for cut in 0..get.len() {
            assert_eq!(
                parse_command(&get[..cut], &LIMITS),
                Parsed::Incomplete,
                "cut {cut}"
            );
        }
        let mut two = get.clone();
        two.extend_from_slice(b"PING\r\n");
        assert_eq!(
            parse_command(&two, &LIMITS),
            Parsed::Command {
                len: get.len(),
                name: b"GET"
            }
        );
        assert_eq!(
            parse_command(b"PING\r\n", &LIMITS),
            Parsed::Command {
                len: 6,
                name: b"PING"
            }
        );
        assert_eq!(
            parse_command(b"  set a b\n", &LIMITS),
            Parsed::Command {
                len: 10,
                name: b"set"
            }
        );
        assert_eq!(
            parse_command(b"\r\n", &LIMITS),
            Parsed::Command { len: 2, name: b"" }
        );
        assert_eq!(
            parse_command(b"*0\r\n", &LIMITS),
            Parsed::Command { len: 4, name: b"" }
        );
        assert_eq!(
            parse_command(b"*-1\r\n", &LIMITS),
            Parsed::Command { len: 5, name: b"" }
        );
    }

    #[test]
    fn absurd_lengths_are_refused_before_their_bytes() {
        for bad in [
            &b"*99999999999\r\n"[..],
            b"*9\r\n",
            b"*1\r\n$99999999999999999\r\n",
            b"*1\r\n$1021\r\n",
            b"*1\r\n$-5\r\n",
            b"*1\r\n$abc\r\n",
            b"*1\r\n:5\r\n",
            b"*1\r\n$1\r\nab\r\n",
            b"*99999999999999999999999999\r\n",
            b"*1\rx",
        ] {
            assert!(
                matches!(parse_command(bad, &LIMITS), Parsed::Error(_)),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(matches!(
            parse_command(&[b'x'; MAX_INLINE_BYTES], &LIMITS),
            Parsed::Error(_)
        ));
        assert_eq!(parse_command(&[b'x'; 100], &LIMITS), Parsed::Incomplete);
    }

    fn boundaries(pieces: &[&[u8]]) -> (Vec<usize>, bool) {
        let mut s = ReplyScanner::default();
        let mut ends = Vec::new();
        let mut base = 0;
        let mut ok = true;
        for p in pieces {
            ok &= s.feed(p, |e| ends.push(base + e)).is_ok();
            base += p.len();
        }
        (ends, ok)
    }

    #[test]
    fn replies_in_any_pieces() {
        let stream: &[u8] = b"+OK\r\n$5\r\nhello\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n$-1\r\n*0\r\n-ERR x\r\n%1\r\n+k\r\n+v\r\n>2\r\n+p\r\n+q\r\n_\r\n";
        let want = vec![5, 16, 35, 40, 44, 52, 64, 79];
        let (whole, ok) = boundaries(&[stream]);
        assert!(ok);
        assert_eq!(whole, want);
        for cut in 0..stream.len() {
            assert_eq!(
                boundaries(&[&stream[..cut], &stream[cut..]]),
                (want.clone(), true),
                "cut {cut}"
            );
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(boundaries(&bytes), (want, true));
    }

    #[test]
    fn not_resp_breaks_the_scanner() {
        assert!(!boundaries(&[b"HTTP/1.1 400 Bad Request\r\n"]).1);
        assert!(!boundaries(&[b"*-5x\r\n"]).1);
        let deep = "*1\r\n".repeat(MAX_REPLY_DEPTH + 1);
        assert!(!boundaries(&[deep.as_bytes()]).1);
    }
}
