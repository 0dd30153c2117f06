//! Loading watchlists, and re-screening approved partners against what a
//! load changed.

use std::collections::{BTreeSet, HashMap};

use portcullis_domain::WatchlistInfo;
use portcullis_domain::vetting::{CaseFilter, VettingConcern};
use portcullis_domain::vetting::{CaseState, VettingCase};
use portcullis_domain::{PageRequest, RecordId, Timestamp};
use portcullis_screening::{Entity, LoadLimits, Rejection, Screener, load_csv, load_ftm};
use portcullis_store::StoredEntity;
use serde::Serialize;

use super::rescreen::Rescreened;
use super::screening::{WatchlistHit, WatchlistIndex, screen_names};
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// Most rejected lines a load report lists (the count is always complete).
const MAX_REPORTED_REJECTIONS: usize = 100;

/// The two formats a watchlist comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WatchlistFormat {
    /// FollowTheMoney entities as JSON lines (the OpenSanctions format).
    Ftm,
    /// CSV with the columns documented in `portcullis-screening`.
    Csv,
}

impl WatchlistFormat {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Ftm => "ftm",
            Self::Csv => "csv",
        }
    }
}

/// What a load did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WatchlistLoadReport {
    pub watchlist: WatchlistInfo,
    /// Entities added, changed (new content) or removed since the last load.
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Records of non-party schemas that were skipped.
    pub skipped: usize,
    /// Every bad line is counted; the first 100 are listed.
    pub rejected_count: usize,
    #[schema(value_type = Vec<Object>)]
    pub rejected: Vec<Rejection>,
    pub rescreen: RescreenReport,
}

/// What re-screening approved partners found.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RescreenReport {
    /// Partners (approved or suspended) whose outcome was computed again.
    pub partners_rescreened: usize,
    /// Partners whose outcome changed (each change is stored).
    pub outcomes_changed: usize,
    /// Findings opened for new hits.
    pub findings_opened: usize,
    /// Partners suspended because of a new hit.
    #[schema(value_type = Vec<String>)]
    pub suspended: Vec<portcullis_domain::TenantId>,
}

/// Index ids are `<list>:<entity id>` so that lists never collide.
fn qualified(list: &str, id: &str) -> String {
    format!("{list}:{id}")
}

fn severity(score: f64) -> &'static str {
    if score >= 0.95 {
        "critical"
    } else if score >= 0.85 {
        "high"
    } else {
        "medium"
    }
}

impl Portcullis {
    /// Rebuilds the in-memory watchlist index from the store.
    pub async fn reload_watchlists(&self) -> Result<usize, ServiceError> {
        let stored = self.store.all_watchlist_entities().await?;
        let mut entities = Vec::with_capacity(stored.len());
        for (list, e) in stored {
            let mut entity: Entity = serde_json::from_str(&e.entity).map_err(|err| {
                ServiceError::Internal(format!("stored entity `{list}:{}`: {err}", e.entity_id))
            })?;
            entity.id = qualified(&list, &entity.id);
            entities.push(entity);
        }
        let count = entities.len();
        self.vetting
            .replace_watchlists(WatchlistIndex::new(entities));
        Ok(count)
    }

    pub async fn list_watchlists(
        &self,
        caller: &Caller,
    ) -> Result<Vec<WatchlistInfo>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read watchlists")?;
        Ok(self.store.list_watchlists().await?)
    }

    /// Deletes a list; partners it matched are screened again, so their
    /// history records the cleared outcome.
    pub async fn delete_watchlist(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<RescreenReport, ServiceError> {
        caller_rules::require_operator(&caller.principal, "delete watchlists")?;
        self.store
            .delete_watchlist(&caller.audit(self.clock.now()), name)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("watchlist `{name}` not found")))?;
        let prefix = format!("{name}:");
        let removed: BTreeSet<String> = self
            .vetting
            .watchlists()
            .fingerprints
            .keys()
            .filter(|id| id.starts_with(&prefix))
            .cloned()
            .collect();
        self.reload_watchlists().await?;
        self.rescreen_partners(caller, &Screener::new(Vec::new()), &removed)
            .await
    }

    /// Loads (or replaces) the list `name` from `body`, keeping every good
    /// line and reporting the bad ones, then re-screens approved partners
    /// against the entities that were added or changed.
    pub async fn load_watchlist(
        &self,
        caller: &Caller,
        name: &str,
        format: WatchlistFormat,
        body: &[u8],
    ) -> Result<WatchlistLoadReport, ServiceError> {
        caller_rules::require_operator(&caller.principal, "load watchlists")?;
        let name = watchlist_name(name)?;
        let limits = LoadLimits {
            max_line_bytes: 1 << 20,
            max_total_bytes: u64::try_from(body.len()).unwrap_or(u64::MAX),
        };
        let report = match format {
            WatchlistFormat::Ftm => load_ftm(body, limits),
            WatchlistFormat::Csv => load_csv(body, limits),
        };
        if report.entities.is_empty() && !report.rejected.is_empty() {
            return Err(portcullis_domain::ValidationError::new(
                "body",
                format!(
                    "no line could be loaded; the first problem is on line {}: {}",
                    report.rejected.first().map_or(0, |r| r.line),
                    report.rejected.first().map_or("", |r| r.reason.as_str())
                ),
            )
            .into());
        }
        let old = self.vetting.watchlists();
        let prefix = format!("{name}:");
        let mut added = Vec::new();
        let mut changed = Vec::new();
        let mut stored = Vec::with_capacity(report.entities.len());
        let mut seen = BTreeSet::new();
        for entity in &report.entities {
            if !seen.insert(entity.id.clone()) {
                continue;
            }
            let fingerprint = entity.fingerprint();
            match old.fingerprints.get(&qualified(&name, &entity.id)) {
                None => added.push(entity.clone()),
                Some(before) if *before != fingerprint => changed.push(entity.clone()),
                Some(_) => {}
            }
            stored.push(StoredEntity {
                entity_id: entity.id.clone(),
                fingerprint: hex::encode(fingerprint.0),
                entity: serde_json::to_string(entity)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            });
        }
        let removed: BTreeSet<String> = old
            .fingerprints
            .keys()
            .filter(|id| id.starts_with(&prefix))
            .filter(|id| !seen.contains(&id[prefix.len()..]))
            .cloned()
            .collect();
        let info = WatchlistInfo {
            name: name.clone(),
            format: format.as_str().to_owned(),
            entity_count: 0,
            rejected_count: i64::try_from(report.rejected.len()).unwrap_or(i64::MAX),
            loaded_at: self.clock.now(),
            version: 0,
        };
        let saved = self
            .store
            .replace_watchlist(&caller.audit(self.clock.now()), &info, &stored)
            .await?;
        self.reload_watchlists().await?;

        let touched: BTreeSet<String> = changed
            .iter()
            .map(|e| qualified(&name, &e.id))
            .chain(removed.iter().cloned())
            .collect();
        let delta: Vec<Entity> = added
            .iter()
            .chain(changed.iter())
            .map(|e| Entity {
                id: qualified(&name, &e.id),
                ..e.clone()
            })
            .collect();
        let rescreen = self
            .rescreen_partners(caller, &Screener::new(delta), &touched)
            .await?;
        Ok(WatchlistLoadReport {
            watchlist: saved,
            added: added.len(),
            changed: changed.len(),
            removed: removed.len(),
            skipped: report.skipped,
            rejected_count: report.rejected.len(),
            rejected: report
                .rejected
                .into_iter()
                .take(MAX_REPORTED_REJECTIONS)
                .collect(),
            rescreen,
        })
    }

    /// Every approved or suspended partner's case.
    pub(crate) async fn standing_cases(&self) -> Result<Vec<VettingCase>, ServiceError> {
        let mut all = Vec::new();
        for state in [CaseState::Approved, CaseState::Suspended] {
            let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
            loop {
                let got = self
                    .store
                    .list_cases(
                        &CaseFilter {
                            tenant_id: None,
                            state: Some(state),
                        },
                        &page,
                    )
                    .await?;
                all.extend(got.items);
                match got.next {
                    Some(next) => {
                        page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?
                    }
                    None => break,
                }
            }
        }
        Ok(all)
    }

    /// Re-screens standing partners: those with a hit among `delta` (new or
    /// changed entities), and those whose last outcome named an entity in
    /// `touched` (changed or removed). Each changed outcome is stored; each
    /// new hit opens a finding; a new hit at or above the configured
    /// severity suspends an approved partner.
    pub(crate) async fn rescreen_partners(
        &self,
        caller: &Caller,
        delta: &Screener,
        touched: &BTreeSet<String>,
    ) -> Result<RescreenReport, ServiceError> {
        self.rescreen_with(caller, delta, touched, false).await
    }

    /// As [`Self::rescreen_partners`]; with `everyone`, every standing
    /// partner is screened again whatever the delta says.
    pub(crate) async fn rescreen_with(
        &self,
        caller: &Caller,
        delta: &Screener,
        touched: &BTreeSet<String>,
        everyone: bool,
    ) -> Result<RescreenReport, ServiceError> {
        let threshold = self.vetting.in_force().config.hit_threshold();
        let mut report = RescreenReport::default();
        for case in self.standing_cases().await? {
            let (delta_hits, _) = screen_names(delta, &case, threshold);
            let previous = self
                .store
                .latest_outcome(case.tenant_id, "watchlist")
                .await?;
            let previous_ids: HashMap<String, ()> = previous
                .as_ref()
                .and_then(|o| o.hits.as_array())
                .into_iter()
                .flatten()
                .filter_map(|h| h.get("entity_id").and_then(|v| v.as_str()))
                .map(|id| (id.to_owned(), ()))
                .collect();
            if !everyone
                && delta_hits.is_empty()
                && !previous_ids.keys().any(|id| touched.contains(id))
            {
                continue;
            }
            report.partners_rescreened += 1;
            let now = self.clock.now();
            let (hits, _) = {
                let index = self.vetting.watchlists();
                screen_names(&index.screener, &case, threshold)
            };
            let json = serde_json::to_value(&hits).unwrap_or_default();
            let Some(outcome) = self
                .changed_outcome(
                    &case,
                    "watchlist",
                    super::screening::hit_keys(&hits),
                    json,
                    now,
                )
                .await?
            else {
                continue;
            };
            let new_hits: Vec<&WatchlistHit> = hits
                .iter()
                .filter(|h| !previous_ids.contains_key(&h.found.entity_id))
                .collect();
            let findings = new_hits
                .iter()
                .map(|hit| finding(&case, hit, now))
                .collect::<Vec<_>>();
            let in_force = self.vetting.in_force();
            let suspend = findings
                .iter()
                .any(|f| in_force.config.suspends(&f.severity));
            let rescreened = Rescreened {
                case,
                outcome,
                findings,
                suspend_because: suspend.then_some("re-screening found a new watchlist hit"),
            };
            self.save_rescreen(caller, rescreened, now, &mut report)
                .await?;
        }
        Ok(report)
    }
}

fn finding(case: &VettingCase, hit: &WatchlistHit, now: Timestamp) -> VettingConcern {
    VettingConcern {
        id: RecordId::generate(),
        tenant_id: case.tenant_id,
        case_id: Some(case.id),
        kind: "watchlist_hit".into(),
        severity: severity(hit.found.score).into(),
        summary: format!(
            "{} `{}` matches listed entity `{}` (`{}`) with score {:.2}",
            hit.subject.replace('_', " "),
            hit.screened_name,
            hit.found.entity_id,
            hit.found.name,
            hit.found.score
        ),
        detail: serde_json::to_value(hit).unwrap_or_default(),
        status: "open".into(),
        created_at: now,
        updated_at: now,
    }
}

/// A watchlist name: see [`super::short_name`].
fn watchlist_name(name: &str) -> Result<String, ServiceError> {
    super::short_name("name", "a watchlist name", name)
}
