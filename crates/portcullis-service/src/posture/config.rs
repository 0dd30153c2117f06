//! How posture is configured, and the baseline in force.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use portcullis_posture::{Baseline, BaselineSet};
use serde::Deserialize;

use crate::ServiceError;

/// Posture settings (the `[posture]` table of the configuration file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostureConfig {
    /// A snapshot older than this many days is stale, which is non-compliant (default 30).
    pub stale_after_days: Option<u32>,
    /// Days a non-compliant partner keeps its access before suspension (default 14).
    pub grace_period_days: Option<u32>,
    /// Whether a partner that never uploaded a snapshot is gated as
    /// non-compliant (default false: gating starts with the first snapshot).
    pub require_snapshot: bool,
    /// The operator's directory of `.rego` files loaded over the default
    /// baseline by a reload that names no directory.
    pub baseline_dir: Option<PathBuf>,
    /// Minutes between posture rounds (default 60; 0 turns them off).
    pub round_every_minutes: Option<u64>,
}

impl PostureConfig {
    /// The evaluation settings of the posture engine.
    pub fn engine(&self) -> portcullis_posture::PostureConfig {
        let defaults = portcullis_posture::PostureConfig::default();
        portcullis_posture::PostureConfig {
            stale_after: self
                .stale_after_days
                .map_or(defaults.stale_after, |d| time::Duration::days(i64::from(d))),
            grace_period: self.grace_period_days.map_or(defaults.grace_period, |d| {
                time::Duration::days(i64::from(d))
            }),
        }
    }

    /// How often the posture round runs; `None` when turned off.
    pub fn round_interval(&self) -> Option<std::time::Duration> {
        match self.round_every_minutes.unwrap_or(60) {
            0 => None,
            minutes => Some(std::time::Duration::from_secs(minutes.saturating_mul(60))),
        }
    }
}

/// Posture's long-lived parts: the configuration and the baseline in
/// force, compiled on first use.
#[derive(Debug)]
pub(crate) struct PostureRuntime {
    pub(crate) config: PostureConfig,
    baselines: RwLock<Option<BaselineSet>>,
}

impl PostureRuntime {
    pub(crate) fn new(config: PostureConfig) -> Self {
        Self {
            config,
            baselines: RwLock::new(None),
        }
    }

    /// The baseline in force (the default partner baseline until a reload).
    pub(crate) fn baseline(&self) -> Result<Arc<Baseline>, ServiceError> {
        if let Some(set) = self.read().as_ref() {
            return Ok(set.current());
        }
        let default = Baseline::default_partner()
            .map_err(|e| ServiceError::Internal(format!("the default baseline: {e}")))?;
        let mut guard = match self.baselines.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        Ok(guard
            .get_or_insert_with(|| BaselineSet::new(default))
            .current())
    }

    /// The version in force, when a baseline is compiled already (`None`
    /// before the first use: the default baseline, compiled on demand).
    pub(crate) fn compiled_version(&self) -> Option<String> {
        self.read()
            .as_ref()
            .map(|set| set.current().version().to_string())
    }

    /// Puts `baseline` in force (without compiling the default first).
    pub(crate) fn install(&self, baseline: Baseline) {
        let mut guard = match self.baselines.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Some(BaselineSet::new(baseline));
    }

    /// Puts `baseline` in force; returns the one it replaces.
    pub(crate) fn replace(&self, baseline: Baseline) -> Result<Arc<Baseline>, ServiceError> {
        let previous = self.baseline()?;
        self.install(baseline);
        Ok(previous)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<BaselineSet>> {
        match self.baselines.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}
