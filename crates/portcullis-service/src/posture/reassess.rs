//! Judging stored snapshots again: when the baseline changes (every
//! partner's latest snapshot), and in the periodic round (stale snapshots;
//! grace periods that ended).

use std::path::Path;
use std::sync::Arc;

use portcullis_domain::{PageRequest, RecordId, RuleViolation, Timestamp};
use portcullis_domain::{PartnerPosture, PostureFilter, PostureReportRecord};
use portcullis_posture::{Baseline, Snapshot, evaluate};
use portcullis_store::AuditContext;
use serde::Serialize;

use super::judge::{Evidence, grace_over, is_stale, next_state};
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// What re-judging partners did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReassessReport {
    /// Partners whose latest snapshot was judged again.
    pub evaluated: usize,
    /// Partners whose state changed (each change audited and emitted).
    pub changed: usize,
    /// Partners skipped because of an error (logged; retried next time).
    pub failed: usize,
}

/// What a baseline reload did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BaselineReload {
    pub previous_version: String,
    pub version: String,
    /// Whether the version changed; only then are partners judged again.
    pub changed: bool,
    pub reassessed: ReassessReport,
}

/// What one posture round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PostureRound {
    /// Non-compliant partners whose grace period ended.
    pub suspended: usize,
    /// Compliant partners whose snapshot went stale, judged again.
    pub stale: ReassessReport,
}

impl Portcullis {
    /// Loads the baseline from `dir` (or the configured `baseline_dir`, or
    /// the default baseline when neither is given) and, when its version
    /// differs from the one in force, puts it in force and judges every
    /// partner's latest snapshot again (operators). The new baseline is
    /// stored as the cluster-wide `posture.baseline` setting, in force on
    /// every node within a second. A baseline that does not load is refused
    /// with `invalid_baseline` (file, line and column) and the working one
    /// stays in force.
    pub async fn reload_baseline(
        &self,
        caller: &Caller,
        dir: Option<&Path>,
    ) -> Result<BaselineReload, ServiceError> {
        caller_rules::may_reload_baseline(&caller.principal)?;
        let dir = self.baseline_source(dir)?;
        let invalid = |e: portcullis_posture::BaselineError| {
            RuleViolation::new("invalid_baseline", e.to_string())
        };
        let sources = match dir {
            Some(dir) => portcullis_posture::read_sources(dir).map_err(invalid)?,
            None => Vec::new(),
        };
        let loaded = Baseline::load_sources(sources.clone()).map_err(invalid)?;
        let version = loaded.version().to_string();
        let previous = self.posture.baseline()?;
        let previous_version = previous.version().to_string();
        if previous_version == version {
            return Ok(BaselineReload {
                previous_version,
                version,
                changed: false,
                reassessed: ReassessReport::default(),
            });
        }
        // Stored (and audited) first: every other node puts it in force
        // when the `setting.update` record reaches it.
        self.store_baseline(caller, &version, sources).await?;
        self.posture.replace(loaded)?;
        tracing::info!(%previous_version, %version, "posture baseline replaced");
        let reassessed = self.reassess_all(caller).await?;
        Ok(BaselineReload {
            previous_version,
            version,
            changed: true,
            reassessed,
        })
    }

    /// The directory a reload reads: the configured `baseline_dir` (none:
    /// the built-in baseline). A request may name that directory, and no
    /// other, so an operator token cannot make the server read what it likes.
    fn baseline_source<'a>(
        &'a self,
        asked: Option<&'a Path>,
    ) -> Result<Option<&'a Path>, ServiceError> {
        let configured = self.posture.config.baseline_dir.as_deref();
        let Some(asked) = asked else {
            return Ok(configured);
        };
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
        match configured {
            Some(configured) if canonical(asked) == canonical(configured) => Ok(Some(configured)),
            _ => Err(RuleViolation::new(
                "baseline_directory_refused",
                format!(
                    "`{}` is not the configured baseline directory; a reload reads only `[posture] baseline_dir`",
                    asked.display()
                ),
            )
            .into()),
        }
    }

    /// Judges every partner's latest snapshot against the baseline in force.
    async fn reassess_all(&self, caller: &Caller) -> Result<ReassessReport, ServiceError> {
        let baseline = self.posture.baseline()?;
        let mut report = ReassessReport::default();
        for previous in self.all_partner_postures().await? {
            self.reassess_counted(caller, &baseline, &previous, &mut report)
                .await;
        }
        Ok(report)
    }

    /// One round: suspends non-compliant partners whose grace period has
    /// ended, and judges again compliant partners whose snapshot is stale.
    pub async fn posture_round(&self) -> Result<PostureRound, ServiceError> {
        let caller = Caller::system();
        let now = self.clock.now();
        let config = self.posture.config.engine();
        let mut round = PostureRound::default();
        for previous in self.all_partner_postures().await? {
            if let Some(after) = grace_over(&previous, now) {
                match self
                    .store
                    .record_posture(&caller.audit(now), None, &after)
                    .await
                {
                    Ok(()) => {
                        round.suspended += 1;
                        self.posture_changed(Some(previous.state), &after).await;
                    }
                    // Changed meanwhile: the next round sees the new state.
                    Err(err) => tracing::warn!(%err, "posture round skipped a partner"),
                }
            } else if is_stale(&previous, now, &config) {
                let baseline = self.posture.baseline()?;
                self.reassess_counted(&caller, &baseline, &previous, &mut round.stale)
                    .await;
            }
        }
        Ok(round)
    }

    async fn all_partner_postures(&self) -> Result<Vec<PartnerPosture>, ServiceError> {
        let mut all = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self
                .store
                .list_partner_postures(&PostureFilter::default(), &page)
                .await?;
            all.extend(found.items);
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(all),
            }
        }
    }

    async fn reassess_counted(
        &self,
        caller: &Caller,
        baseline: &Arc<Baseline>,
        previous: &PartnerPosture,
        report: &mut ReassessReport,
    ) {
        let now = self.clock.now();
        match self
            .reassess_one(&caller.audit(now), baseline, previous, now)
            .await
        {
            Ok(after) => {
                report.evaluated += 1;
                if after.state != previous.state {
                    report.changed += 1;
                    self.posture_changed(Some(previous.state), &after).await;
                }
            }
            Err(err) => {
                report.failed += 1;
                tracing::warn!(%err, tenant = %previous.tenant_id, "cannot judge a snapshot again");
            }
        }
    }

    /// Judges the snapshot behind `previous` again and stores the report
    /// and the new state.
    async fn reassess_one(
        &self,
        ctx: &AuditContext,
        baseline: &Baseline,
        previous: &PartnerPosture,
        now: Timestamp,
    ) -> Result<PartnerPosture, ServiceError> {
        let (_, document) = self
            .store
            .posture_snapshot(previous.snapshot_id)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(format!("snapshot `{}` is missing", previous.snapshot_id))
            })?;
        let snapshot = Snapshot::parse(document.as_bytes())
            .map_err(|e| ServiceError::Internal(format!("a stored snapshot: {e}")))?
            .with_taken_at(previous.snapshot_taken_at.to_offset_date_time());
        let config = self.posture.config.engine();
        let report = evaluate(baseline, &snapshot, now.to_offset_date_time(), &config);
        let record = PostureReportRecord {
            id: RecordId::generate(),
            snapshot_id: previous.snapshot_id,
            tenant_id: previous.tenant_id,
            baseline_version: report.baseline_version.clone(),
            evaluated_at: now,
            compliant: report.compliant,
            report: serde_json::to_value(&report)
                .map_err(|e| ServiceError::Internal(format!("posture report: {e}")))?,
        };
        let evidence = Evidence {
            tenant: previous.tenant_id,
            snapshot_id: previous.snapshot_id,
            snapshot_taken_at: previous.snapshot_taken_at,
            report_id: record.id,
            report: &report,
        };
        let after = next_state(Some(previous), &evidence, now, &config);
        self.store
            .record_posture(ctx, Some(&record), &after)
            .await?;
        Ok(after)
    }
}
