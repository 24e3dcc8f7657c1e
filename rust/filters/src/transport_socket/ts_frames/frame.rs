//! The wire format of `ts_frames`: `[u32 big-endian length][payload]`, the
//! length between 1 and the configured maximum. A pure parser fed arbitrary
//! bytes (the fuzz target drives it): it hands payload bytes on as they
//! arrive and keeps only the 4 header bytes, so its memory is bounded
//! whatever a peer sends; a header announcing 0 or more than the maximum is
//! refused before any of its payload is read.

/// Bytes of a frame header.
pub const HEADER_BYTES: usize = 4;

/// The largest `max_frame_bytes` a config may set (16 MiB).
pub const LIMIT_FRAME_BYTES: u32 = 16 << 20;

/// Why a byte stream is not frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// A header announcing a zero-length frame (never written by the encoder).
    Empty,
    /// A header announcing more than the maximum (a plaintext client's first
    /// bytes read this way: `GET ` is 1,195,725,856).
    Oversized { announced: u32, max: u32 },
    /// The stream ended inside a frame.
    Truncated,
}

impl core::fmt::Display for FrameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => write!(f, "frame header announces 0 bytes"),
            Self::Oversized { announced, max } => write!(
                f,
                "frame header announces {announced} bytes, over max_frame_bytes {max}"
            ),
            Self::Truncated => write!(f, "stream ended inside a frame"),
        }
    }
}

/// The header of a frame of `len` payload bytes.
pub fn header(len: u32) -> [u8; HEADER_BYTES] {
    len.to_be_bytes()
}

/// What one [`Decoder::feed`] decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoded {
    /// Frames whose last byte arrived.
    pub frames: u64,
    /// Payload bytes handed on.
    pub payload_bytes: u64,
}

/// A streaming frame parser.
#[derive(Debug, Clone)]
pub struct Decoder {
    max: u32,
    header: [u8; HEADER_BYTES],
    header_len: usize,
    /// Payload bytes of the current frame still to come.
    remaining: u32,
    failed: Option<FrameError>,
}

impl Decoder {
    pub fn new(max: u32) -> Self {
        Self {
            max,
            header: [0; HEADER_BYTES],
            header_len: 0,
            remaining: 0,
            failed: None,
        }
    }

    /// Feeds wire bytes; `payload` gets each run of payload bytes, in order.
    /// After an error nothing more is decoded (the connection is done).
    pub fn feed<'a>(
        &mut self,
        mut input: &'a [u8],
        mut payload: impl FnMut(&'a [u8]),
    ) -> Result<Decoded, FrameError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let mut decoded = Decoded::default();
        while !input.is_empty() {
            if self.remaining == 0 {
                let take = (HEADER_BYTES - self.header_len).min(input.len());
                self.header[self.header_len..self.header_len + take]
                    .copy_from_slice(&input[..take]);
                self.header_len += take;
                input = &input[take..];
                if self.header_len < HEADER_BYTES {
                    break;
                }
                self.header_len = 0;
                let announced = u32::from_be_bytes(self.header);
                let error = match announced {
                    0 => Some(FrameError::Empty),
                    n if n > self.max => Some(FrameError::Oversized {
                        announced: n,
                        max: self.max,
                    }),
                    _ => None,
                };
                if let Some(error) = error {
                    self.failed = Some(error);
                    return Err(error);
                }
                self.remaining = announced;
                continue;
            }
            let take = (self.remaining as usize).min(input.len());
            payload(&input[..take]);
            decoded.payload_bytes += take as u64;
            self.remaining -= take as u32;
            input = &input[take..];
            if self.remaining == 0 {
                decoded.frames += 1;
            }
        }
        Ok(decoded)
    }

    /// The end of the stream: an error when it came inside a frame.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if self.remaining > 0 || self.header_len > 0 {
            self.failed = Some(FrameError::Truncated);
            return Err(FrameError::Truncated);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            out.extend_from_slice(&header(p.len() as u32));
            out.extend_from_slice(p);
        }
        out
    }

    #[test]
    fn decodes_frames_split_anywhere() {
        let wire = frames(&[b"hello", b" ", b"world"]);
        for split in 0..=wire.len() {
            let mut d = Decoder::new(16);
            let mut out = Vec::new();
            let a = d
                .feed(&wire[..split], |p| out.extend_from_slice(p))
                .unwrap();
            let b = d
                .feed(&wire[split..], |p| out.extend_from_slice(p))
                .unwrap();
            assert_eq!(out, b"hello world", "split at {split}");
            assert_eq!(a.frames + b.frames, 3);
            assert_eq!(a.payload_bytes + b.payload_bytes, 11);
            d.finish().unwrap();
        }
    }

    #[test]
    fn refuses_plaintext_before_any_payload() {
        let mut d = Decoder::new(16384);
        let mut out = Vec::new();
        let err = d
            .feed(b"GET / HTTP/1.1\r\n", |p| out.extend_from_slice(p))
            .unwrap_err();
        assert_eq!(
            err,
            FrameError::Oversized {
                announced: 0x47455420,
                max: 16384
            }
        );
        assert!(out.is_empty());
        // Stays refused.
        assert_eq!(d.feed(&frames(&[b"x"]), |_| ()).unwrap_err(), err);
    }

    #[test]
    fn refuses_empty_and_oversized_headers() {
        let mut d = Decoder::new(4);
        assert_eq!(
            d.feed(&[0, 0, 0, 0], |_| ()).unwrap_err(),
            FrameError::Empty
        );
        let mut d = Decoder::new(4);
        let err = d.feed(&[0, 0, 0, 5, 1, 2, 3, 4, 5], |_| ()).unwrap_err();
        assert_eq!(
            err,
            FrameError::Oversized {
                announced: 5,
                max: 4
            }
        );
        assert_eq!(
            err.to_string(),
            "frame header announces 5 bytes, over max_frame_bytes 4"
        );
    }

    #[test]
    fn a_stream_ending_inside_a_frame_is_truncated() {
        let mut d = Decoder::new(16);
        d.feed(&[0, 0, 0, 3, b'a'], |_| ()).unwrap();
        assert_eq!(d.finish().unwrap_err(), FrameError::Truncated);
        let mut d = Decoder::new(16);
        d.feed(&[0, 0], |_| ()).unwrap();
        assert_eq!(d.finish().unwrap_err(), FrameError::Truncated);
    }
}
