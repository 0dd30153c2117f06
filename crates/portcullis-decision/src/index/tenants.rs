//! Tenants' kinds, and where each partner stands, in a map of its own: a
//! decision reads its partner's kind, authorization and posture suspension
//! in one lookup into a map of partners only (a thousand entries at full
//! scale, which stay cached), not into one of every customer too.

use portcullis_domain::{TenantId, TenantKind, Timestamp};

use super::HashMap;

/// Where a tenant stands; a tenant with nothing to say has no entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TenantState {
    /// Upserted as a partner tenant.
    pub(super) partner: bool,
    pub(super) authorized: bool,
    /// Whether its vetting case is suspended (read by detection only).
    pub(super) vetting_suspended: bool,
    /// When non-compliant: the instant its posture suspension starts.
    pub(super) posture_from: Option<Timestamp>,
}

impl TenantState {
    /// Whether a posture suspension has started at `now`.
    pub(super) fn posture_suspended_at(&self, now: Timestamp) -> bool {
        self.posture_from.is_some_and(|from| now >= from)
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Tenants {
    kinds: HashMap<TenantId, TenantKind>,
    standing: HashMap<TenantId, TenantState>,
}

impl Tenants {
    pub(super) fn get(&self, tenant: TenantId) -> TenantState {
        self.standing.get(&tenant).copied().unwrap_or_default()
    }

    pub(super) fn upsert(&mut self, tenant: TenantId, kind: TenantKind) {
        self.kinds.insert(tenant, kind);
        self.update(tenant, |s| s.partner = kind == TenantKind::Partner);
    }

    /// Changes where `tenant` stands, and forgets it when nothing is left.
    pub(super) fn update(&mut self, tenant: TenantId, change: impl FnOnce(&mut TenantState)) {
        let state = self.standing.entry(tenant).or_default();
        change(state);
        if *state == TenantState::default() {
            self.standing.remove(&tenant);
        }
    }

    pub(super) fn remove(&mut self, tenant: TenantId) {
        self.kinds.remove(&tenant);
        self.standing.remove(&tenant);
    }

    /// How many tenants were upserted.
    pub(super) fn count(&self) -> usize {
        self.kinds.len()
    }
}
