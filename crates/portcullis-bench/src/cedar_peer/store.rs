//! Writing every policy of the ecosystem, grouped by customer (the policy
//! store of each tenant), with the keys a slice looks permits up by; and
//! one entity store per partner.

use std::collections::HashMap;

use cedar_policy::{Entities, Entity, Policy, PolicyId};
use portcullis_domain::{
    ActivationStatus, AssignmentKind, AssignmentStatus, GroupId, RelationshipId, TenantId, UserId,
};

use super::entities::EntityIndex;
use super::{parse, policies};
use crate::ecosystem::Ecosystem;

/// A permit, by id, and the relationship entity its condition reads.
pub(super) struct Keyed {
    pub id: PolicyId,
    pub relationship: RelationshipId,
}

/// Every policy of `eco`, by customer, with the keys a slice looks them up by.
pub(super) type Written = (
    HashMap<TenantId, Vec<Policy>>,
    HashMap<TenantId, Vec<PolicyId>>,
    HashMap<(GroupId, TenantId), Vec<Keyed>>,
    HashMap<(UserId, TenantId), Vec<Keyed>>,
);

/// Parses the guardrail-free policies: restrictions, standing permits, activation permits.
pub(super) fn write_policies(eco: &Ecosystem, index: &EntityIndex) -> anyhow::Result<Written> {
    let s = &eco.snapshot;
    let relationship_at: HashMap<RelationshipId, usize> = s
        .relationships
        .iter()
        .enumerate()
        .map(|(n, r)| (r.id, n))
        .collect();
    let mut by_customer: HashMap<TenantId, Vec<Policy>> = HashMap::new();
    let mut restrictions = HashMap::new();
    let mut by_group_customer: HashMap<_, Vec<Keyed>> = HashMap::new();
    let mut by_user_customer: HashMap<_, Vec<Keyed>> = HashMap::new();

    for (customer, restriction) in &s.restrictions {
        let mut ids = Vec::new();
        for (k, text) in policies::restrictions(*customer, restriction)
            .iter()
            .enumerate()
        {
            let policy = parse(format!("restriction-{customer}-{k}"), text)?;
            ids.push(policy.id().clone());
            by_customer.entry(*customer).or_default().push(policy);
        }
        restrictions.insert(*customer, ids);
    }

    let mut assignment_at = HashMap::new();
    for (n, a) in s.assignments.iter().enumerate() {
        assignment_at.insert(a.id, n);
        let Some(r) = relationship_at
            .get(&a.relationship_id)
            .and_then(|n| s.relationships.get(*n))
        else {
            continue;
        };
        // Only an active standing assignment of a relationship stored as
        // active grants by itself; whether the relationship has ended by
        // `now` is for Cedar to evaluate.
        if a.status != AssignmentStatus::Active
            || a.kind != AssignmentKind::Standing
            || !index.relationships.contains_key(&r.id)
        {
            continue;
        }
        let text = policies::standing(a, r, &eco.catalog);
        let policy = parse(format!("assignment-{}", a.id), &text)?;
        by_group_customer
            .entry((a.group_id, r.customer_tenant_id))
            .or_default()
            .push(Keyed {
                id: policy.id().clone(),
                relationship: r.id,
            });
        by_customer
            .entry(r.customer_tenant_id)
            .or_default()
            .push(policy);
    }

    for v in &s.activations {
        let Some(a) = assignment_at
            .get(&v.assignment_id)
            .and_then(|n| s.assignments.get(*n))
        else {
            continue;
        };
        let Some(r) = relationship_at
            .get(&a.relationship_id)
            .and_then(|n| s.relationships.get(*n))
        else {
            continue;
        };
        if v.status != ActivationStatus::Active
            || a.status != AssignmentStatus::Active
            || a.kind == AssignmentKind::Standing
            || !index.relationships.contains_key(&r.id)
        {
            continue;
        }
        let Some(text) = policies::activated(v, a, r, &eco.catalog) else {
            continue;
        };
        let policy = parse(format!("activation-{}", v.id), &text)?;
        by_user_customer
            .entry((v.user_id, r.customer_tenant_id))
            .or_default()
            .push(Keyed {
                id: policy.id().clone(),
                relationship: r.id,
            });
        by_customer
            .entry(r.customer_tenant_id)
            .or_default()
            .push(policy);
    }
    Ok((
        by_customer,
        restrictions,
        by_group_customer,
        by_user_customer,
    ))
}

/// One entity store per partner: its users, itself, its relationships
/// (stored as active) and every action of the vocabulary.
pub(super) fn partner_stores(
    eco: &Ecosystem,
    index: &EntityIndex,
) -> anyhow::Result<HashMap<TenantId, Entities>> {
    let mut members: HashMap<TenantId, Vec<Entity>> = HashMap::new();
    for u in &eco.snapshot.users {
        if let Some((entity, _)) = index.users.get(&u.id) {
            members.entry(u.tenant_id).or_default().push(entity.clone());
        }
    }
    for r in &eco.snapshot.relationships {
        if let Some(entity) = index.relationships.get(&r.id) {
            members
                .entry(r.partner_tenant_id)
                .or_default()
                .push(entity.clone());
        }
    }
    let mut out = HashMap::new();
    for (partner, entity) in &index.partners {
        let mut list = members.remove(partner).unwrap_or_default();
        list.push(entity.clone());
        list.extend(index.actions.values().cloned());
        out.insert(*partner, Entities::from_entities(list, None)?);
    }
    Ok(out)
}
