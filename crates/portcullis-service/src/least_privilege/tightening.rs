//! Settings of the least-privilege tools that act in bulk: the cap on
//! items per call and the security-score floor (background bulk runs are
//! kept in the store, `bulk_runs`).

use std::sync::atomic::AtomicI64;

use portcullis_domain::{DEFAULT_BULK_CAP, MAX_BULK_CAP};
use serde::Deserialize;

/// The `[least_privilege]` table of the configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeastPrivilegeConfig {
    /// The most relationships (or customers) one bulk call may name
    /// (default 100, at most 10,000).
    pub bulk_cap: Option<usize>,
    /// A partner whose security score is below this (0–100) may not
    /// propose new relationships (`score_below_floor`); none by default.
    pub score_floor: Option<u32>,
}

impl LeastPrivilegeConfig {
    pub fn bulk_cap(&self) -> usize {
        self.bulk_cap
            .unwrap_or(DEFAULT_BULK_CAP)
            .clamp(1, MAX_BULK_CAP)
    }
}

/// The configuration, and the day of this node's last score round.
#[derive(Debug)]
pub(crate) struct Tightening {
    pub(crate) config: LeastPrivilegeConfig,
    /// The UTC day of this node's last score round (`i64::MIN`: none yet).
    pub(crate) scored_day: AtomicI64,
}

impl Default for Tightening {
    fn default() -> Self {
        Self::new(LeastPrivilegeConfig::default())
    }
}

impl Tightening {
    pub(crate) fn new(config: LeastPrivilegeConfig) -> Self {
        Self {
            config,
            scored_day: AtomicI64::new(i64::MIN),
        }
    }
}
