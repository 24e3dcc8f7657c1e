//! The frame parser of `ts_frames` (transport socket) on the bytes a peer
//! sends, against invariants:
//!
//! - `Decoder::feed` never panics; it hands on at most as many payload bytes
//!   as it was fed, and the same bytes whether the stream comes whole or in
//!   two pieces (the same error too);
//! - once it refused a header it refuses everything after;
//! - the socket, fed the bytes through the fake, never puts more into Envoy's
//!   read buffer than the parser allows and closes exactly when the parser
//!   refuses;
//! - plaintext written through one socket (frames of at most `max`) reads
//!   back unchanged through another, whatever the kernel takes per write.

#![no_main]

use envoy_dm_sdk::transport_socket::testing::FakeTransportSocket;
use envoy_dm_sdk::transport_socket::{PostIoAction, TransportSocket};
use libfuzzer_sys::fuzz_target;
use rust_module::transport_socket::ts_frames::frame::{Decoder, FrameError};
use rust_module::transport_socket::ts_frames::socket::{Counters, FramesSocket};

fn decode(max: u32, parts: &[&[u8]]) -> (Vec<u8>, Option<FrameError>) {
    let mut decoder = Decoder::new(max);
    let mut out = Vec::new();
    for part in parts {
        if let Err(error) = decoder.feed(part, |p| out.extend_from_slice(p)) {
            return (out, Some(error));
        }
    }
    (out, None)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let max = u16::from_be_bytes([data[0], data[1]]) as u32 + 1;
    let room = data[2] as usize;
    let split = data[3] as usize;
    let wire = &data[4..];
    let split = split.min(wire.len());

    // Whole or in two pieces: the same bytes and the same verdict.
    let (whole, whole_err) = decode(max, &[wire]);
    let (pieces, pieces_err) = decode(max, &[&wire[..split], &wire[split..]]);
    assert!(whole.len() <= wire.len());
    assert_eq!(whole_err, pieces_err);
    assert_eq!(whole, pieces);

    // Refused once, refused for good.
    let mut decoder = Decoder::new(max);
    if decoder.feed(wire, |_| ()).is_err() {
        assert!(decoder.feed(&[0, 0, 0, 1, 0], |_| ()).is_err());
    }

    // The socket on the same bytes, read in small pieces.
    let counters = Counters::of("ts_frames_fuzz");
    let mut socket = FramesSocket::new(max, counters);
    let mut envoy = FakeTransportSocket {
        wire_in: wire.iter().copied().collect(),
        read_chunk: room.max(1),
        ..Default::default()
    };
    let result = socket.do_read(&mut envoy);
    assert_eq!(result.action == PostIoAction::Close, whole_err.is_some());
    assert_eq!(envoy.read_buffer, whole);

    // Plaintext through one socket and back through another.
    let mut sender = FramesSocket::new(max, counters);
    let mut out = FakeTransportSocket {
        write_buffer: wire.iter().copied().collect(),
        ..Default::default()
    };
    // At worst one byte a call: every payload byte and a 4-byte header each.
    for _ in 0..5 * wire.len() + 8 {
        out.write_room = Some(room.max(1));
        let r = sender.do_write(&mut out, true);
        assert_eq!(r.action, PostIoAction::KeepOpen);
        if out.shut_down_write {
            break;
        }
    }
    assert!(out.shut_down_write && out.write_buffer.is_empty());
    let (back, err) = decode(max, &[&out.wire_out]);
    assert_eq!(err, None);
    assert_eq!(back, wire);
});
