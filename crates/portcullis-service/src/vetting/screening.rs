//! Screening an application against the loaded watchlists and threat
//! intelligence, and remembering each change of outcome.

use std::collections::HashMap;

use portcullis_domain::vetting::VettingCase;
use portcullis_domain::vetting::{CheckRecord, ScreeningOutcome};
use portcullis_domain::{RecordId, Timestamp};
use portcullis_screening::{Fingerprint, Kind, Match, Query, Screener};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::checks::record;
use crate::{Portcullis, ServiceError};

/// Scores at or above this count as watchlist hits (see
/// `portcullis_screening::DEFAULT_THRESHOLD` for the matcher's own default).
pub const DEFAULT_HIT_THRESHOLD: f64 = portcullis_screening::DEFAULT_THRESHOLD;

/// Near misses down to this score still raise the risk score.
const NEAR_MISS_FLOOR: f64 = 0.5;

/// The watchlists in memory: an index over every entity, and each entity's
/// fingerprint so that a new load can be compared with the old one.
pub(crate) struct WatchlistIndex {
    pub(crate) screener: Screener,
    pub(crate) fingerprints: HashMap<String, Fingerprint>,
}

impl WatchlistIndex {
    pub(crate) fn new(entities: Vec<portcullis_screening::Entity>) -> Self {
        let fingerprints = entities
            .iter()
            .map(|e| (e.id.clone(), e.fingerprint()))
            .collect();
        Self {
            screener: Screener::new(entities),
            fingerprints,
        }
    }

    pub(crate) fn empty() -> Self {
        Self::new(Vec::new())
    }
}

/// One name of the application that matched a listed entity.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WatchlistHit {
    /// `legal_name` or `officer`.
    pub subject: &'static str,
    /// The applicant's name as screened.
    pub screened_name: String,
    #[serde(flatten)]
    pub found: Match,
}

/// What screening found about one application.
pub(crate) struct Screening {
    pub(crate) records: Vec<CheckRecord>,
    pub(crate) outcomes: Vec<ScreeningOutcome>,
    pub(crate) best_score: Option<f64>,
    pub(crate) watchlist_hits: usize,
    pub(crate) intel_hits: usize,
}

/// The names an application puts forward for screening.
pub(crate) fn queries(case: &VettingCase) -> Vec<(&'static str, Query)> {
    let app = &case.application;
    let mut all = vec![(
        "legal_name",
        Query {
            name: app.legal_name.clone(),
            country: Some(app.registration_country.clone()),
            birth_year: None,
            kind: Kind::Organization,
        },
    )];
    all.extend(app.officers.iter().map(|o| {
        (
            "officer",
            Query {
                name: o.name.clone(),
                country: o.country.clone(),
                birth_year: o.birth_year.map(i32::from),
                kind: Kind::Person,
            },
        )
    }));
    all
}

/// Screens `case` against `screener`, returning the hits (at or above the
/// threshold) and the best score seen down to the near-miss floor.
pub(crate) fn screen_names(
    screener: &Screener,
    case: &VettingCase,
    threshold: f64,
) -> (Vec<WatchlistHit>, Option<f64>) {
    let mut hits = Vec::new();
    let mut best: Option<f64> = None;
    for (subject, query) in queries(case) {
        for found in screener.screen(&query, NEAR_MISS_FLOOR.min(threshold)) {
            best = Some(best.map_or(found.score, |b| b.max(found.score)));
            if found.score >= threshold {
                hits.push(WatchlistHit {
                    subject,
                    screened_name: query.name.clone(),
                    found,
                });
            }
        }
    }
    (hits, best)
}

/// The keys of watchlist hits: which entity hit which name.
pub(crate) fn hit_keys(hits: &[WatchlistHit]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            format!(
                "{}\u{1f}{}\u{1f}{}",
                h.subject, h.screened_name, h.found.entity_id
            )
        })
        .collect()
}

/// A digest of an outcome's keys: equal digests, same outcome.
pub(crate) fn digest(mut keys: Vec<String>) -> String {
    keys.sort();
    keys.dedup();
    let mut hasher = Sha256::new();
    for key in keys {
        hasher.update(key.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

impl Portcullis {
    /// Screens the application's names against the loaded watchlists.
    pub(crate) async fn screen_application(
        &self,
        case: &VettingCase,
        now: Timestamp,
    ) -> Result<Screening, ServiceError> {
        let threshold = self.vetting.in_force().config.hit_threshold();
        let (hits, best_score) = {
            let index = self.vetting.watchlists();
            screen_names(&index.screener, case, threshold)
        };
        let outcome_word = if hits.is_empty() { "clear" } else { "hit" };
        let mut records = vec![record(case, "watchlist", Some(outcome_word), &hits, now)];
        let mut outcomes = Vec::new();
        let json = serde_json::to_value(&hits).unwrap_or_default();
        if let Some(outcome) = self
            .changed_outcome(case, "watchlist", hit_keys(&hits), json, now)
            .await?
        {
            outcomes.push(outcome);
        }
        let intel = super::intel::intel_hits(&self.vetting.intel(), case, now);
        let intel_word = if intel.is_empty() { "clear" } else { "hit" };
        records.push(record(case, "threat_intel", Some(intel_word), &intel, now));
        let keys = intel
            .iter()
            .map(|h| format!("{}\u{1f}{}", h.subject, h.indicator_id))
            .collect();
        let json = serde_json::to_value(&intel).unwrap_or_default();
        if let Some(outcome) = self.changed_outcome(case, "intel", keys, json, now).await? {
            outcomes.push(outcome);
        }
        Ok(Screening {
            records,
            outcomes,
            best_score,
            watchlist_hits: hits.len(),
            intel_hits: intel.len(),
        })
    }

    /// The outcome to store when it differs from the partner's last one
    /// against `source`.
    pub(crate) async fn changed_outcome(
        &self,
        case: &VettingCase,
        source: &str,
        keys: Vec<String>,
        hits: serde_json::Value,
        now: Timestamp,
    ) -> Result<Option<ScreeningOutcome>, ServiceError> {
        let digest = digest(keys);
        let latest = self.store.latest_outcome(case.tenant_id, source).await?;
        if latest.is_some_and(|l| l.digest == digest) {
            return Ok(None);
        }
        Ok(Some(ScreeningOutcome {
            id: RecordId::generate(),
            tenant_id: case.tenant_id,
            case_id: case.id,
            source: source.to_owned(),
            digest,
            hits,
            at: now,
        }))
    }
}
