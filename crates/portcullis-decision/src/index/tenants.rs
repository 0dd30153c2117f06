//! Where each tenant stands, in one map: a decision reads its partner's
//! kind, authorization and posture suspension in one lookup.

use portcullis_domain::{TenantId, TenantKind, Timestamp};

use super::HashMap;

/// What the index knows of a tenant id; one it knows nothing of has no entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TenantState {
    /// `None` until the tenant is upserted.
    pub(super) kind: Option<TenantKind>,
    pub(super) authorized: bool,
    /// Whether its vetting case is suspended (read by detection only).
    pub(super) vetting_suspended: bool,
    /// When non-compliant: the instant its posture suspension starts.
    pub(super) posture_from: Option<Timestamp>,
}

impl TenantState {
    pub(super) fn is_partner(&self) -> bool {
        self.kind == Some(TenantKind::Partner)
    }

    /// Whether a partner's posture suspension has started at `now`.
    pub(super) fn posture_suspended_at(&self, now: Timestamp) -> bool {
        self.posture_from.is_some_and(|from| now >= from)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Tenants {
    by_id: HashMap<TenantId, TenantState>,
}

impl Tenants {
    pub(super) fn get(&self, tenant: TenantId) -> TenantState {
        self.by_id.get(&tenant).copied().unwrap_or_default()
    }

    /// Changes what is known of `tenant`, and forgets it when nothing is left.
    pub(super) fn update(&mut self, tenant: TenantId, change: impl FnOnce(&mut TenantState)) {
        let state = self.by_id.entry(tenant).or_default();
        change(state);
        if *state == TenantState::default() {
            self.by_id.remove(&tenant);
        }
    }

    pub(super) fn remove(&mut self, tenant: TenantId) {
        self.by_id.remove(&tenant);
    }

    /// How many tenants were upserted.
    pub(super) fn count(&self) -> usize {
        self.by_id.values().filter(|s| s.kind.is_some()).count()
    }
}
