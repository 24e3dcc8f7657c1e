//! One connection's framing socket: reads parse frames into Envoy's read
//! buffer; writes take at most one frame's payload from Envoy's write buffer
//! at a time and drain it only once the whole frame is on the wire, so a
//! close that flushes Envoy's buffer never loses a frame in flight.

use super::frame::{header, Decoder, FrameError, HEADER_BYTES};
use envoy_dm_sdk::live;
use envoy_dm_sdk::transport_socket::{EnvoyTransportSocket, IoError, IoResult, TransportSocket};
use envoy_dm_sdk::LogLevel;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Most wire bytes one io_read asks for.
const READ_CHUNK: usize = 16 * 1024;

/// The filter's counts in lab_status.
#[derive(Clone, Copy)]
pub struct Counters {
    pub frames_in: &'static AtomicU64,
    pub frames_out: &'static AtomicU64,
    pub bytes_in: &'static AtomicU64,
    pub bytes_out: &'static AtomicU64,
    pub refused: &'static AtomicU64,
}

impl Counters {
    pub fn of(name: &'static str) -> Self {
        let c = |counter| live::counter("transport_socket", name, counter);
        Self {
            frames_in: c("frames_in"),
            frames_out: c("frames_out"),
            bytes_in: c("bytes_in"),
            bytes_out: c("bytes_out"),
            refused: c("refused"),
        }
    }
}

pub struct FramesSocket {
    max_frame_bytes: u32,
    decoder: Decoder,
    scratch: Vec<u8>,
    /// The frame being written (header and payload) and how much of it is out.
    out_frame: Vec<u8>,
    out_sent: usize,
    shut_down: bool,
    reason: String,
    counters: Counters,
}

impl FramesSocket {
    pub fn new(max_frame_bytes: u32, counters: Counters) -> Self {
        Self {
            max_frame_bytes,
            decoder: Decoder::new(max_frame_bytes),
            scratch: Vec::new(),
            out_frame: Vec::new(),
            out_sent: 0,
            shut_down: false,
            reason: String::new(),
            counters,
        }
    }

    /// Refuses the connection: the reason for Envoy, one line, one count.
    fn refuse<E: EnvoyTransportSocket>(&mut self, envoy: &E, error: FrameError) {
        self.reason = format!("ts_frames: {error}");
        self.counters.refused.fetch_add(1, Relaxed);
        let peer = envoy
            .remote_address()
            .map_or_else(String::new, |(ip, port)| format!(" from {ip}:{port}"));
        envoy_dm_sdk::log::log(
            LogLevel::Info,
            &format!("{}; connection{peer} closed", self.reason),
        );
    }

    fn frame_in_flight(&self) -> bool {
        self.out_sent < self.out_frame.len()
    }
}

impl<E: EnvoyTransportSocket> TransportSocket<E> for FramesSocket {
    fn do_read(&mut self, envoy: &mut E) -> IoResult {
        if self.scratch.is_empty() {
            self.scratch = vec![0; READ_CHUNK];
        }
        let mut total = 0u64;
        loop {
            let n = match envoy.io_read(&mut self.scratch) {
                Ok(0) => {
                    if let Err(error) = self.decoder.finish() {
                        self.refuse(envoy, error);
                        return IoResult::close(total);
                    }
                    let mut result = IoResult::keep_open(total);
                    result.end_stream_read = true;
                    return result;
                }
                Ok(n) => n,
                Err(IoError::Again) => break,
                Err(IoError::Error) => return IoResult::close(total),
            };
            let decoded = {
                let (decoder, scratch) = (&mut self.decoder, &self.scratch);
                decoder.feed(&scratch[..n], |payload| envoy.read_buffer_add(payload))
            };
            match decoded {
                Ok(d) => {
                    total += d.payload_bytes;
                    self.counters.frames_in.fetch_add(d.frames, Relaxed);
                    self.counters.bytes_in.fetch_add(d.payload_bytes, Relaxed);
                }
                Err(error) => {
                    self.refuse(envoy, error);
                    return IoResult::close(total);
                }
            }
            if envoy.should_drain_read_buffer() {
                // Envoy's buffer is full: come back for the rest.
                envoy.set_is_readable();
                break;
            }
        }
        IoResult::keep_open(total)
    }

    fn do_write(&mut self, envoy: &mut E, end_stream: bool) -> IoResult {
        let mut taken = 0u64;
        loop {
            if !self.frame_in_flight() {
                let available = envoy.write_buffer_length();
                if available == 0 {
                    break;
                }
                let len = available.min(self.max_frame_bytes as usize);
                // The payload stays in Envoy's buffer until the frame is out.
                let mut payload = std::mem::take(&mut self.scratch);
                envoy.write_buffer_copy(&mut payload, len);
                let len = payload.len();
                self.out_frame.clear();
                self.out_frame.reserve(HEADER_BYTES + len);
                self.out_frame.extend_from_slice(&header(len as u32));
                self.out_frame.extend_from_slice(&payload);
                self.scratch = payload;
                self.out_sent = 0;
            }
            match envoy.io_write(&self.out_frame[self.out_sent..]) {
                Ok(0) | Err(IoError::Again) => return IoResult::keep_open(taken),
                Ok(n) => self.out_sent += n,
                Err(IoError::Error) => return IoResult::close(taken),
            }
            if !self.frame_in_flight() {
                let len = self.out_frame.len() - HEADER_BYTES;
                envoy.write_buffer_drain(len);
                taken += len as u64;
                self.counters.frames_out.fetch_add(1, Relaxed);
                self.counters.bytes_out.fetch_add(len as u64, Relaxed);
            }
        }
        if end_stream && !self.shut_down && !self.frame_in_flight() {
            // Everything is out: the peer reads its end of stream.
            envoy.io_shutdown_write();
            self.shut_down = true;
        }
        IoResult::keep_open(taken)
    }

    fn failure_reason(&self) -> &str {
        &self.reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use envoy_dm_sdk::transport_socket::testing::FakeTransportSocket;
    use envoy_dm_sdk::transport_socket::PostIoAction;

    fn socket(max: u32) -> FramesSocket {
        FramesSocket::new(max, Counters::of("ts_frames_unit"))
    }

    /// Writes `data` through one socket and reads the wire through another.
    fn round_trip(data: &[u8], max: u32, write_room: Option<usize>) -> (Vec<u8>, Vec<u8>) {
        let mut sender = socket(max);
        let mut envoy = FakeTransportSocket {
            write_buffer: data.iter().copied().collect(),
            write_room,
            ..Default::default()
        };
        let mut taken = 0;
        for _ in 0..200_000 {
            let r = sender.do_write(&mut envoy, true);
            assert_eq!(r.action, PostIoAction::KeepOpen);
            taken += r.bytes_processed;
            if envoy.shut_down_write {
                break;
            }
            // The kernel drained some room.
            envoy.write_room = write_room;
        }
        assert!(envoy.shut_down_write, "half-closed once all was written");
        assert_eq!(taken, data.len() as u64);
        let wire = envoy.wire_out.clone();
        let mut receiver = socket(max);
        let mut peer = FakeTransportSocket {
            wire_in: wire.iter().copied().collect(),
            peer_closed: true,
            read_chunk: 7,
            ..Default::default()
        };
        let r = receiver.do_read(&mut peer);
        assert_eq!(r.action, PostIoAction::KeepOpen);
        assert!(r.end_stream_read);
        assert_eq!(r.bytes_processed, data.len() as u64);
        (wire, peer.read_buffer)
    }

    #[test]
    fn frames_split_and_rejoin_even_with_short_writes() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
        for room in [None, Some(1), Some(5), Some(4099)] {
            let (wire, read) = round_trip(&data, 4096, room);
            assert_eq!(read, data);
            // Every frame at most 4096 bytes, 25 frames in all.
            let mut rest = &wire[..];
            let mut frames = 0;
            while !rest.is_empty() {
                let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
                assert!((1..=4096).contains(&len));
                rest = &rest[4 + len..];
                frames += 1;
            }
            assert_eq!(frames, 25);
        }
    }

    #[test]
    fn an_empty_stream_is_just_a_half_close() {
        let (wire, read) = round_trip(b"", 16, None);
        assert!(wire.is_empty() && read.is_empty());
    }

    #[test]
    fn plaintext_is_refused_with_a_reason_and_nothing_passes() {
        let mut s = socket(16384);
        let mut envoy = FakeTransportSocket {
            wire_in: b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"
                .iter()
                .copied()
                .collect(),
            ..Default::default()
        };
        let r = s.do_read(&mut envoy);
        assert_eq!(r.action, PostIoAction::Close);
        assert!(envoy.read_buffer.is_empty());
        let reason = TransportSocket::<FakeTransportSocket>::failure_reason(&s);
        assert_eq!(
            reason,
            "ts_frames: frame header announces 1195725856 bytes, over max_frame_bytes 16384"
        );
    }

    #[test]
    fn a_stream_ending_inside_a_frame_closes() {
        let mut s = socket(16);
        let mut envoy = FakeTransportSocket {
            wire_in: [0u8, 0, 0, 9, b'a', b'b'].into_iter().collect(),
            peer_closed: true,
            ..Default::default()
        };
        let r = s.do_read(&mut envoy);
        assert_eq!(r.action, PostIoAction::Close);
        assert_eq!(envoy.read_buffer, b"ab");
        assert!(
            TransportSocket::<FakeTransportSocket>::failure_reason(&s).contains("inside a frame")
        );
    }

    #[test]
    fn a_full_read_buffer_stops_reading_and_asks_again() {
        let mut s = socket(16);
        let mut envoy = FakeTransportSocket {
            wire_in: [0u8, 0, 0, 1, b'a', 0, 0, 0, 1, b'b'].into_iter().collect(),
            read_chunk: 5,
            drain_read_buffer: true,
            ..Default::default()
        };
        let r = s.do_read(&mut envoy);
        assert_eq!((r.action, r.bytes_processed), (PostIoAction::KeepOpen, 1));
        assert_eq!(envoy.readable_requests, 1);
        envoy.drain_read_buffer = false;
        let r = s.do_read(&mut envoy);
        assert_eq!(r.bytes_processed, 1);
        assert_eq!(envoy.read_buffer, b"ab");
    }
}
