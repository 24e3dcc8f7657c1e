//! A TLS ClientHello reader for the listener filters: the record header (is
//! this TLS at all?) and the server_name extension (RFC 6066), without
//! terminating TLS or allocating more than the name.
//!
//! Only the first record is read. RFC 8446 caps a record at 2^14 bytes, and a
//! ClientHello split over several records is legal but so rare that the SNI
//! router treats it as "no name" rather than buffer more.

/// The largest record payload TLS allows (RFC 8446 5.1).
pub const MAX_RECORD_PAYLOAD: usize = 1 << 14;
/// A record header: content type, legacy version, length.
pub const RECORD_HEADER: usize = 5;
/// The most bytes a ClientHello in one record can take, header included.
pub const MAX_CLIENT_HELLO_RECORD: usize = RECORD_HEADER + MAX_RECORD_PAYLOAD;
/// The longest DNS name, as the server_name host_name may carry.
pub const MAX_NAME: usize = 253;

const HANDSHAKE: u8 = 0x16;
const CLIENT_HELLO: u8 = 0x01;
const EXT_SERVER_NAME: u16 = 0x0000;
const HOST_NAME: u8 = 0x00;

/// What the first bytes of a connection say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hello {
    /// Too few bytes to decide: wait for more.
    NeedMore,
    /// Not a TLS handshake record.
    NotTls,
    /// A complete ClientHello that names this server (lowercased).
    ServerName(String),
    /// A complete ClientHello without a server_name (or one split over records).
    NoServerName,
    /// TLS-looking bytes that break the format; the reason is for counters and logs.
    Malformed(&'static str),
}

/// Whether the first bytes start a TLS handshake record: Some(true) TLS,
/// Some(false) not, None when fewer than 3 bytes leave it open.
pub fn looks_like_tls(data: &[u8]) -> Option<bool> {
    let expect: [fn(u8) -> bool; 3] = [|b| b == HANDSHAKE, |b| b == 0x03, |b| b <= 0x04];
    for (i, ok) in expect.iter().enumerate() {
        match data.get(i) {
            None => return None,
            Some(&b) if !ok(b) => return Some(false),
            Some(_) => {}
        }
    }
    Some(true)
}

/// A cursor over bytes that fails instead of panicking.
struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.data.len() {
            return None;
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn u24(&mut self) -> Option<usize> {
        self.take(3)
            .map(|b| (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]))
    }
    /// A vector with a `width`-byte length prefix.
    fn vec(&mut self, width: usize) -> Option<&'a [u8]> {
        let len = match width {
            1 => usize::from(self.u8()?),
            _ => usize::from(self.u16()?),
        };
        self.take(len)
    }
}

/// Reads a ClientHello from the first bytes of a connection. Deciding on a
/// prefix never differs from deciding on the whole: anything but NeedMore is
/// final, whatever bytes follow.
pub fn parse(data: &[u8]) -> Hello {
    match looks_like_tls(data) {
        None => return Hello::NeedMore,
        Some(false) => return Hello::NotTls,
        Some(true) => {}
    }
    if data.len() < RECORD_HEADER {
        return Hello::NeedMore;
    }
    let record_len = usize::from(u16::from_be_bytes([data[3], data[4]]));
    if record_len > MAX_RECORD_PAYLOAD {
        return Hello::Malformed("record longer than 2^14 bytes");
    }
    if record_len < 4 {
        return Hello::Malformed("record too short for a handshake header");
    }
    // The handshake header decides early, before the whole record is here.
    let fragment_so_far = &data[RECORD_HEADER..data.len().min(RECORD_HEADER + record_len)];
    if let Some(&t) = fragment_so_far.first() {
        if t != CLIENT_HELLO {
            return Hello::Malformed("first handshake message is not a ClientHello");
        }
    }
    if data.len() < RECORD_HEADER + record_len {
        return Hello::NeedMore;
    }
    let mut record = Reader {
        data: fragment_so_far,
    };
    let _ = record.u8();
    let Some(hello_len) = record.u24() else {
        return Hello::Malformed("truncated handshake header");
    };
    if hello_len > record.data.len() {
        // Continued in a next record: not read here.
        return Hello::NoServerName;
    }
    let Some(body) = record.take(hello_len) else {
        return Hello::Malformed("truncated ClientHello");
    };
    client_hello_body(body)
}

fn client_hello_body(body: &[u8]) -> Hello {
    let mut r = Reader { data: body };
    let fixed = r.take(2 + 32); // legacy_version, random
    let session_id = r.vec(1);
    let ciphers = r.vec(2);
    let compression = r.vec(1);
    let (Some(_), Some(session_id), Some(ciphers), Some(compression)) =
        (fixed, session_id, ciphers, compression)
    else {
        return Hello::Malformed("truncated ClientHello");
    };
    if session_id.len() > 32 {
        return Hello::Malformed("session id longer than 32 bytes");
    }
    if ciphers.is_empty() || ciphers.len() % 2 != 0 {
        return Hello::Malformed("bad cipher_suites length");
    }
    if compression.is_empty() {
        return Hello::Malformed("no compression methods");
    }
    if r.data.is_empty() {
        return Hello::NoServerName; // no extensions at all
    }
    let Some(extensions) = r.vec(2) else {
        return Hello::Malformed("truncated extensions");
    };
    if !r.data.is_empty() {
        return Hello::Malformed("bytes after the extensions");
    }
    let mut ext = Reader { data: extensions };
    let mut found = None;
    while !ext.data.is_empty() {
        let (Some(kind), Some(data)) = (ext.u16(), ext.vec(2)) else {
            return Hello::Malformed("truncated extension");
        };
        if kind != EXT_SERVER_NAME {
            continue;
        }
        if found.is_some() {
            return Hello::Malformed("two server_name extensions");
        }
        match server_name(data) {
            Ok(name) => found = Some(name),
            Err(why) => return Hello::Malformed(why),
        }
    }
    match found {
        Some(Some(name)) => Hello::ServerName(name),
        _ => Hello::NoServerName,
    }
}

/// The host_name of a server_name extension, if it has one.
fn server_name(data: &[u8]) -> Result<Option<String>, &'static str> {
    let mut r = Reader { data };
    let Some(list) = r.vec(2) else {
        return Err("truncated server_name list");
    };
    if !r.data.is_empty() {
        return Err("bytes after the server_name list");
    }
    let mut list = Reader { data: list };
    while !list.data.is_empty() {
        let (Some(kind), Some(name)) = (list.u8(), list.vec(2)) else {
            return Err("truncated server_name entry");
        };
        if kind == HOST_NAME {
            return valid_host_name(name).map(Some);
        }
    }
    Ok(None)
}

/// A host name as filter_chain_match.server_names compares it: lowercase
/// letters, digits, '-', '_' and '.', 1 to 253 bytes, no empty label.
fn valid_host_name(name: &[u8]) -> Result<String, &'static str> {
    let name = name.strip_suffix(b".").unwrap_or(name);
    if name.is_empty() || name.len() > MAX_NAME {
        return Err("server name empty or longer than 253 bytes");
    }
    if name
        .split(|&b| b == b'.')
        .any(|label| label.is_empty() || label.len() > 63)
    {
        return Err("server name has an empty or over-long label");
    }
    if !name
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err("server name has a byte outside letters, digits, '-', '_' and '.'");
    }
    Ok(String::from_utf8_lossy(name).to_ascii_lowercase())
}

/// A minimal, well-formed ClientHello record naming `name` (None: no
/// server_name extension). For tests and fuzzing.
pub fn build(name: Option<&[u8]>) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x42; 32]);
    body.push(0); // session id
    body.extend_from_slice(&[0x00, 0x02, 0x13, 0x01]); // one cipher suite
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    let mut extensions = Vec::new();
    // An unrelated extension first (supported_versions), as real clients send.
    extensions.extend_from_slice(&[0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04]);
    if let Some(name) = name {
        let entry_len = 3 + name.len();
        extensions.extend_from_slice(&EXT_SERVER_NAME.to_be_bytes());
        extensions.extend_from_slice(&((entry_len + 2) as u16).to_be_bytes());
        extensions.extend_from_slice(&(entry_len as u16).to_be_bytes());
        extensions.push(HOST_NAME);
        extensions.extend_from_slice(&(name.len() as u16).to_be_bytes());
        extensions.extend_from_slice(name);
    }
    body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    body.extend_from_slice(&extensions);
    let mut handshake = vec![CLIENT_HELLO];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![HANDSHAKE, 0x03, 0x01];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_server_name() {
        let hello = build(Some(b"A.Lab.Test"));
        assert_eq!(parse(&hello), Hello::ServerName("a.lab.test".into()));
        assert_eq!(parse(&build(None)), Hello::NoServerName);
    }

    #[test]
    fn reads_what_openssl_s_client_sends() {
        let with = include_bytes!("../../../fuzz/corpus/client_hello/openssl_sni_a");
        assert_eq!(parse(with), Hello::ServerName("a.lab.test".into()));
        let without = include_bytes!("../../../fuzz/corpus/client_hello/openssl_no_sni");
        assert_eq!(parse(without), Hello::NoServerName);
    }

    #[test]
    fn every_strict_prefix_needs_more() {
        let hello = build(Some(b"a.lab.test"));
        for n in 0..hello.len() {
            assert_eq!(parse(&hello[..n]), Hello::NeedMore, "prefix of {n}");
        }
    }

    #[test]
    fn plaintext_is_decided_on_the_first_byte() {
        assert_eq!(parse(b"G"), Hello::NotTls);
        assert_eq!(parse(b"GET / HTTP/1.1\r\n"), Hello::NotTls);
        assert_eq!(parse(&[0x16, 0x02]), Hello::NotTls);
        assert_eq!(looks_like_tls(&[0x16, 0x03]), None);
        assert_eq!(looks_like_tls(&[0x16, 0x03, 0x01]), Some(true));
    }

    #[test]
    fn oversized_and_broken_records_are_malformed() {
        assert!(matches!(
            parse(&[0x16, 0x03, 0x01, 0x40, 0x01]),
            Hello::Malformed(_)
        ));
        assert!(matches!(
            parse(&[0x16, 0x03, 0x01, 0xff, 0xff]),
            Hello::Malformed(_)
        ));
        assert!(matches!(
            parse(&[0x16, 0x03, 0x01, 0x00, 0x05, 0x02]),
            Hello::Malformed(_)
        ));
        let mut bad = build(Some(b"a b"));
        assert!(matches!(parse(&bad), Hello::Malformed(_)));
        // A handshake length past the record: continued elsewhere, not read.
        bad = build(Some(b"a.lab.test"));
        bad[6] = 0x7f;
        assert_eq!(parse(&bad), Hello::NoServerName);
    }

    #[test]
    fn a_name_too_long_or_with_empty_labels_is_refused() {
        let long = vec![b'a'; 254];
        assert!(matches!(parse(&build(Some(&long))), Hello::Malformed(_)));
        assert!(matches!(parse(&build(Some(b"a..b"))), Hello::Malformed(_)));
        assert!(matches!(parse(&build(Some(b""))), Hello::Malformed(_)));
        assert_eq!(
            parse(&build(Some(b"a.lab.test."))),
            Hello::ServerName("a.lab.test".into())
        );
    }
}
