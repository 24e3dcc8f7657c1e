//! Every filter constructor without side effects, fed the same bytes as
//! filter_config. A constructor may refuse the bytes (an `Err` with a reason);
//! it must never panic, hang or run away with memory.
//!
//! Not here: `access_logger` (creates files and threads) and `fault_injection`
//! (panics on purpose).

#![no_main]

use envoy_dm_sdk::testing::FakeEnvoyConfig;
use libfuzzer_sys::fuzz_target;
use rust_module::http::{
    callout_auth::CalloutAuthConfig, delay::DelayConfig, header_auth::HeaderAuthConfig,
    header_mutation::HeaderMutationConfig, metrics::MetricsConfig, passthrough::PassthroughConfig,
    random_auth::RandomAuthConfig, zero_copy_regex_waf::WafConfig,
};

/// Regex compilation grows with the pattern; real patterns are short, and a
/// bound keeps every run quick.
const MAX_REGEX_CONFIG: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut envoy = FakeEnvoyConfig::default();

    let _ = PassthroughConfig::new(&mut envoy, data);

    let parsed = HeaderMutationConfig::parse(data);
    let made = HeaderMutationConfig::new(&mut envoy, data);
    match (&parsed, &made) {
        (Ok(rules), Ok(config)) => assert_eq!(*rules, *config.rules),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!(
            "parse and new disagree on {:?}",
            String::from_utf8_lossy(data)
        ),
    }

    let _ = RandomAuthConfig::new(&mut envoy, data);

    if data.len() <= MAX_REGEX_CONFIG {
        let _ = WafConfig::new(&mut envoy, data);
    }

    let _ = HeaderAuthConfig::new(&mut envoy, data);

    let before = envoy.defined.len();
    if MetricsConfig::new(&mut envoy, data).is_ok() {
        assert_eq!(
            envoy.defined.len(),
            before + 4,
            "metrics defines four metrics"
        );
    }

    let _ = DelayConfig::new(&mut envoy, data);

    let _ = CalloutAuthConfig::new(&mut envoy, data);
});
