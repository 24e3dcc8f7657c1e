//! Integers as decimal text, into a caller's buffer: a stream path that writes
//! a number into a header or a body allocates nothing.

/// Room for any u64 in decimal.
pub type DecimalBuf = [u8; 20];

/// `n` in decimal, written at the end of `buf`.
pub fn format_u64(mut n: u64, buf: &mut DecimalBuf) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_integers() {
        let mut buf = [0u8; 20];
        assert_eq!(format_u64(0, &mut buf), b"0");
        assert_eq!(format_u64(7, &mut buf), b"7");
        assert_eq!(format_u64(u64::MAX, &mut buf), b"18446744073709551615");
    }
}
