//! Who makes a change: what every audited mutation records besides the
//! change itself.

use portcullis_domain::{
    AuditDraft, AuditOperation, Principal, PrincipalKind, TenantId, Timestamp,
};
use serde::Serialize;

/// An event for webhooks that a change causes: enqueued for the
/// subscriptions that want it in the same transaction as the change, so
/// that the change and its announcement are committed together or not at
/// all (a transactional outbox; the delivery worker sends it later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub event_type: String,
    pub payload: serde_json::Value,
    /// An event already enqueued under this key is not enqueued again.
    pub dedupe_key: Option<String>,
    /// The customer tenants the event concerns: their subscriptions get it.
    pub concerns: Vec<TenantId>,
    /// Whether operators' subscriptions get it.
    pub operators: bool,
}

/// Who makes a change, when, and from where: everything the audit record
/// needs besides the change itself — and the webhook events the change
/// causes, which the stores that take announcements enqueue in the same
/// transaction (`AccessStore::apply`, the access review and containment
/// writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    pub at: Timestamp,
    pub actor: String,
    pub actor_kind: PrincipalKind,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
    pub announcements: Vec<Announcement>,
}

impl AuditContext {
    pub fn new(
        principal: &Principal,
        at: Timestamp,
        source_ip: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            at,
            actor: principal.audit_name(),
            actor_kind: principal.kind(),
            source_ip,
            request_id,
            announcements: Vec::new(),
        }
    }

    /// The same context, with webhook events to enqueue with the change.
    #[must_use]
    pub fn announcing(mut self, announcements: Vec<Announcement>) -> Self {
        self.announcements.extend(announcements);
        self
    }

    /// The audit draft of one change of `target` from `before` to `after`.
    pub(crate) fn draft<T: Serialize>(
        &self,
        operation: AuditOperation,
        tenant_id: Option<TenantId>,
        target_id: impl ToString,
        before: Option<&T>,
        after: Option<&T>,
    ) -> AuditDraft {
        AuditDraft {
            at: self.at,
            actor: self.actor.clone(),
            actor_kind: self.actor_kind,
            tenant_id,
            operation,
            target_id: target_id.to_string(),
            before: before.and_then(|v| serde_json::to_value(v).ok()),
            after: after.and_then(|v| serde_json::to_value(v).ok()),
            source_ip: self.source_ip.clone(),
            request_id: self.request_id.clone(),
        }
    }
}
