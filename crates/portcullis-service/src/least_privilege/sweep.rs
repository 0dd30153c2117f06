//! The sweep: stores what time has already decided (expiry, completed
//! terminations, auto-extensions) and emits expiry warnings. Decisions never
//! wait for it — they apply time themselves — but lists, webhooks and people
//! see stored states.

use portcullis_domain::AuditOperation;

use portcullis_domain::RelationshipFilter;
use portcullis_domain::{ActivityEvent, PageRequest, Relationship, RelationshipStatus, Timestamp};
use portcullis_store::AccessChange;
use serde_json::json;

use crate::{Caller, Portcullis, ServiceError};

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: usize,
    pub terminated: usize,
    pub extended: usize,
    /// Expiry warnings newly emitted.
    pub warnings: usize,
    /// Activity events deleted for being older than the retention.
    pub events_pruned: u64,
    /// Console sessions deleted a day after they ended.
    pub sessions_deleted: u64,
    /// Role usage counters deleted for being older than the longest window.
    pub usage_pruned: u64,
    /// Background bulk runs closed because their node stopped.
    pub bulk_runs_abandoned: u64,
    /// Finished bulk runs deleted after 30 days.
    pub bulk_runs_pruned: u64,
}

/// OCSF base event class: used for Portcullis' own notices.
const OCSF_BASE_EVENT: i64 = 0;

fn warning_event(
    relationship: &Relationship,
    days: i64,
    end: Timestamp,
    now: Timestamp,
) -> ActivityEvent {
    // The uid names the warning itself, so repeated sweeps store it once.
    let uid = format!(
        "portcullis:expiry-warning:{}:{days}:{}",
        relationship.id,
        end.unix_millis()
    );
    ActivityEvent {
        uid: uid.clone(),
        class_uid: OCSF_BASE_EVENT,
        time: now,
        status_id: 1,
        partner_tenant_id: Some(relationship.partner_tenant_id.to_string()),
        user_id: None,
        customer_tenant_id: Some(relationship.customer_tenant_id.to_string()),
        operation: Some(
            AuditOperation::RelationshipExpiryWarning
                .as_str()
                .to_owned(),
        ),
        body: json!({
            "class_uid": OCSF_BASE_EVENT,
            "time": now.unix_millis(),
            "message": format!("relationship `{}` ends in {days} days", relationship.display_name),
            "metadata": {"uid": uid, "version": "1.1.0", "product": {"name": "Portcullis", "vendor_name": "Portcullis"}},
            "cloud": {"account": {"uid": relationship.customer_tenant_id.to_string()}},
            "unmapped": {"portcullis": {
                "relationship_id": relationship.id,
                "partner_tenant_id": relationship.partner_tenant_id,
                "days_before_end": days,
                "end_at": end,
            }},
        }),
    }
}

impl Portcullis {
    /// One sweep over the relationships whose stored state time may have changed.
    pub async fn sweep(&self) -> Result<SweepReport, ServiceError> {
        let caller = Caller::system();
        let now = self.clock.now();
        let mut report = SweepReport {
            sessions_deleted: self.delete_ended_sessions(now).await?,
            ..SweepReport::default()
        };
        if let Some(keep) = self.event_retention_ms {
            report.events_pruned = self
                .store
                .prune_events(portcullis_domain::Timestamp::from_unix_millis(
                    now.unix_millis().saturating_sub(keep),
                ))
                .await?;
        }
        report.usage_pruned = self
            .store
            .prune_usage(super::usage::oldest_kept_day(now))
            .await?;
        (report.bulk_runs_abandoned, report.bulk_runs_pruned) = self.tidy_bulk_runs(now).await?;
        let mut warnings = Vec::new();
        for status in [
            RelationshipStatus::Active,
            RelationshipStatus::ApprovalPending,
            RelationshipStatus::TerminationRequested,
        ] {
            let filter = RelationshipFilter {
                status: Some(status),
                ..RelationshipFilter::default()
            };
            let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
            loop {
                let found = self.store.list_relationships(&filter, &page).await?;
                for before in found.items {
                    if let Some(activated) = before.activated_at {
                        for days in before.expiry_warnings_due(activated, now) {
                            if let Some(end) = before.end_at {
                                warnings.push(warning_event(&before, days, end, now));
                            }
                        }
                    }
                    let mut after = before.clone();
                    let operation = match (before.status, before.status_at(now)) {
                        (RelationshipStatus::TerminationRequested, _) => {
                            after.complete_termination(now)?;
                            report.terminated += 1;
                            AuditOperation::RelationshipCompleteTermination
                        }
                        (RelationshipStatus::Active, RelationshipStatus::Active) => {
                            match (before.end_at, before.end_at_time(now)) {
                                (Some(stored), Some(current)) if current != stored => {
                                    after.end_at = Some(current);
                                    report.extended += 1;
                                    AuditOperation::RelationshipAutoExtend
                                }
                                _ => continue,
                            }
                        }
                        (_, RelationshipStatus::Expired) => {
                            after.status = RelationshipStatus::Expired;
                            after.closed_at = Some(now);
                            report.expired += 1;
                            AuditOperation::RelationshipExpire
                        }
                        _ => continue,
                    };
                    after.updated_at = now;
                    after.version = before.version + 1;
                    let change = AccessChange::Relationship {
                        operation,
                        before: Some(before),
                        after: Some(after),
                    };
                    if let Err(err) = self.apply_access(&caller, vec![change]).await {
                        // Changed meanwhile: the next sweep sees the new state.
                        tracing::warn!(%err, "sweep skipped a relationship");
                    }
                }
                match found.next {
                    Some(next) => {
                        page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?
                    }
                    None => break,
                }
            }
        }
        if !warnings.is_empty() {
            report.warnings = usize::try_from(self.append_activity(&warnings).await?).unwrap_or(0);
            for warning in &warnings {
                // Keyed by the warning's uid, so each is enqueued once per subscription.
                // The relationship's customer is told too (customer-side alerts).
                let customer: Vec<portcullis_domain::TenantId> = warning
                    .customer_tenant_id
                    .as_deref()
                    .and_then(|t| portcullis_domain::TenantId::parse(t).ok())
                    .into_iter()
                    .collect();
                let enqueued = self
                    .enqueue_webhook_concerning(
                        crate::webhooks::EXPIRY_WARNING_EVENT,
                        &warning.body,
                        Some(&warning.uid),
                        &customer,
                        true,
                    )
                    .await;
                if let Err(err) = enqueued {
                    tracing::warn!(%err, "expiry warning not enqueued for webhooks");
                }
            }
        }
        match self.score_round().await {
            Ok(0) => {}
            Ok(scored) => tracing::info!(scored, "partner security scores kept for the day"),
            Err(err) => {
                // The next sweep tries again.
                self.tightening
                    .scored_day
                    .store(i64::MIN, std::sync::atomic::Ordering::SeqCst);
                tracing::warn!(%err, "the daily score round failed");
            }
        }
        Ok(report)
    }
}
