//! The detection settings a cluster shares: the engine's thresholds and the
//! period of the detection rounds. They start as the configuration file's
//! (`[detection] every_ms` and `[detection.engine]`) and are replaced when
//! the cluster-wide `detection` setting changes; every engine of this node
//! (the single one over the stored stream, or one per owned partition)
//! takes the new thresholds before its next batch, keeping its state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use portcullis_detection::Engine;
use portcullis_domain::RuleViolation;
use serde::{Deserialize, Serialize};

use crate::Portcullis;

/// The shortest detection period accepted, and the longest.
const PERIOD_MS: std::ops::RangeInclusive<u64> = 50..=60_000;

/// The detection settings in force on every node (the `detection`
/// cluster-wide setting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectionSettings {
    /// Milliseconds between detection rounds over the stored stream (50 to
    /// 60,000; partition owners read their partitions continuously).
    pub every_ms: u64,
    /// The engine's thresholds, as `[detection.engine]` (a partial table
    /// keeps each missing field's default).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub engine: portcullis_detection::Config,
}

impl DetectionSettings {
    /// Refuses settings the engine cannot run with.
    pub(crate) fn validate(&self) -> Result<(), RuleViolation> {
        let invalid = |message: String| RuleViolation::new("invalid_detection_settings", message);
        if !PERIOD_MS.contains(&self.every_ms) {
            return Err(invalid(format!(
                "`every_ms` must be {} to {}, not {}",
                PERIOD_MS.start(),
                PERIOD_MS.end(),
                self.every_ms
            )));
        }
        let e = &self.engine;
        let capacities = [
            ("engine.max_users", e.max_users),
            ("engine.max_tenants", e.max_tenants),
            ("engine.max_sources", e.max_sources),
            ("engine.max_evidence", e.max_evidence),
        ];
        if let Some((field, _)) = capacities.iter().find(|(_, n)| *n == 0) {
            return Err(invalid(format!("`{field}` must be at least 1")));
        }
        let spans = [
            ("engine.idle_evict_ms", e.idle_evict_ms),
            ("engine.finding_close_ms", e.finding_close_ms),
            ("engine.learning.period_ms", e.learning.period_ms),
            ("engine.fan_out.window_ms", e.fan_out.window_ms),
            ("engine.spray.window_ms", e.spray.window_ms),
            ("engine.dormant.gap_ms", e.dormant.gap_ms),
            ("engine.escalation.window_ms", e.escalation.window_ms),
            ("engine.denied_burst.bucket_ms", e.denied_burst.bucket_ms),
            ("engine.novelty.window_ms", e.novelty.window_ms),
        ];
        if let Some((field, _)) = spans.iter().find(|(_, ms)| *ms <= 0) {
            return Err(invalid(format!("`{field}` must be a positive duration")));
        }
        if e.idle_evict_ms <= e.dormant.gap_ms {
            return Err(invalid(
                "`engine.idle_evict_ms` must exceed `engine.dormant.gap_ms`".to_owned(),
            ));
        }
        let shares = [
            ("engine.learning.min_confidence", e.learning.min_confidence),
            (
                "engine.learning.min_confidence_learning",
                e.learning.min_confidence_learning,
            ),
            (
                "engine.learning.partner_network_share",
                e.learning.partner_network_share,
            ),
        ];
        if let Some((field, value)) = shares
            .iter()
            .find(|(_, v)| !(v.is_finite() && (0.0..=1.0).contains(v)))
        {
            return Err(invalid(format!("`{field}` must be 0 to 1, not {value}")));
        }
        Ok(())
    }
}

/// The detection settings in force on this node, and a generation that
/// each change raises, so that engines know to take them.
#[derive(Debug)]
pub(crate) struct Tuning {
    settings: RwLock<Arc<DetectionSettings>>,
    generation: AtomicU64,
}

impl Tuning {
    pub(crate) fn new(settings: DetectionSettings) -> Self {
        Self {
            settings: RwLock::new(Arc::new(settings)),
            generation: AtomicU64::new(0),
        }
    }

    pub(crate) fn get(&self) -> Arc<DetectionSettings> {
        Arc::clone(&self.settings.read().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Puts `settings` in force; returns whether they differed.
    pub(crate) fn replace(&self, settings: DetectionSettings) -> bool {
        let mut held = self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if **held == settings {
            return false;
        }
        *held = Arc::new(settings);
        self.generation.fetch_add(1, Ordering::SeqCst);
        true
    }
}

/// An engine and the generation of the settings it runs with.
pub(crate) struct TunedEngine {
    pub(crate) engine: Engine,
    generation: u64,
}

impl Portcullis {
    /// A fresh engine with the settings in force, and their generation.
    pub(crate) fn tuned_engine(&self) -> TunedEngine {
        let generation = self.detection.tuning.generation();
        TunedEngine {
            engine: self.new_engine(),
            generation,
        }
    }

    /// Gives `tuned` the settings in force when they changed since it was
    /// built: a new engine with the new thresholds and the old one's state.
    pub(crate) fn retune(&self, tuned: &mut TunedEngine) {
        if tuned.generation == self.detection.tuning.generation() {
            return;
        }
        let state = tuned.engine.snapshot();
        let mut fresh = self.tuned_engine();
        fresh.engine.restore(state);
        *tuned = fresh;
        tracing::info!("detection engine retuned to the settings in force");
    }

    /// The period of the detection rounds in force.
    pub(crate) fn detection_period(&self) -> Duration {
        Duration::from_millis(self.detection.tuning.get().every_ms)
    }
}
