//! The two traits an access logger implements.

use super::EnvoyAccessLog;
use crate::abi;

/// Why Envoy logs; an HTTP request ends with DownstreamEnd.
pub type AccessLogType = abi::envoy_dynamic_module_type_access_log_type;

/// The log type Envoy passed as an integer; values this SDK does not know
/// (a newer Envoy's) read as NotSet.
pub fn access_log_type(raw: u32) -> AccessLogType {
    use abi::envoy_dynamic_module_type_access_log_type as T;
    const ALL: [T; 14] = [
        T::NotSet,
        T::TcpUpstreamConnected,
        T::TcpPeriodic,
        T::TcpConnectionEnd,
        T::DownstreamStart,
        T::DownstreamPeriodic,
        T::DownstreamEnd,
        T::UpstreamPoolReady,
        T::UpstreamPeriodic,
        T::UpstreamEnd,
        T::DownstreamTunnelSuccessfullyEstablished,
        T::UdpTunnelUpstreamConnected,
        T::UdpPeriodic,
        T::UdpSessionEnd,
    ];
    ALL.get(raw as usize).copied().unwrap_or(T::NotSet)
}

/// One configured access logger, shared by the loggers of every thread.
pub trait AccessLoggerConfig<E: EnvoyAccessLog>: Send + Sync {
    /// Makes the logger of one thread (each worker, and the main thread).
    fn new_access_logger(&self) -> Box<dyn AccessLogger<E>>;
}

/// One thread's logger: sees that thread's log events, one at a time.
pub trait AccessLogger<E: EnvoyAccessLog> {
    /// One finished request (or other event, by `log_type`): read it from `envoy`.
    fn log(&mut self, envoy: &mut E, log_type: AccessLogType);
    /// Hands over what the logger buffered; Envoy calls it before destroy.
    fn flush(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_types_from_envoy_integers() {
        assert_eq!(access_log_type(0), AccessLogType::NotSet);
        assert_eq!(access_log_type(6), AccessLogType::DownstreamEnd);
        assert_eq!(access_log_type(13), AccessLogType::UdpSessionEnd);
        // A value from a newer Envoy is not undefined behaviour.
        assert_eq!(access_log_type(14), AccessLogType::NotSet);
        assert_eq!(access_log_type(u32::MAX), AccessLogType::NotSet);
    }
}
