//! The DNS reader and answer writer of udp_dns_gateway, against invariants:
//!
//! - reading a query never panics or loops (libFuzzer's timeout catches a
//!   loop), whatever compression pointers the packet has;
//! - a query it accepts has a name of at most 255 wire bytes in labels of
//!   1 to 63 bytes;
//! - the answer to an accepted query is itself readable, carries the query's
//!   id, the response bit and the question as asked, and exactly the
//!   configured addresses for type A;
//! - the gateway's decision is total: every datagram is answered, forwarded
//!   or dropped, and an answer fits in a classic 512-byte DNS message.

#![no_main]

use envoy_dm_sdk::udp::testing::FakeUdpConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::udp::udp_dns_gateway::dns_message::{
    answer, parse_query, read_answer, MAX_UDP_ANSWER, MAX_WIRE_NAME, TYPE_A,
};
use rust_module::udp::udp_dns_gateway::{Decision, DnsGatewayConfig};
use std::net::Ipv4Addr;
use std::sync::OnceLock;

const ADDRESSES: [Ipv4Addr; 3] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(10, 0, 0, 2),
    Ipv4Addr::new(192, 0, 2, 1),
];

fn gateway() -> &'static DnsGatewayConfig {
    static GATEWAY: OnceLock<DnsGatewayConfig> = OnceLock::new();
    GATEWAY.get_or_init(|| {
        let config = br#"{"records": {"a.lab.test": ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"]}}"#;
        DnsGatewayConfig::new(&mut FakeUdpConfig::default(), config).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(query) = parse_query(data) {
        let wire: usize = query.labels.iter().map(|l| l.len() + 1).sum::<usize>() + 1;
        assert!(wire <= MAX_WIRE_NAME, "{wire}");
        assert!(query.labels.iter().all(|l| (1..=63).contains(&l.len())));
        let reply = answer(&query, &ADDRESSES, 60);
        let (id, addrs) = read_answer(&reply).expect("an answer reads back");
        assert_eq!(id, query.id);
        assert_eq!(reply[2] & 0x80, 0x80, "the response bit");
        let again = parse_query(&{
            let mut r = reply.clone();
            r[2] &= 0x7f; // as a query again: the same question
            r
        })
        .expect("the answer's question reads back");
        assert_eq!(
            (again.labels, again.qtype),
            (query.labels.clone(), query.qtype)
        );
        if query.qtype == TYPE_A {
            assert_eq!(addrs, ADDRESSES);
        }
    }
    match gateway().decide(data) {
        Decision::Answer(reply) => {
            assert!(reply.len() <= MAX_UDP_ANSWER, "{} bytes", reply.len());
            assert_eq!(&reply[..2], &data[..2], "the id");
        }
        Decision::Forward => assert!(parse_query(data).is_ok()),
        Decision::Drop(why) => assert_eq!(parse_query(data).err(), Some(why)),
    }
});
