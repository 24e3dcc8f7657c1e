//! W3C Trace Context headers (`traceparent`, `tracestate`): parsed from
//! untrusted requests, so every malformed value is a plain `None` (the
//! request then starts a new trace) and nothing here panics or allocates
//! more than the header's length.

/// The parsed `traceparent` of an incoming request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: u128,
    pub parent_id: u64,
    pub sampled: bool,
}

/// The length of a version-00 `traceparent`: `vv-<32 hex>-<16 hex>-ff`.
const LEN: usize = 55;
/// The longest `tracestate` a tracer must pass on.
pub const MAX_TRACESTATE: usize = 512;
const MAX_MEMBERS: usize = 32;

/// Parses `traceparent`. Version 00 must be exactly 55 bytes; a later version
/// may carry more after a `-` (the spec's forward compatibility); `ff`, upper
/// case hex and all-zero ids are refused.
pub fn parse(value: &[u8]) -> Option<TraceParent> {
    let value = trim(value);
    if value.len() < LEN || value[2] != b'-' || value[35] != b'-' || value[52] != b'-' {
        return None;
    }
    let version = hex(&value[0..2])? as u8;
    if version == 0xff || (version == 0 && value.len() != LEN) {
        return None;
    }
    if value.len() > LEN && value[LEN] != b'-' {
        return None;
    }
    let trace_id = hex(&value[3..35])?;
    let parent_id = hex(&value[36..52])? as u64;
    let flags = hex(&value[53..55])? as u8;
    if trace_id == 0 || parent_id == 0 {
        return None;
    }
    Some(TraceParent {
        trace_id,
        parent_id,
        sampled: flags & 1 == 1,
    })
}

/// The `traceparent` of a span: version 00, the sampled flag alone.
pub fn format(trace_id: u128, span_id: u64, sampled: bool) -> String {
    format!(
        "00-{trace_id:032x}-{span_id:016x}-{:02x}",
        u8::from(sampled)
    )
}

/// `tracestate` if it is one a tracer may pass on: at most 512 bytes of
/// printable ASCII, at most 32 list members, each `key=value`.
pub fn tracestate(value: &[u8]) -> Option<&str> {
    let value = trim(value);
    if value.is_empty() || value.len() > MAX_TRACESTATE {
        return None;
    }
    if !value.iter().all(|b| (0x20..0x7f).contains(b)) {
        return None;
    }
    let text = core::str::from_utf8(value).ok()?;
    let mut members = 0;
    for member in text.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let (key, val) = member.split_once('=')?;
        if key.is_empty() || val.is_empty() || key.contains(' ') {
            return None;
        }
        members += 1;
    }
    (members > 0 && members <= MAX_MEMBERS).then_some(text)
}

/// Lowercase hex digits to a number; None for anything else or over 32 digits.
fn hex(digits: &[u8]) -> Option<u128> {
    if digits.is_empty() || digits.len() > 32 {
        return None;
    }
    digits.iter().try_fold(0u128, |n, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            _ => return None,
        };
        Some(n << 4 | u128::from(v))
    })
}

fn trim(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &value[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &[u8] = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn parses_and_formats_back() {
        let p = parse(GOOD).unwrap();
        assert!(p.sampled);
        assert_eq!(p.parent_id, 0x00f067aa0ba902b7);
        assert_eq!(format(p.trace_id, p.parent_id, true).as_bytes(), GOOD);
        assert!(
            !parse(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .unwrap()
                .sampled
        );
    }

    #[test]
    fn refuses_what_the_spec_refuses() {
        for bad in [
            &b""[..],
            b"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            b"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            b"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xx",
            b"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            b"00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
            b"not-a-traceparent",
        ] {
            assert_eq!(parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        // A later version may carry more.
        assert!(parse(b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more").is_some());
    }

    #[test]
    fn tracestate_bounds() {
        assert_eq!(tracestate(b"a=1,b=2"), Some("a=1,b=2"));
        assert_eq!(tracestate(b"a"), None);
        assert_eq!(tracestate(b"a=\xff"), None);
        assert_eq!(tracestate(&vec![b'a'; 600]), None);
        let many: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
        assert_eq!(tracestate(many.join(",").as_bytes()), None);
    }
}
