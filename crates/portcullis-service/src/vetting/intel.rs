//! Threat intelligence: importing indicators, matching an applicant's
//! domain and contact address against the active ones, and re-screening
//! standing partners when new indicators arrive.

use std::collections::BTreeSet;

use portcullis_domain::vetting::VettingCase;
use portcullis_domain::vetting::VettingConcern;
use portcullis_domain::{IntelSource, IntelUpsert};
use portcullis_domain::{RecordId, Timestamp};
use portcullis_intel::{Indicator, IndicatorIndex, Observable, Pattern};
use portcullis_store::StoredIndicator;
use serde::Serialize;

use super::rescreen::Rescreened;
use super::watchlists::RescreenReport;
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// Most rejected records an import report lists (the count is complete).
const MAX_REPORTED_REJECTIONS: usize = 100;

/// An indicator that matched something of the applicant's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntelHit {
    /// `website_domain` or `contact_email`.
    pub subject: &'static str,
    /// The value looked up.
    pub value: String,
    pub indicator_id: String,
    pub name: Option<String>,
    /// What in the indicator's pattern matched, e.g. `domain evil.example`.
    pub why: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IntelImportReport {
    pub source: String,
    /// Indicators read, by the observable types of their patterns.
    #[schema(value_type = Object)]
    pub counts_by_type: std::collections::BTreeMap<String, usize>,
    /// STIX objects that are not indicators, by type (kept out).
    #[schema(value_type = Object)]
    pub other_objects: std::collections::BTreeMap<String, usize>,
    pub stored: IntelUpsert,
    /// Every bad record is counted; the first 100 are listed.
    pub rejected_count: usize,
    pub rejected: Vec<String>,
    /// Indicators skipped (another pattern language, …), with why.
    pub skipped: Vec<String>,
    pub rescreen: RescreenReport,
}

fn stored(source: &str, i: &Indicator) -> StoredIndicator {
    StoredIndicator {
        id: i.id.clone(),
        source: source.to_owned(),
        name: i.name.clone(),
        pattern: i.pattern.text().to_owned(),
        observable_type: i.observable_type(),
        valid_from: Timestamp::from_offset_date_time(i.valid_from),
        valid_until: i.valid_until.map(Timestamp::from_offset_date_time),
        revoked: i.revoked,
        confidence: i.confidence.map(i64::from),
        modified: i.modified.map(Timestamp::from_offset_date_time),
        attributes: serde_json::json!({
            "indicator_types": i.indicator_types,
            "labels": i.labels,
            "producer": i.source,
        })
        .to_string(),
    }
}

fn indicator(s: StoredIndicator) -> Result<Indicator, String> {
    let pattern = Pattern::parse(&s.pattern).map_err(|e| format!("`{}`: {e}", s.id))?;
    let attributes: serde_json::Value = serde_json::from_str(&s.attributes).unwrap_or_default();
    let strings = |key: &str| -> Vec<String> {
        attributes
            .get(key)
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Indicator {
        id: s.id,
        name: s.name,
        pattern,
        pattern_type: "stix".into(),
        valid_from: s.valid_from.to_offset_date_time(),
        valid_until: s.valid_until.map(Timestamp::to_offset_date_time),
        revoked: s.revoked,
        indicator_types: strings("indicator_types"),
        labels: strings("labels"),
        confidence: s.confidence.and_then(|c| u8::try_from(c).ok()),
        source: attributes
            .get("producer")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        modified: s.modified.map(Timestamp::to_offset_date_time),
    })
}

/// An intelligence source name: see [`super::short_name`].
fn source_name(name: &str) -> Result<String, ServiceError> {
    super::short_name("source", "an intelligence source name", name)
}

/// The applicant's values that intelligence is matched against.
fn observables(case: &VettingCase) -> Vec<(&'static str, String, Observable)> {
    let app = &case.application;
    vec![
        (
            "website_domain",
            app.website_domain.clone(),
            Observable::domain(&app.website_domain),
        ),
        (
            "contact_email",
            app.contact_email.clone(),
            Observable::email(&app.contact_email),
        ),
        (
            "contact_email_domain",
            app.contact_email
                .rsplit_once('@')
                .map_or_else(String::new, |(_, d)| d.to_owned()),
            Observable::domain(app.contact_email.rsplit_once('@').map_or("", |(_, d)| d)),
        ),
    ]
}

/// The active indicators matching `case` at `now`, without repeats.
pub(crate) fn intel_hits(
    index: &IndicatorIndex,
    case: &VettingCase,
    now: Timestamp,
) -> Vec<IntelHit> {
    let now = now.to_offset_date_time();
    let mut seen = BTreeSet::new();
    let mut hits = Vec::new();
    for (subject, value, observable) in observables(case) {
        if value.is_empty() {
            continue;
        }
        for hit in index.lookup(&observable, now) {
            if seen.insert((subject, hit.indicator_id.clone())) {
                hits.push(IntelHit {
                    subject,
                    value: value.clone(),
                    why: format!("{:?}", hit.why),
                    indicator_id: hit.indicator_id,
                    name: hit.name,
                });
            }
        }
    }
    hits
}

impl Portcullis {
    /// Rebuilds the in-memory indicator index from the store. Indicators
    /// whose stored pattern no longer parses are left out and logged.
    pub async fn reload_intel(&self) -> Result<usize, ServiceError> {
        let stored = self.store.all_indicators().await?;
        let mut indicators = Vec::with_capacity(stored.len());
        for s in stored {
            match indicator(s) {
                Ok(i) => indicators.push(i),
                Err(err) => tracing::error!(%err, "stored indicator left out of the index"),
            }
        }
        let count = indicators.len();
        self.vetting
            .replace_intel(IndicatorIndex::build(indicators));
        Ok(count)
    }

    pub async fn intel_sources(&self, caller: &Caller) -> Result<Vec<IntelSource>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read intelligence sources")?;
        Ok(self.store.intel_sources().await?)
    }

    /// Imports a STIX bundle (or JSON lines of STIX objects) or a CSV list
    /// into `source`, keeping every good record and reporting the bad ones,
    /// then re-screens standing partners against the new indicators.
    pub async fn import_intel(
        &self,
        caller: &Caller,
        source: &str,
        body: &[u8],
    ) -> Result<IntelImportReport, ServiceError> {
        caller_rules::require_operator(&caller.principal, "import threat intelligence")?;
        let source = source_name(source)?;
        let report = portcullis_intel::import_bytes(body)
            .map_err(|err| portcullis_domain::ValidationError::new("body", err.to_string()))?;
        let rows: Vec<StoredIndicator> = report
            .indicators
            .iter()
            .map(|i| stored(&source, i))
            .collect();
        let upsert = self
            .store
            .upsert_indicators(&caller.audit(self.clock.now()), &source, &rows)
            .await?;
        self.reload_intel().await?;
        let rescreen = self.rescreen_intel(caller).await?;
        Ok(IntelImportReport {
            source,
            counts_by_type: report.counts_by_type(),
            other_objects: report.other_objects.clone(),
            stored: upsert,
            rejected_count: report.rejected.len(),
            rejected: report
                .rejected
                .iter()
                .take(MAX_REPORTED_REJECTIONS)
                .map(|r| format!("{r:?}"))
                .collect(),
            skipped: report.skipped.iter().map(|r| format!("{r:?}")).collect(),
            rescreen,
        })
    }

    /// Matches every standing partner against the active indicators and
    /// stores each change of outcome; a new hit opens a finding and, at the
    /// configured severity (intelligence hits count as `high`), suspends an
    /// approved partner.
    pub(crate) async fn rescreen_intel(
        &self,
        caller: &Caller,
    ) -> Result<RescreenReport, ServiceError> {
        let mut report = RescreenReport::default();
        let suspend = self.vetting.in_force().config.suspends("high");
        for case in self.standing_cases().await? {
            let now = self.clock.now();
            let hits = intel_hits(&self.vetting.intel(), &case, now);
            report.partners_rescreened += 1;
            let keys = hits
                .iter()
                .map(|h| format!("{}\u{1f}{}", h.subject, h.indicator_id))
                .collect();
            let Some(outcome) = self
                .changed_outcome(
                    &case,
                    "intel",
                    keys,
                    serde_json::to_value(&hits).unwrap_or_default(),
                    now,
                )
                .await?
            else {
                continue;
            };
            let previous: BTreeSet<String> = self
                .store
                .latest_outcome(case.tenant_id, "intel")
                .await?
                .and_then(|o| o.hits.as_array().cloned())
                .into_iter()
                .flatten()
                .filter_map(|h| {
                    h.get("indicator_id")
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned)
                })
                .collect();
            let findings: Vec<VettingConcern> = hits
                .iter()
                .filter(|h| !previous.contains(&h.indicator_id))
                .map(|h| VettingConcern {
                    id: RecordId::generate(),
                    tenant_id: case.tenant_id,
                    case_id: Some(case.id),
                    kind: "intel_hit".into(),
                    severity: "high".into(),
                    summary: format!(
                        "{} `{}` matches indicator `{}`",
                        h.subject.replace('_', " "),
                        h.value,
                        h.indicator_id
                    ),
                    detail: serde_json::to_value(h).unwrap_or_default(),
                    status: "open".into(),
                    created_at: now,
                    updated_at: now,
                })
                .collect();
            let rescreened = Rescreened {
                case,
                outcome,
                findings,
                suspend_because: suspend
                    .then_some("a new threat-intelligence indicator matches the partner"),
            };
            self.save_rescreen(caller, rescreened, now, &mut report)
                .await?;
        }
        Ok(report)
    }
}

/// Where and how to pull a TAXII 2.1 collection.
#[derive(Debug, Clone, Default)]
pub struct TaxiiPull {
    /// The API root, e.g. `https://feed.example/api1/`.
    pub api_root: String,
    pub collection: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Only objects added after this (the `added_last` of the previous pull).
    pub added_after: Option<String>,
}

/// What a pull fetched and imported.
#[derive(Debug, Clone, Serialize)]
pub struct TaxiiPullReport {
    pub pages: usize,
    pub objects: usize,
    /// Pass as `added_after` next time.
    pub added_last: Option<String>,
    pub import: IntelImportReport,
}

impl Portcullis {
    /// Pulls a TAXII 2.1 collection (following `added_after` paging) and
    /// imports what arrived into `source`, as [`Portcullis::import_intel`].
    pub async fn pull_intel(
        &self,
        caller: &Caller,
        source: &str,
        pull: &TaxiiPull,
    ) -> Result<TaxiiPullReport, ServiceError> {
        caller_rules::require_operator(&caller.principal, "import threat intelligence")?;
        let taxii = |err: portcullis_intel::taxii::TaxiiError| {
            ServiceError::from(portcullis_domain::ValidationError::new(
                "taxii",
                err.to_string(),
            ))
        };
        let mut client = portcullis_intel::taxii::TaxiiClient::new().map_err(taxii)?;
        if let (Some(user), Some(password)) = (&pull.user, &pull.password) {
            client = client.with_basic_auth(user, password);
        }
        let pulled = client
            .pull(
                &pull.api_root,
                &pull.collection,
                pull.added_after.as_deref(),
            )
            .await
            .map_err(taxii)?;
        let objects = pulled.objects.len();
        let body = serde_json::to_vec(&pulled.objects)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let import = if objects == 0 {
            IntelImportReport {
                source: source_name(source)?,
                counts_by_type: Default::default(),
                other_objects: Default::default(),
                stored: IntelUpsert::default(),
                rejected_count: 0,
                rejected: Vec::new(),
                skipped: Vec::new(),
                rescreen: RescreenReport::default(),
            }
        } else {
            self.import_intel(caller, source, &body).await?
        };
        Ok(TaxiiPullReport {
            pages: pulled.pages,
            objects,
            added_last: pulled.added_last,
            import,
        })
    }
}
