//! Signed webhooks: operators subscribe URLs to event types; producers
//! enqueue events; the delivery worker POSTs them signed, retrying with
//! exponential back-off until a 2xx answer (at least once) or the last
//! attempt (then `failed`). The signing secret is generated here, returned
//! once at creation and never again.

mod concerns;

pub(crate) use concerns::review_announcement;
mod delivery;
mod destination;
mod signature;
mod subscriptions;

use portcullis_domain::AuditOperation;
use std::time::Duration;

pub use delivery::DeliveryRound;
pub use destination::DestinationPolicy;
pub use signature::{
    DEFAULT_TOLERANCE, SIGNATURE_HEADER, SignatureError, WEBHOOK_ID_HEADER, sign, verify_signature,
};
pub use subscriptions::NewWebhook;

/// The event type of relationship expiry warnings.
pub const EXPIRY_WARNING_EVENT: &str = AuditOperation::RelationshipExpiryWarning.as_str();
/// The event type of `POST /v1/webhooks/{id}/test`.
pub const PING_EVENT: &str = AuditOperation::WebhookPing.as_str();

/// How deliveries are attempted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Attempts before a delivery is `failed` (at least 1).
    pub max_attempts: u32,
    /// The wait after the first failed attempt; doubled after each further one.
    pub base_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Most deliveries one round sends.
    pub batch: u32,
    /// The addresses deliveries may reach: public ones, and the allowed networks.
    pub destinations: DestinationPolicy,
}

/// The `[webhooks]` table of the configuration file.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Networks (CIDRs) deliveries may reach although they are not public,
    /// e.g. `["10.20.0.0/16"]` for an internal SIEM.
    #[serde(default)]
    pub allow_destinations: Vec<ipnet::IpNet>,
}

impl From<WebhookSettings> for WebhookConfig {
    fn from(settings: WebhookSettings) -> Self {
        Self {
            destinations: DestinationPolicy::new(settings.allow_destinations),
            ..Self::default()
        }
    }
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(3_600),
            timeout: Duration::from_secs(10),
            batch: 100,
            destinations: DestinationPolicy::default(),
        }
    }
}

impl WebhookConfig {
    /// The wait after `attempts` failed attempts: `base * 2^(attempts-1)`, capped.
    pub fn backoff_after(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        self.base_backoff
            .saturating_mul(1_u32 << doublings)
            .min(self.max_backoff)
    }
}

/// The configuration and the HTTP client of the delivery worker.
#[derive(Debug)]
pub(crate) struct WebhookRuntime {
    pub(crate) config: WebhookConfig,
    pub(crate) client: reqwest::Client,
}

impl WebhookRuntime {
    pub(crate) fn new(config: WebhookConfig) -> Self {
        // No redirects: a delivery goes to the subscribed URL or fails. No
        // proxy: the connection goes to the checked address itself.
        let resolver =
            destination::CheckedResolver(std::sync::Arc::new(config.destinations.clone()));
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(std::sync::Arc::new(resolver))
            .build()
            .unwrap_or_else(|err| {
                tracing::error!(%err, "webhook client settings refused; using the defaults");
                reqwest::Client::new()
            });
        Self { config, client }
    }
}

impl Default for WebhookRuntime {
    fn default() -> Self {
        Self::new(WebhookConfig::default())
    }
}

impl crate::Portcullis {
    /// The same application with these webhook delivery settings.
    #[must_use]
    pub fn with_webhooks(mut self, config: WebhookConfig) -> Self {
        self.webhooks = std::sync::Arc::new(WebhookRuntime::new(config));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let config = WebhookConfig::default();
        let secs: Vec<u64> = (1..=11)
            .map(|n| config.backoff_after(n).as_secs())
            .collect();
        assert_eq!(
            secs,
            [10, 20, 40, 80, 160, 320, 640, 1_280, 2_560, 3_600, 3_600]
        );
        assert_eq!(config.backoff_after(u32::MAX).as_secs(), 3_600);
    }
}
