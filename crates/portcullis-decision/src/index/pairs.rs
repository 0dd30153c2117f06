//! Which tenants are linked by at least one indexed relationship, in both
//! directions and in id order: the customers of a partner, the partners of
//! a customer. The searches start here ([`super::search`]); the decision
//! itself never reads it.

use std::collections::BTreeMap;

use portcullis_domain::{Relationship, RelationshipId, TenantId};

use super::HashMap;

type Pair = (TenantId, TenantId);

/// Tenants each counted by how many relationships link them to the key.
type Linked = HashMap<TenantId, BTreeMap<TenantId, u32>>;

#[derive(Debug, Clone, Default)]
pub(super) struct Pairs {
    pair_of: HashMap<RelationshipId, Pair>,
    customers_of: Linked,
    partners_of: Linked,
}

impl Pairs {
    /// The tenants `partner` has relationships with, as customer, in id order.
    pub(super) fn customers_of(&self, partner: TenantId) -> Option<&BTreeMap<TenantId, u32>> {
        self.customers_of.get(&partner)
    }

    /// The tenants that have relationships with `customer`, as partner, in id order.
    pub(super) fn partners_of(&self, customer: TenantId) -> Option<&BTreeMap<TenantId, u32>> {
        self.partners_of.get(&customer)
    }

    pub(super) fn upsert_relationship(&mut self, relationship: &Relationship) {
        let pair = (
            relationship.partner_tenant_id,
            relationship.customer_tenant_id,
        );
        if self.pair_of.get(&relationship.id) == Some(&pair) {
            return;
        }
        self.remove_relationship(relationship.id);
        self.pair_of.insert(relationship.id, pair);
        link(&mut self.customers_of, pair.0, pair.1);
        link(&mut self.partners_of, pair.1, pair.0);
    }

    pub(super) fn remove_relationship(&mut self, id: RelationshipId) {
        if let Some((partner, customer)) = self.pair_of.remove(&id) {
            unlink(&mut self.customers_of, partner, customer);
            unlink(&mut self.partners_of, customer, partner);
        }
    }
}

fn link(map: &mut Linked, from: TenantId, to: TenantId) {
    *map.entry(from).or_default().entry(to).or_default() += 1;
}

fn unlink(map: &mut Linked, from: TenantId, to: TenantId) {
    let Some(targets) = map.get_mut(&from) else {
        return;
    };
    if let Some(count) = targets.get_mut(&to) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            targets.remove(&to);
        }
    }
    if targets.is_empty() {
        map.remove(&from);
    }
}
