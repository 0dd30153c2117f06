//! How vetting is configured, and the state it keeps between requests.

use portcullis_vetting::{
    AutoApprovePolicy, CountryPolicy, DomainVerifier, RiskWeights, VerifierConfig, WebsiteDomain,
};
use serde::Deserialize;
use std::sync::{Arc, RwLock};

use tokio::sync::OnceCell;

use portcullis_intel::IndicatorIndex;

use super::screening::WatchlistIndex;

/// Vetting settings (the `[vetting]` table of the configuration file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VettingConfig {
    /// Name servers for the domain-ownership check (`["203.0.113.53:53"]`);
    /// empty means the system's resolver configuration.
    pub nameservers: Vec<std::net::SocketAddr>,
    /// Seconds allowed per DNS query (default 5).
    pub dns_timeout_seconds: Option<u64>,
    /// Embargoed and high-risk countries.
    pub countries: CountryPolicy,
    /// Points per risk factor.
    pub weights: RiskWeights,
    /// Whether low-risk cases whose mandatory checks pass skip review (off by default).
    pub auto_approve: AutoApprovePolicy,
    /// Domains accepted for contact e-mail besides the verified domain.
    pub email_aliases: Vec<String>,
    /// Watchlist scores at or above this are hits (default
    /// [`super::screening::DEFAULT_HIT_THRESHOLD`]).
    pub watchlist_threshold: Option<f64>,
    /// Re-screening suspends an approved partner on a new hit of this
    /// severity or worse: `medium`, `high` (default) or `critical`; `never`
    /// only opens findings.
    pub suspend_on: Option<String>,
    /// Hours between rounds of domain re-verification and full re-screening
    /// of approved partners (default 24; 0 turns the rounds off).
    pub rescreen_every_hours: Option<u64>,
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        "critical" => 3,
        _ => u8::MAX,
    }
}

impl VettingConfig {
    /// Whether a new finding of `severity` suspends an approved partner:
    /// at or above `suspend_on` (default `high`; `never` never does).
    pub(crate) fn suspends(&self, severity: &str) -> bool {
        match self.suspend_on.as_deref() {
            Some("never") => false,
            Some(level) => severity_rank(severity) >= severity_rank(level),
            None => severity_rank(severity) >= severity_rank("high"),
        }
    }

    /// How often periodic vetting runs; `None` when turned off.
    pub fn round_interval(&self) -> Option<std::time::Duration> {
        match self.rescreen_every_hours.unwrap_or(24) {
            0 => None,
            hours => Some(std::time::Duration::from_secs(hours.saturating_mul(3600))),
        }
    }

    pub(crate) fn hit_threshold(&self) -> f64 {
        self.watchlist_threshold
            .filter(|t| t.is_finite() && (0.0..=1.0).contains(t))
            .unwrap_or(super::screening::DEFAULT_HIT_THRESHOLD)
    }
}

/// Vetting's long-lived parts: the configuration in force (replaced when
/// the cluster-wide vetting policy changes) and a DNS resolver built on
/// first use.
pub(crate) struct VettingRuntime {
    in_force: RwLock<Arc<InForce>>,
    verifier: OnceCell<Result<DomainVerifier, String>>,
    watchlists: RwLock<Arc<WatchlistIndex>>,
    intel: RwLock<Arc<IndicatorIndex>>,
}

/// The configuration in force and its parsed e-mail aliases.
#[derive(Debug)]
pub(crate) struct InForce {
    pub(crate) config: VettingConfig,
    pub(crate) aliases: Vec<WebsiteDomain>,
}

impl InForce {
    fn new(config: VettingConfig) -> Self {
        let aliases = config
            .email_aliases
            .iter()
            .filter_map(|alias| match WebsiteDomain::parse(alias) {
                Ok(domain) => Some(domain),
                Err(err) => {
                    tracing::warn!(%alias, %err, "ignoring an e-mail alias that is not a domain");
                    None
                }
            })
            .collect();
        Self { config, aliases }
    }
}

impl VettingRuntime {
    pub(crate) fn new(config: VettingConfig) -> Self {
        Self {
            in_force: RwLock::new(Arc::new(InForce::new(config))),
            verifier: OnceCell::new(),
            watchlists: RwLock::new(Arc::new(WatchlistIndex::empty())),
            intel: RwLock::new(Arc::new(IndicatorIndex::default())),
        }
    }

    /// The configuration in force now.
    pub(crate) fn in_force(&self) -> Arc<InForce> {
        match self.in_force.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Puts `config` in force (the resolver, built once, keeps the
    /// name servers it was built with).
    pub(crate) fn replace_config(&self, config: VettingConfig) {
        let fresh = Arc::new(InForce::new(config));
        match self.in_force.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// The indicator index as it is now.
    pub(crate) fn intel(&self) -> Arc<IndicatorIndex> {
        match self.intel.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub(crate) fn replace_intel(&self, index: IndicatorIndex) {
        self.replace_intel_arc(Arc::new(index));
    }

    pub(crate) fn replace_intel_arc(&self, index: Arc<IndicatorIndex>) {
        match self.intel.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }

    /// The watchlist index as it is now (readers keep their copy while a
    /// new one is swapped in).
    pub(crate) fn watchlists(&self) -> Arc<WatchlistIndex> {
        match self.watchlists.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub(crate) fn replace_watchlists(&self, index: WatchlistIndex) {
        self.replace_watchlists_arc(Arc::new(index));
    }

    pub(crate) fn replace_watchlists_arc(&self, index: Arc<WatchlistIndex>) {
        match self.watchlists.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }

    /// The resolver, or why there is none (the domain check then reports
    /// the resolver unreachable).
    pub(crate) async fn verifier(&self) -> Result<&DomainVerifier, String> {
        self.verifier
            .get_or_init(|| async {
                let in_force = self.in_force();
                let file = &in_force.config;
                if file.nameservers.is_empty() {
                    DomainVerifier::system().map_err(|e| e.to_string())
                } else {
                    let mut config = VerifierConfig::new(file.nameservers.clone());
                    if let Some(seconds) = file.dns_timeout_seconds {
                        config.timeout = std::time::Duration::from_secs(seconds.max(1));
                    }
                    DomainVerifier::new(&config).map_err(|e| e.to_string())
                }
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl std::fmt::Debug for VettingRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VettingRuntime")
            .field("in_force", &self.in_force())
            .finish_non_exhaustive()
    }
}
