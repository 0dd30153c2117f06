//! Keeping this node's decision index current with commits made anywhere.
//!
//! The audit log is the change feed: every mutation appends records naming
//! its operation and target. After loading the index at a known sequence
//! number, a node applies each later record by re-reading its target from
//! the store. Re-applying a change this node already made is harmless.
//! The follow-changes worker (in `workers`) calls [`Portcullis::catch_up`]
//! at each PostgreSQL `NOTIFY`, and on a slow poll that catches anything a
//! lost notification missed.

use std::sync::atomic::Ordering;

use portcullis_domain::AuditFilter;
use portcullis_domain::{
    ActivationId, AssignmentId, AuditOperation, AuditRecord, Cursor, GroupId, GroupMember,
    PageRequest, RelationshipId, TenantId, UserId,
};

use crate::{Portcullis, ServiceError};

impl Portcullis {
    /// Rebuilds the decision index from the store. The audit sequence is
    /// read first, so that [`Portcullis::catch_up`] re-applies anything
    /// committed while the snapshot was read.
    pub async fn reload_index(&self) -> Result<(), ServiceError> {
        let seq = self.store.audit_head_seq().await?;
        let snapshot = self.store.access_snapshot().await?;
        self.decisions.rebuild(&snapshot);
        self.load_suspended_partners().await?;
        self.synced.store(seq, Ordering::SeqCst);
        Ok(())
    }

    /// Applies every record after the last one this node has seen; returns
    /// the sequence number reached.
    pub async fn catch_up(&self) -> Result<i64, ServiceError> {
        let mut last = self.synced.load(Ordering::SeqCst);
        loop {
            let page =
                PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(Cursor(last.to_string())))?;
            let records = self
                .store
                .list_audit(&AuditFilter::default(), &page)
                .await?;
            for record in &records.items {
                self.apply_record(record).await?;
                last = record.seq;
                self.synced.fetch_max(last, Ordering::SeqCst);
            }
            if records.next.is_none() {
                return Ok(last);
            }
        }
    }

    /// Re-reads the target of one audit record into the index. The match
    /// names every operation: a new one cannot compile without saying what
    /// other nodes must do about it.
    async fn apply_record(&self, record: &AuditRecord) -> Result<(), ServiceError> {
        use AuditOperation as Op;
        let Some(op) = record.known_operation() else {
            tracing::warn!(seq = record.seq, operation = %record.operation,
                "audit record names an operation this node does not know; skipped");
            return Ok(());
        };
        let target = record.target_id.as_str();
        match op {
            Op::TenantCreate | Op::TenantUpdate | Op::TenantDelete => {
                if op == Op::TenantDelete {
                    self.token_cache.clear();
                }
                self.refresh_tenant(TenantId::parse(target)?).await?;
            }
            Op::UserCreate | Op::UserUpdate | Op::UserDelete => {
                self.refresh_user(record, UserId::parse(target)?).await?;
            }
            Op::GroupDelete => {
                let id = GroupId::parse(target)?;
                self.decisions.update(|index| index.remove_group(id));
            }
            Op::GroupMemberAdd | Op::GroupMemberRemove => {
                self.apply_membership(record, op == Op::GroupMemberAdd);
            }
            Op::RelationshipCreate
            | Op::RelationshipUpdate
            | Op::RelationshipRequestApproval
            | Op::RelationshipApprove
            | Op::RelationshipReject
            | Op::RelationshipTerminate
            | Op::RelationshipCompleteTermination
            | Op::RelationshipExpire
            | Op::RelationshipAutoExtend
            | Op::RelationshipNarrow
            | Op::RelationshipSupersede
            | Op::RelationshipDelete
            | Op::RelationshipAutoExtendChange => {
                let id = RelationshipId::parse(target)?;
                match self.store.get_relationship(id).await? {
                    Some(r) => self.decisions.update(|index| index.upsert_relationship(&r)),
                    None => self.decisions.update(|index| index.remove_relationship(id)),
                }
            }
            Op::AssignmentCreate
            | Op::AssignmentUpdate
            | Op::AssignmentDelete
            | Op::AssignmentActivate
            | Op::AssignmentRoleRemove
            | Op::AssignmentMakeEligible
            | Op::AssignmentMove => {
                let id = AssignmentId::parse(target)?;
                match self.store.get_assignment(id).await? {
                    Some(a) => self.decisions.update(|index| index.upsert_assignment(&a)),
                    None => self.decisions.update(|index| index.remove_assignment(id)),
                }
            }
            Op::ActivationRequest
            | Op::ActivationApprove
            | Op::ActivationDeny
            | Op::ActivationRevoke => {
                let id = ActivationId::parse(target)?;
                match self.store.get_activation(id).await? {
                    Some(a) => self.decisions.update(|index| index.upsert_activation(&a)),
                    None => self.decisions.update(|index| index.remove_activation(id)),
                }
            }
            Op::PartnerAuthorize | Op::PartnerDeauthorize => {
                self.refresh_partner_vetting(TenantId::parse(target)?)
                    .await?;
            }
            // A suspended case revoked changes no authorization, only
            // whether the partner reads as suspended.
            Op::VettingCaseSuspended | Op::VettingCaseRevoked | Op::VettingCaseApproved => {
                let id = portcullis_domain::vetting::CaseId::parse(target)?;
                if let Some(case) = self.store.get_case(id).await? {
                    self.refresh_partner_vetting(case.tenant_id).await?;
                }
            }
            Op::PostureStateCompliant
            | Op::PostureStateNoncompliant
            | Op::PostureStateSuspended => {
                let id = TenantId::parse(target)?;
                let from = self
                    .store
                    .partner_posture(id)
                    .await?
                    .and_then(|p| p.suspended_from());
                self.decisions
                    .update(|index| index.set_posture_suspension(id, from));
            }
            Op::CustomerRestrictionsSet => {
                let id = TenantId::parse(target)?;
                let restrictions = self.store.restrictions(id).await?;
                self.decisions
                    .update(|index| index.set_restrictions(id, restrictions));
            }
            Op::ContainmentCreate | Op::ContainmentLift => {
                let id = portcullis_domain::RecordId::parse(target)?;
                if let Some(c) = self.store.get_containment(id).await? {
                    self.apply_containment(&c);
                }
            }
            Op::TokenRevoke => self.token_cache.clear(),
            Op::WatchlistLoad | Op::WatchlistDelete => {
                self.reload_watchlists().await?;
            }
            Op::IntelImport => {
                self.reload_intel().await?;
            }
            Op::SettingUpdate => match portcullis_domain::SettingName::parse("target_id", target) {
                Ok(name) => self.apply_setting(name).await?,
                Err(err) => tracing::warn!(seq = record.seq, %err, "unknown setting; skipped"),
            },
            // Nothing a decision reads: groups without members, new tokens
            // (read from the store when first used), vetting cases (their
            // outcome reaches decisions as `partner.authorize`), posture
            // uploads and evaluations (as `posture.state.*`), findings (as
            // containments), webhooks, and the two webhook-only events.
            Op::GroupCreate
            | Op::GroupUpdate
            | Op::TokenCreate
            | Op::SessionCreate
            | Op::SessionRevoke
            | Op::SignInLinkCreate
            | Op::SignInLinkRedeem
            | Op::RelationshipExpiryWarning
            | Op::VettingCaseSubmitted
            | Op::VettingCaseScreening
            | Op::VettingCaseAutoApproved
            | Op::VettingCaseInReview
            | Op::VettingCaseNeedsInformation
            | Op::VettingCaseRejected
            | Op::VettingCaseUpdate
            | Op::VettingCaseAmend
            | Op::VettingCaseReview
            | Op::VettingDomainReverify
            | Op::VettingRescreen
            | Op::PostureSnapshotUpload
            | Op::PostureEvaluate
            | Op::FindingCreate
            | Op::FindingUpdate
            | Op::FindingStatus
            | Op::WebhookCreate
            | Op::WebhookUpdate
            | Op::WebhookDelete
            | Op::WebhookPing
            | Op::AuditMismatchAccepted
            | Op::TemplateCreate
            | Op::TemplateDelete
            | Op::FindingAcknowledge
            | Op::FindingResolve => {}
            // Access reviews and their policy: what a review removes is
            // recorded as its own relationship and assignment operations.
            Op::AccessReviewStart
            | Op::AccessReviewDecide
            | Op::AccessReviewRemind
            | Op::AccessReviewComplete
            | Op::AccessReviewPolicySet
            | Op::AccessReviewPolicyDelete => {}
        }
        Ok(())
    }

    async fn refresh_tenant(&self, id: TenantId) -> Result<(), ServiceError> {
        match self.store.get_tenant(id).await? {
            Some(t) => self.decisions.update(|index| index.upsert_tenant(&t)),
            None => self.decisions.update(|index| index.remove_tenant(id)),
        }
        Ok(())
    }

    async fn refresh_user(&self, record: &AuditRecord, id: UserId) -> Result<(), ServiceError> {
        let tenant = record
            .tenant_id
            .as_deref()
            .and_then(|t| TenantId::parse(t).ok());
        let found = match tenant {
            Some(t) => self.store.get_user(t, id).await?,
            None => None,
        };
        match found {
            Some(u) => self.decisions.update(|index| index.upsert_user(&u)),
            None => self.decisions.update(|index| index.remove_user(id)),
        }
        Ok(())
    }

    /// A membership added (its `after`) or removed (its `before`).
    fn apply_membership(&self, record: &AuditRecord, added: bool) {
        let state = if added { &record.after } else { &record.before };
        if let Some(member) = state
            .as_deref()
            .and_then(|json| serde_json::from_str::<GroupMember>(json).ok())
        {
            self.decisions.update(|index| {
                if added {
                    index.add_member(member.group_id, member.user_id);
                } else {
                    index.remove_member(member.group_id, member.user_id);
                }
            });
        }
    }
}
