//! The trait a certificate validator implements, and its verdict on a chain.

use super::EnvoyCertValidator;

/// BoringSSL's `SSL_VERIFY_PEER`: ask the peer for a certificate and judge it.
pub const SSL_VERIFY_PEER: i32 = 0x01;
/// BoringSSL's `SSL_VERIFY_FAIL_IF_NO_PEER_CERT`: a peer without one fails.
pub const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: i32 = 0x02;
/// The TLS alert `bad_certificate` (RFC 8446, 6.2).
pub const TLS_ALERT_BAD_CERTIFICATE: u8 = 42;

/// What Envoy records about the peer's certificate on the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientValidationStatus {
    NotValidated,
    NoClientCertificate,
    Validated,
    Failed,
}

/// The verdict on one chain: accepted, or refused with the TLS alert the peer
/// gets and the reason Envoy logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accepted(ClientValidationStatus),
    Refused {
        detailed_status: ClientValidationStatus,
        /// None lets Envoy choose the alert.
        tls_alert: Option<u8>,
        error_details: String,
    },
}

impl Verdict {
    /// The chain is accepted and the peer counts as validated.
    pub fn accepted() -> Self {
        Self::Accepted(ClientValidationStatus::Validated)
    }

    /// The chain is refused with `bad_certificate` and this reason.
    pub fn refused(error_details: impl Into<String>) -> Self {
        Self::Refused {
            detailed_status: ClientValidationStatus::Failed,
            tls_alert: Some(TLS_ALERT_BAD_CERTIFICATE),
            error_details: error_details.into(),
        }
    }
}

/// One configured validator, shared by every worker's handshakes: every
/// method may run on several threads at once.
pub trait CertValidatorConfig<E: EnvoyCertValidator>: Send + Sync {
    /// Judges the peer's chain: `certs` are DER certificates, leaf first (at
    /// least one); `host_name` the name Envoy expects the peer to have;
    /// `is_server` true when Envoy is the TLS server judging a client.
    fn do_verify_cert_chain(
        &self,
        envoy: &mut E,
        certs: &[&[u8]],
        host_name: &[u8],
        is_server: bool,
    ) -> Verdict;

    /// The `SSL_VERIFY_*` flags of the TLS context, asked once when it is
    /// built. The default asks for a certificate and fails a peer without one.
    fn get_ssl_verify_mode(&self, _handshaker_provides_certificates: bool) -> i32 {
        SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
    }

    /// Bytes naming what this configuration accepts, hashed into the TLS
    /// session id so that a changed rule does not resume old sessions.
    fn update_digest(&self) -> &[u8];
}
