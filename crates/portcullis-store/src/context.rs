//! Who makes a change: what every audited mutation records besides the
//! change itself.

use portcullis_domain::{
    AuditDraft, AuditOperation, Principal, PrincipalKind, TenantId, Timestamp,
};
use serde::Serialize;

/// Who makes a change, when, and from where: everything the audit record
/// needs besides the change itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    pub at: Timestamp,
    pub actor: String,
    pub actor_kind: PrincipalKind,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
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
        }
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
