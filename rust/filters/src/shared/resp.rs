//! RESP, the Redis protocol, as a client speaks it. What more than one filter
//! needs is here; `network_redis` keeps its own stream scanner.

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
