//! The certificate validator hooks' bodies. The SDK (`hooks.rs`) exports the
//! `#[no_mangle]` hooks, each calling one of these with the module's table,
//! and checks every definition against its declaration in the ABI crate.
//!
//! Fail closed: a panic while judging a chain is logged once and refuses that
//! handshake (alert `internal_error`); the next handshake is judged afresh, as
//! the configuration holds no per-handshake state a panic could have left
//! half-written. A panic in get_ssl_verify_mode answers "ask for a
//! certificate and fail a peer without one": never `SSL_VERIFY_NONE`, which
//! would switch the module's judgement off for that TLS context. A panic in
//! update_digest contributes no bytes (Envoy still hashes the validator's
//! name and config).
//!
//! The bodies are generic over the handle, so unit tests run them (and their
//! fail-closed paths) on the fake; the `unsafe fn`s only turn pointers back.

use super::filter::{SSL_VERIFY_FAIL_IF_NO_PEER_CERT, SSL_VERIFY_PEER};
use super::{
    CertValidatorConfig, ClientValidationStatus, EnvoyCertValidator,
    EnvoyCertValidatorConfigHandle, EnvoyCertValidatorHandle, Verdict,
};
use crate::abi::*;
use crate::barrier::guard;
use crate::barrier::in_phase;
use crate::config::{self, ConfigKind};
use crate::ffi::envoy_bytes;
use crate::kind_config::{self, FilterTable};
use crate::BoxError;

/// Builds one validator configuration from its `validator_config` bytes.
pub type NewCertValidatorConfig =
    fn(
        &mut EnvoyCertValidatorConfigHandle,
        &[u8],
    ) -> Result<Box<dyn CertValidatorConfig<EnvoyCertValidatorHandle>>, BoxError>;

/// The kind's name in log lines.
pub const KIND: &str = "cert validator";

/// This kind's configurations in refusals, panic lines and the live counts.
pub(crate) const CONFIG: ConfigKind = ConfigKind {
    noun: KIND,
    label: "cert_validator",
    creation: "config creation",
};

/// The TLS alert `internal_error` (RFC 8446, 6.2): what the peer of a
/// handshake whose judgement panicked gets.
pub const TLS_ALERT_INTERNAL_ERROR: u8 = 80;

/// The reason Envoy logs for a handshake whose judgement panicked.
pub const PANICKED: &str = "the certificate validator failed (panic); refused";

type Handle = EnvoyCertValidatorHandle;
type ConfigBox<H> = config::ConfigBox<dyn CertValidatorConfig<H>>;

/// # Safety
/// The arguments are those Envoy passed to cert_validator_config_new.
pub unsafe fn config_new(
    table: FilterTable<NewCertValidatorConfig>,
    config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    name: envoy_dynamic_module_type_envoy_buffer,
    config: envoy_dynamic_module_type_envoy_buffer,
) -> envoy_dynamic_module_type_cert_validator_config_module_ptr {
    // SAFETY: Envoy's config pointer for this running hook (the caller's contract).
    let mut envoy = unsafe { EnvoyCertValidatorConfigHandle::from_raw(config_envoy_ptr) };
    let find = |name: &str| kind_config::find(table, name);
    // SAFETY: Envoy lends both buffers for this call (the caller's contract).
    unsafe { config::create_box(CONFIG, name, config, find, &mut envoy) }
}

/// # Safety
/// `ptr` came from [`config_new`] and is released once.
pub unsafe fn config_destroy(ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr) {
    let what = |name| in_phase(KIND, name, "config destroy");
    // SAFETY: config_new's box, released once (the caller's contract).
    unsafe { config::destroy_box::<dyn CertValidatorConfig<Handle>>(ptr, what) };
}

/// # Safety
/// `config_ptr` came from [`config_new`]; the other arguments are those Envoy
/// passed to the running do_verify_cert_chain.
pub unsafe fn do_verify_cert_chain(
    config_envoy_ptr: envoy_dynamic_module_type_cert_validator_config_envoy_ptr,
    config_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    certs: *mut envoy_dynamic_module_type_envoy_buffer,
    certs_count: usize,
    host_name: envoy_dynamic_module_type_envoy_buffer,
    is_server: bool,
) -> envoy_dynamic_module_type_cert_validator_validation_result {
    // SAFETY: config_new's box, alive while TLS contexts use it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    // SAFETY: Envoy's pointer, live for this call (the caller's contract).
    let mut envoy = unsafe { Handle::from_raw(config_envoy_ptr) };
    let buffers: &[envoy_dynamic_module_type_envoy_buffer] = if certs.is_null() || certs_count == 0
    {
        &[]
    } else {
        // SAFETY: Envoy lends `certs_count` buffers for this call.
        unsafe { core::slice::from_raw_parts(certs, certs_count) }
    };
    // SAFETY: each buffer is Envoy's DER bytes, lent for this call.
    let chain: Vec<&[u8]> = buffers
        .iter()
        .map(|b| unsafe { envoy_bytes(b.ptr, b.length) })
        .collect();
    // SAFETY: as above.
    let host_name = unsafe { envoy_bytes(host_name.ptr, host_name.length) };
    to_abi(judge(config, &mut envoy, &chain, host_name, is_server))
}

/// The body of do_verify_cert_chain: the config's verdict, its reason handed
/// to Envoy; a refusal with `internal_error` when it panics.
pub(crate) fn judge<H: EnvoyCertValidator>(
    config: &ConfigBox<H>,
    envoy: &mut H,
    certs: &[&[u8]],
    host_name: &[u8],
    is_server: bool,
) -> Verdict {
    // Each judged chain counts as one instance in lab_status.
    let _live = crate::live::Instance::new(config.live.counts());
    let name = config.filter_name;
    let verdict = match guard(
        || in_phase(KIND, name, "do_verify_cert_chain"),
        || {
            config
                .config
                .do_verify_cert_chain(envoy, certs, host_name, is_server)
        },
    ) {
        Ok(verdict) => verdict,
        Err(_) => Verdict::Refused {
            detailed_status: ClientValidationStatus::Failed,
            tls_alert: Some(TLS_ALERT_INTERNAL_ERROR),
            error_details: PANICKED.to_string(),
        },
    };
    if let Verdict::Refused { error_details, .. } = &verdict {
        envoy.set_error_details(error_details);
    }
    verdict
}

fn detailed_to_abi(
    status: ClientValidationStatus,
) -> envoy_dynamic_module_type_cert_validator_client_validation_status {
    use envoy_dynamic_module_type_cert_validator_client_validation_status as S;
    match status {
        ClientValidationStatus::NotValidated => S::NotValidated,
        ClientValidationStatus::NoClientCertificate => S::NoClientCertificate,
        ClientValidationStatus::Validated => S::Validated,
        ClientValidationStatus::Failed => S::Failed,
    }
}

/// The verdict as Envoy reads it.
pub(crate) fn to_abi(
    verdict: Verdict,
) -> envoy_dynamic_module_type_cert_validator_validation_result {
    use envoy_dynamic_module_type_cert_validator_validation_status as Status;
    match verdict {
        Verdict::Accepted(detailed) => envoy_dynamic_module_type_cert_validator_validation_result {
            status: Status::Successful,
            detailed_status: detailed_to_abi(detailed),
            tls_alert: 0,
            has_tls_alert: false,
        },
        Verdict::Refused {
            detailed_status,
            tls_alert,
            ..
        } => envoy_dynamic_module_type_cert_validator_validation_result {
            status: Status::Failed,
            detailed_status: detailed_to_abi(detailed_status),
            tls_alert: tls_alert.unwrap_or(0),
            has_tls_alert: tls_alert.is_some(),
        },
    }
}

/// # Safety
/// `config_ptr` came from [`config_new`].
pub unsafe fn get_ssl_verify_mode(
    config_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    handshaker_provides_certificates: bool,
) -> core::ffi::c_int {
    // SAFETY: config_new's box, alive while TLS contexts use it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    verify_mode(config, handshaker_provides_certificates)
}

/// The body of get_ssl_verify_mode: the config's flags, or "ask and fail
/// without one" when it panics (never none: that would skip the module).
pub(crate) fn verify_mode<H: EnvoyCertValidator>(
    config: &ConfigBox<H>,
    handshaker_provides_certificates: bool,
) -> core::ffi::c_int {
    let name = config.filter_name;
    guard(
        || in_phase(KIND, name, "get_ssl_verify_mode"),
        || {
            config
                .config
                .get_ssl_verify_mode(handshaker_provides_certificates)
        },
    )
    .unwrap_or(SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT)
}

/// # Safety
/// `config_ptr` came from [`config_new`]; `out_data` is writable.
pub unsafe fn update_digest(
    config_ptr: envoy_dynamic_module_type_cert_validator_config_module_ptr,
    out_data: *mut envoy_dynamic_module_type_module_buffer,
) {
    // SAFETY: config_new's box, alive while TLS contexts use it.
    let config = unsafe { &*(config_ptr as *const ConfigBox<Handle>) };
    let bytes = digest(config);
    if !out_data.is_null() {
        // SAFETY: Envoy's writable out-parameter (the caller's contract); the
        // bytes are the config's own and live as long as it.
        unsafe {
            *out_data = envoy_dynamic_module_type_module_buffer {
                ptr: bytes.as_ptr().cast(),
                length: bytes.len(),
            }
        };
    }
}

/// The body of update_digest: the config's bytes, or none when it panics.
pub(crate) fn digest<H: EnvoyCertValidator>(config: &ConfigBox<H>) -> &[u8] {
    let name = config.filter_name;
    guard(
        || in_phase(KIND, name, "update_digest"),
        || config.config.update_digest(),
    )
    .unwrap_or(&[])
}

// The hook bodies on the fake: each fail-closed path. Needs the `testing` feature.
#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::cert_validator::testing::FakeCertValidator;
    use crate::log::take_logs;

    type Fake = FakeCertValidator;

    /// Accepts a chain whose leaf is `good`; panics on a leaf `boom`, and in
    /// every other hook when `broken`.
    struct Exact {
        broken: bool,
    }
    impl CertValidatorConfig<Fake> for Exact {
        fn do_verify_cert_chain(
            &self,
            _: &mut Fake,
            certs: &[&[u8]],
            _: &[u8],
            _: bool,
        ) -> Verdict {
            assert!(certs[0] != b"boom", "a bad chain");
            if certs[0] == b"good" {
                Verdict::accepted()
            } else {
                Verdict::refused("not good")
            }
        }
        fn get_ssl_verify_mode(&self, _: bool) -> i32 {
            assert!(!self.broken, "no mode");
            0
        }
        fn update_digest(&self) -> &[u8] {
            assert!(!self.broken, "no digest");
            b"exact"
        }
    }

    fn config(broken: bool) -> ConfigBox<Fake> {
        config::ConfigBox {
            filter_name: "exact",
            config: Box::new(Exact { broken }),
            live: crate::live::Config::new(crate::live::counts("cert_validator", "exact")),
        }
    }

    fn one_log(phase: &str) {
        let logs = take_logs();
        assert_eq!(logs.len(), 1, "{phase}: {logs:?}");
        let want = format!("cert validator 'exact' in {phase}: panicked");
        assert!(logs[0].1.contains(&want), "{}", logs[0].1);
    }

    #[test]
    fn a_panic_refuses_that_handshake_with_internal_error_and_the_next_is_judged() {
        crate::barrier::install_panic_hook();
        take_logs();
        let config = config(false);
        let mut envoy = Fake::default();
        let verdict = judge(&config, &mut envoy, &[b"boom"], b"", true);
        let abi = to_abi(verdict);
        assert_eq!(
            abi.status,
            envoy_dynamic_module_type_cert_validator_validation_status::Failed
        );
        assert_eq!((abi.has_tls_alert, abi.tls_alert), (true, 80));
        assert_eq!(envoy.error_details.as_deref(), Some(PANICKED));
        one_log("do_verify_cert_chain");
        let mut envoy = Fake::default();
        assert_eq!(
            judge(&config, &mut envoy, &[b"good"], b"", true),
            Verdict::accepted()
        );
        assert_eq!(envoy.error_details, None);
        let mut envoy = Fake::default();
        let refused = to_abi(judge(&config, &mut envoy, &[b"other"], b"", true));
        assert_eq!((refused.has_tls_alert, refused.tls_alert), (true, 42));
        assert_eq!(envoy.error_details.as_deref(), Some("not good"));
        assert!(take_logs().is_empty());
    }

    #[test]
    fn a_panicking_verify_mode_still_asks_for_a_certificate() {
        crate::barrier::install_panic_hook();
        take_logs();
        assert_eq!(verify_mode(&config(false), false), 0);
        assert_eq!(verify_mode(&config(true), false), 0x03);
        one_log("get_ssl_verify_mode");
    }

    #[test]
    fn a_panicking_digest_contributes_nothing() {
        crate::barrier::install_panic_hook();
        take_logs();
        assert_eq!(digest(&config(false)), b"exact");
        assert_eq!(digest(&config(true)), b"");
        one_log("update_digest");
    }
}
