//! Uploading a snapshot (judged at once), and reading reports, states and
//! the baseline in force.

use portcullis_domain::{
    MAX_SNAPSHOT_BYTES, PartnerPosture, PostureFilter, PostureReportRecord, PostureSnapshotInfo,
};
use portcullis_domain::{Page, PageRequest, RecordId, RuleViolation, TenantId, TenantKind};
use portcullis_posture::{Snapshot, evaluate};

use super::judge::{Evidence, next_state};
use super::{BaselineInfo, PostureUpload};
use crate::caller_rules::{self, tenant_not_found};
use crate::{Caller, Portcullis, ServiceError};

/// The most reports [`Portcullis::posture_trend`] returns.
pub const MAX_POSTURE_TREND: u32 = 100;

fn invalid_snapshot(message: String) -> ServiceError {
    RuleViolation::new("invalid_snapshot", message).into()
}

fn report_not_found(id: RecordId) -> ServiceError {
    ServiceError::NotFound(format!("posture report `{id}` not found"))
}

impl Portcullis {
    /// Stores a partner's configuration snapshot (partner admins for their
    /// own tenant, operators for any partner), judges it against the
    /// baseline in force and stores the report and the partner's new state.
    ///
    /// A body that is not JSON, or whose fields have the wrong type, is
    /// refused with `invalid_snapshot` naming the line and column or the
    /// JSON path.
    pub async fn upload_posture_snapshot(
        &self,
        caller: &Caller,
        tenant: TenantId,
        body: &[u8],
    ) -> Result<PostureUpload, ServiceError> {
        caller_rules::may_touch_posture(&caller.principal, tenant)?;
        self.tenant_of_kind(
            tenant,
            TenantKind::Partner,
            "posture snapshots belong to partners",
        )
        .await?;
        if body.len() > MAX_SNAPSHOT_BYTES {
            return Err(invalid_snapshot(format!(
                "the snapshot is {} bytes; at most {MAX_SNAPSHOT_BYTES} are accepted",
                body.len()
            )));
        }
        let snapshot = Snapshot::parse(body).map_err(|e| invalid_snapshot(e.to_string()))?;
        let document = std::str::from_utf8(body)
            .map_err(|e| invalid_snapshot(format!("the snapshot is not UTF-8: {e}")))?;
        let now = self.clock.now();
        let taken_at = snapshot
            .taken_at()
            .map(portcullis_domain::Timestamp::from_offset_date_time);
        let snapshot = snapshot.with_taken_at(taken_at.unwrap_or(now).to_offset_date_time());
        let config = self.posture.config.engine();
        let report = evaluate(
            &*self.posture.baseline()?,
            &snapshot,
            now.to_offset_date_time(),
            &config,
        );
        let info = PostureSnapshotInfo {
            id: RecordId::generate(),
            tenant_id: tenant,
            received_at: now,
            taken_at,
            uploaded_by: caller.principal.audit_name(),
            size_bytes: i64::try_from(body.len()).unwrap_or(i64::MAX),
        };
        let record = PostureReportRecord {
            id: RecordId::generate(),
            snapshot_id: info.id,
            tenant_id: tenant,
            baseline_version: report.baseline_version.clone(),
            evaluated_at: now,
            compliant: report.compliant,
            report: serde_json::to_value(&report)
                .map_err(|e| ServiceError::Internal(format!("posture report: {e}")))?,
        };
        let previous = self.store.partner_posture(tenant).await?;
        let evidence = Evidence {
            tenant,
            snapshot_id: info.id,
            snapshot_taken_at: taken_at.unwrap_or(now),
            report_id: record.id,
            report: &report,
        };
        let state = next_state(previous.as_ref(), &evidence, now, &config);
        self.store
            .upload_posture_snapshot(&caller.audit(now), &info, document, &record, &state)
            .await
            .map_err(|e| ServiceError::from_store(e, || tenant_not_found(tenant).to_string()))?;
        self.posture_changed(previous.map(|p| p.state), &state)
            .await;
        Ok(PostureUpload {
            snapshot: info,
            report: record,
            posture: state,
        })
    }

    /// A report by id (operators; partner admins for their own reports).
    pub async fn posture_report(
        &self,
        caller: &Caller,
        id: RecordId,
    ) -> Result<PostureReportRecord, ServiceError> {
        caller_rules::partner_scope(&caller.principal, "read posture reports")?;
        let report = self
            .store
            .posture_report(id)
            .await?
            .ok_or_else(|| report_not_found(id))?;
        caller_rules::may_touch_posture(&caller.principal, report.tenant_id)
            .map_err(|_| report_not_found(id))?;
        Ok(report)
    }

    /// The partner's latest report.
    pub async fn latest_posture_report(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<PostureReportRecord, ServiceError> {
        caller_rules::may_touch_posture(&caller.principal, tenant)?;
        self.store
            .latest_posture_report(tenant)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("partner tenant `{tenant}` has no posture report"))
            })
    }

    /// The partner's most recent reports, newest first, at most
    /// [`MAX_POSTURE_TREND`] (the console's posture trend).
    pub async fn posture_trend(
        &self,
        caller: &Caller,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<PostureReportRecord>, ServiceError> {
        caller_rules::may_touch_posture(&caller.principal, tenant)?;
        Ok(self
            .store
            .recent_posture_reports(tenant, limit.min(MAX_POSTURE_TREND))
            .await?)
    }

    /// The partner's posture state.
    pub async fn partner_posture(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<PartnerPosture, ServiceError> {
        caller_rules::may_touch_posture(&caller.principal, tenant)?;
        self.store.partner_posture(tenant).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("partner tenant `{tenant}` has no posture state"))
        })
    }

    /// Partners by posture state (operators).
    pub async fn list_partner_postures(
        &self,
        caller: &Caller,
        filter: PostureFilter,
        page: &PageRequest,
    ) -> Result<Page<PartnerPosture>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "list partners by posture")?;
        Ok(self.store.list_partner_postures(&filter, page).await?)
    }

    /// The baseline in force (operators and partner admins).
    pub async fn posture_baseline(&self, caller: &Caller) -> Result<BaselineInfo, ServiceError> {
        caller_rules::partner_scope(&caller.principal, "read the posture baseline")?;
        let baseline = self.posture.baseline()?;
        Ok(BaselineInfo {
            version: baseline.version().to_string(),
            declared: baseline.version().declared().to_owned(),
            digest: baseline.version().digest().to_owned(),
            requirements: baseline.requirements().cloned().collect(),
        })
    }
}
