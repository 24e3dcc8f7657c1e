//! The trait a config validator implements, and the resources it judges.

use super::EnvoyConfigValidator;
use std::borrow::Cow;
use std::time::Duration;

/// One configured validator: judges the updates of the type URLs its config
/// source lists, on the main thread. `Err` refuses the whole update with that
/// reason (Envoy keeps serving its last accepted config).
pub trait ConfigValidatorConfig<E: EnvoyConfigValidator>: Send + Sync {
    /// A state-of-the-world update of `type_url`: every resource Envoy will
    /// hold of that type once it is applied.
    fn validate(&self, envoy: &E, type_url: &str, resources: &[Resource]) -> Result<(), String>;

    /// A delta update: the resources added or changed, and the names removed.
    /// By default the added ones are judged as a state-of-the-world update.
    fn validate_delta(
        &self,
        envoy: &E,
        type_url: &str,
        added: &[Resource],
        removed: &[Cow<str>],
    ) -> Result<(), String> {
        let _ = removed;
        self.validate(envoy, type_url, added)
    }
}

/// One xDS resource of an update, borrowed from Envoy for one validate call.
#[derive(Debug, Clone, Default)]
pub struct Resource<'a> {
    /// The resource's name (lossy UTF-8: Envoy's names are text).
    pub name: Cow<'a, str>,
    /// The version the control plane gave it (may be empty).
    pub version: Cow<'a, str>,
    pub aliases: Vec<Cow<'a, str>>,
    pub ttl: Option<Duration>,
    /// The resource's protobuf wire bytes (a Listener, a Cluster, ...), or
    /// None when the envelope carries no resource. Untrusted: it comes from
    /// the control plane, so a validator's parser must bound its work.
    pub body: Option<&'a [u8]>,
}
