//! Just enough of the protobuf wire format to read a few fields of a
//! Listener or a Cluster. The bytes come from the control plane (Envoy
//! re-serializes what it received), so every read is bounded by the input:
//! a truncated or malformed message is an error, never a panic or a loop.

/// One field of a message: its number and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    pub number: u32,
    pub value: Value<'a>,
}

/// A field's value by wire type (groups are refused: proto3 has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Why bytes are not a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireError {
    Truncated,
    BadVarint,
    BadWireType(u8),
    BadFieldNumber,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Truncated => write!(f, "truncated protobuf message"),
            Self::BadVarint => write!(f, "varint longer than 10 bytes"),
            Self::BadWireType(t) => write!(f, "unsupported wire type {t}"),
            Self::BadFieldNumber => write!(f, "field number 0"),
        }
    }
}

/// The fields of one message, in order.
pub struct Fields<'a> {
    rest: &'a [u8],
    failed: bool,
}

/// Reads `bytes` as one message's fields.
pub fn fields(bytes: &[u8]) -> Fields<'_> {
    Fields {
        rest: bytes,
        failed: false,
    }
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&byte, rest) = self.rest.split_first().ok_or(WireError::Truncated)?;
            self.rest = rest;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::BadVarint)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.rest.len() < n {
            return Err(WireError::Truncated);
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(taken)
    }

    fn field(&mut self) -> Result<Field<'a>, WireError> {
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| WireError::BadFieldNumber)?;
        if number == 0 {
            return Err(WireError::BadFieldNumber);
        }
        let value = match (key & 7) as u8 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().unwrap_or_default(),
            )),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| WireError::Truncated)?;
                Value::Bytes(self.take(len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().unwrap_or_default(),
            )),
            other => return Err(WireError::BadWireType(other)),
        };
        Ok(Field { number, value })
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<Field<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let field = self.field();
        self.failed = field.is_err();
        Some(field)
    }
}

/// Every length-delimited value of field `number` (a repeated message or a
/// string), in order.
pub fn all_bytes(bytes: &[u8], number: u32) -> Result<Vec<&[u8]>, WireError> {
    let mut out = Vec::new();
    for field in fields(bytes) {
        if let Field {
            number: n,
            value: Value::Bytes(b),
        } = field?
        {
            if n == number {
                out.push(b);
            }
        }
    }
    Ok(out)
}

/// The last length-delimited value of field `number` (proto3's rule for a
/// singular field seen twice), if any.
pub fn last_bytes(bytes: &[u8], number: u32) -> Result<Option<&[u8]>, WireError> {
    Ok(all_bytes(bytes, number)?.pop())
}

/// The last varint of field `number`, 0 when absent (proto3's default).
pub fn last_varint(bytes: &[u8], number: u32) -> Result<u64, WireError> {
    let mut out = 0;
    for field in fields(bytes) {
        if let Field {
            number: n,
            value: Value::Varint(v),
        } = field?
        {
            if n == number {
                out = v;
            }
        }
    }
    Ok(out)
}

/// Encoders for tests and the fuzz target's seeds.
pub mod encode {
    /// A varint.
    pub fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    /// A length-delimited field.
    pub fn bytes(number: u32, value: &[u8], out: &mut Vec<u8>) {
        varint(u64::from(number) << 3 | 2, out);
        varint(value.len() as u64, out);
        out.extend_from_slice(value);
    }

    /// A varint field.
    pub fn uint(number: u32, value: u64, out: &mut Vec<u8>) {
        varint(u64::from(number) << 3, out);
        varint(value, out);
    }
}

#[cfg(test)]
mod tests {
    use super::encode::*;
    use super::*;

    #[test]
    fn reads_fields_of_every_wire_type() {
        let mut m = Vec::new();
        uint(1, 300, &mut m);
        bytes(2, b"ab", &mut m);
        m.extend_from_slice(&[(3 << 3) | 1, 1, 0, 0, 0, 0, 0, 0, 0]);
        m.extend_from_slice(&[(4 << 3) | 5, 2, 0, 0, 0]);
        let got: Vec<_> = fields(&m).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            got.iter().map(|f| f.value).collect::<Vec<_>>(),
            vec![
                Value::Varint(300),
                Value::Bytes(b"ab"),
                Value::Fixed64(1),
                Value::Fixed32(2)
            ]
        );
        assert_eq!(last_varint(&m, 1), Ok(300));
        assert_eq!(last_bytes(&m, 2), Ok(Some(&b"ab"[..])));
        assert_eq!(last_bytes(&m, 9), Ok(None));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let mut long = Vec::new();
        bytes(2, b"abc", &mut long);
        long.pop();
        for (bad, why) in [
            (&long[..], WireError::Truncated),
            (&[0x80][..], WireError::Truncated),
            (&[0xff; 11][..], WireError::BadVarint),
            (&[(1 << 3) | 3][..], WireError::BadWireType(3)),
            (&[0][..], WireError::BadFieldNumber),
            (
                &[(1 << 3) | 2, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
                WireError::Truncated,
            ),
        ] {
            assert_eq!(fields(bad).find_map(Result::err), Some(why), "{bad:?}");
        }
    }
}
