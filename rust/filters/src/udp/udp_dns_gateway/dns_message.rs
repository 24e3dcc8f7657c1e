//! The slice of DNS (RFC 1035) the UDP DNS gateway needs: read a query's
//! header and question, and write an answer of A records. Nothing is
//! allocated from a length the packet claims; names are bounded at 255 bytes.
//!
//! Compression loops are impossible by construction: the first pointer of a
//! name must point before itself, and every further one before the previous
//! one's target, so the targets strictly decrease and the walk ends within as
//! many jumps as the packet has bytes (and within 255 name bytes).

use std::net::Ipv4Addr;

pub const HEADER: usize = 12;
/// The longest name on the wire (RFC 1035 2.3.4), length bytes included.
pub const MAX_WIRE_NAME: usize = 255;
pub const TYPE_A: u16 = 1;
pub const TYPE_ANY: u16 = 255;
pub const CLASS_IN: u16 = 1;
/// A classic DNS/UDP message; answers are kept under it.
pub const MAX_UDP_ANSWER: usize = 512;

/// Why a datagram is not a query this module can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    ShortHeader,
    NotAQuery,
    NoQuestion,
    TruncatedName,
    NameTooLong,
    ForwardPointer,
    BadLabelType,
    TruncatedQuestion,
}

/// The parts of a query the gateway looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub id: u16,
    /// Opcode (0 is QUERY).
    pub opcode: u8,
    pub recursion_desired: bool,
    pub question_count: u16,
    /// The first question's labels, as sent (case kept).
    pub labels: Vec<Vec<u8>>,
    pub qtype: u16,
    pub qclass: u16,
}

impl Query {
    /// The name in the form config keys use: lowercase, dot-separated, no
    /// trailing dot; "." for the root.
    pub fn name(&self) -> String {
        if self.labels.is_empty() {
            return ".".into();
        }
        let parts: Vec<String> = self
            .labels
            .iter()
            .map(|l| String::from_utf8_lossy(l).to_ascii_lowercase())
            .collect();
        parts.join(".")
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

/// Reads the name at `start`; returns its labels and the offset after it in
/// the uncompressed stream.
pub fn read_name(data: &[u8], start: usize) -> Result<(Vec<Vec<u8>>, usize), Malformed> {
    let mut labels = Vec::new();
    let mut wire_len = 1; // the root's zero byte
    let mut at = start;
    let mut end = None; // offset after the name where it began, once a pointer was followed
    let mut bound = start; // every pointer target must be below this
    loop {
        let len = *data.get(at).ok_or(Malformed::TruncatedName)?;
        match len >> 6 {
            0b00 => {
                if len == 0 {
                    return Ok((labels, end.unwrap_or(at + 1)));
                }
                let len = usize::from(len);
                wire_len += 1 + len;
                if wire_len > MAX_WIRE_NAME {
                    return Err(Malformed::NameTooLong);
                }
                let label = data
                    .get(at + 1..at + 1 + len)
                    .ok_or(Malformed::TruncatedName)?;
                labels.push(label.to_vec());
                at += 1 + len;
            }
            0b11 => {
                let target =
                    usize::from(u16_at(data, at).ok_or(Malformed::TruncatedName)? & 0x3fff);
                // Strictly decreasing targets: no loop can form.
                if target >= bound.min(at) {
                    return Err(Malformed::ForwardPointer);
                }
                end.get_or_insert(at + 2);
                bound = target;
                at = target;
            }
            _ => return Err(Malformed::BadLabelType),
        }
    }
}

/// Reads a query's header and first question.
pub fn parse_query(data: &[u8]) -> Result<Query, Malformed> {
    if data.len() < HEADER {
        return Err(Malformed::ShortHeader);
    }
    let id = u16_at(data, 0).unwrap_or(0);
    let flags = u16_at(data, 2).unwrap_or(0);
    if flags & 0x8000 != 0 {
        return Err(Malformed::NotAQuery);
    }
    let question_count = u16_at(data, 4).unwrap_or(0);
    if question_count == 0 {
        return Err(Malformed::NoQuestion);
    }
    let (labels, after) = read_name(data, HEADER)?;
    let qtype = u16_at(data, after).ok_or(Malformed::TruncatedQuestion)?;
    let qclass = u16_at(data, after + 2).ok_or(Malformed::TruncatedQuestion)?;
    Ok(Query {
        id,
        opcode: ((flags >> 11) & 0x0f) as u8,
        recursion_desired: flags & 0x0100 != 0,
        question_count,
        labels,
        qtype,
        qclass,
    })
}

/// An authoritative answer to `query` with `addresses` as A records (none for
/// a type other than A or ANY: the name exists, the type does not). The
/// question is written back uncompressed, as asked; answers point to it.
pub fn answer(query: &Query, addresses: &[Ipv4Addr], ttl: u32) -> Vec<u8> {
    let wanted = matches!(query.qtype, TYPE_A | TYPE_ANY);
    let count = if wanted { addresses.len() } else { 0 };
    let mut out = Vec::with_capacity(MAX_UDP_ANSWER);
    out.extend_from_slice(&query.id.to_be_bytes());
    // QR, opcode 0, AA; RD as asked; RA (others are forwarded); RCODE 0.
    let mut flags: u16 = 0x8000 | 0x0400 | 0x0080;
    if query.recursion_desired {
        flags |= 0x0100;
    }
    out.extend_from_slice(&flags.to_be_bytes());
    for n in [1u16, count as u16, 0, 0] {
        out.extend_from_slice(&n.to_be_bytes());
    }
    for label in &query.labels {
        out.push(label.len() as u8);
        out.extend_from_slice(label);
    }
    out.push(0);
    out.extend_from_slice(&query.qtype.to_be_bytes());
    out.extend_from_slice(&query.qclass.to_be_bytes());
    for addr in addresses.iter().take(count) {
        out.extend_from_slice(&[0xc0, HEADER as u8]); // the question's name
        out.extend_from_slice(&TYPE_A.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&ttl.to_be_bytes());
        out.extend_from_slice(&4u16.to_be_bytes());
        out.extend_from_slice(&addr.octets());
    }
    out
}

/// A query for `name` (dot-separated) of `qtype`. For tests and fuzzing.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut out = id.to_be_bytes().to_vec();
    out.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out
}

/// The A records of an answer made by [`answer`]: (id, addresses). For tests.
pub fn read_answer(data: &[u8]) -> Option<(u16, Vec<Ipv4Addr>)> {
    let id = u16_at(data, 0)?;
    let count = u16_at(data, 6)?;
    let (_, mut at) = read_name(data, HEADER).ok()?;
    at += 4;
    let mut addresses = Vec::new();
    for _ in 0..count {
        let (_, after) = read_name(data, at).ok()?;
        let rdlength = usize::from(u16_at(data, after + 8)?);
        let rdata = data.get(after + 10..after + 10 + rdlength)?;
        if rdlength == 4 {
            addresses.push(Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]));
        }
        at = after + 10 + rdlength;
    }
    Some((id, addresses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_query_and_answers_it() {
        let q = parse_query(&build_query(7, "A.Lab.Test", TYPE_A)).unwrap();
        assert_eq!(q.name(), "a.lab.test");
        assert_eq!(
            (q.id, q.qtype, q.qclass, q.opcode),
            (7, TYPE_A, CLASS_IN, 0)
        );
        let addrs = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
        let a = answer(&q, &addrs, 60);
        assert_eq!(read_answer(&a), Some((7, addrs.to_vec())));
        // The question comes back as asked, case included.
        assert_eq!(&a[HEADER..HEADER + 4], b"\x01A\x03L");
    }

    #[test]
    fn other_types_get_no_records() {
        let q = parse_query(&build_query(1, "a.lab.test", 28)).unwrap();
        let a = answer(&q, &[Ipv4Addr::LOCALHOST], 60);
        assert_eq!(read_answer(&a), Some((1, vec![])));
    }

    #[test]
    fn compression_loops_and_forward_pointers_are_malformed() {
        let mut p = build_query(1, "", TYPE_A);
        p.truncate(HEADER);
        p.extend_from_slice(&[0xc0, HEADER as u8, 0, 1, 0, 1]); // points at itself
        assert_eq!(parse_query(&p), Err(Malformed::ForwardPointer));
        let mut p = build_query(1, "", TYPE_A);
        p.truncate(HEADER);
        p.extend_from_slice(&[0xc0, 0x20, 0, 1, 0, 1]); // points ahead
        assert_eq!(parse_query(&p), Err(Malformed::ForwardPointer));
        // A loop through a backward pointer: label at 12, pointer at 14 back to 12.
        let mut p = build_query(1, "", TYPE_A);
        p.truncate(HEADER);
        p.extend_from_slice(&[0x01, b'a', 0xc0, HEADER as u8, 0, 1, 0, 1]);
        assert_eq!(parse_query(&p), Err(Malformed::ForwardPointer));
    }

    #[test]
    fn truncated_and_oversized_names_are_malformed() {
        let full = build_query(1, "a.lab.test", TYPE_A);
        for n in 0..full.len() {
            assert!(parse_query(&full[..n]).is_err(), "prefix of {n}");
        }
        let long = vec!["a".repeat(63); 5].join(".");
        assert_eq!(
            parse_query(&build_query(1, &long, TYPE_A)),
            Err(Malformed::NameTooLong)
        );
        let mut p = build_query(1, "", TYPE_A);
        p.truncate(HEADER);
        p.push(0x40); // label type 01: reserved
        assert_eq!(parse_query(&p), Err(Malformed::BadLabelType));
        let mut response = build_query(1, "a", TYPE_A);
        response[2] |= 0x80;
        assert_eq!(parse_query(&response), Err(Malformed::NotAQuery));
    }
}
