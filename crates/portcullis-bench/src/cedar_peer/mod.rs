//! Cedar, used the way its deployments use it: a policy per grant, entities
//! with parents for groups, and — since Cedar evaluates every policy it is
//! handed and has no policy index — only the policies and entities that
//! can matter for the request.
//!
//! Two deployments are measured:
//! - **per-request slice** ([`CedarPeer::slice`]): for each request, plain
//!   hash lookups find the permits of this user's groups and activations in
//!   this customer, the customer's restrictions and the guardrail, and the
//!   entities those read (the user, the partner, the relationships, the
//!   action); a `PolicySet` and an `Entities` are built from them. This
//!   slicing is timed apart from `is_authorized`.
//! - **prebuilt stores** ([`CedarPeer::prebuilt`]): one policy set per
//!   customer tenant (the per-tenant policy store of Amazon Verified
//!   Permissions' multi-tenant guidance) and one entity store per partner
//!   tenant, built once; a request only looks the two up.
//!
//! Model (namespace `Portcullis`):
//! - `User` — attributes `enabled`, `contained`, `partner`; parents: its
//!   `Group`s.
//! - `Partner` — attribute `authorized`.
//! - `Relationship` — attributes `end` (a `datetime`) and `auto_extends`.
//! - `Action` — a concrete action (`users.password.reset`) has as parents
//!   the action groups `role:<template id>` of the roles that permit it: a
//!   role is an action group.
//! - `Customer` — the resource.
//! - context: `now` (`datetime`), `strength` (0 none, 1 MFA, 2 phishing
//!   resistant), `partner` (the partner the request names) and, when the
//!   request has one, `source_ip` (`ipaddr`).

mod entities;
mod policies;
mod store;

use std::collections::HashMap;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Policy, PolicyId, PolicySet, Request,
    RestrictedExpression,
};
use portcullis_decision::DecisionRequest;
use portcullis_domain::{AuthStrength, GroupId, RelationshipId, TenantId, Timestamp, UserId};

use crate::ecosystem::Ecosystem;
use entities::{EntityIndex, Types};
pub use policies::GUARDRAIL;
use store::Keyed;

/// The Cedar side of the benchmark.
pub struct CedarPeer {
    authorizer: Authorizer,
    types: Types,
    now: String,
    guardrail: Policy,
    /// Every policy that concerns a customer: its permits, its
    /// restrictions and the guardrail (the policy store of the tenant).
    by_customer: HashMap<TenantId, PolicySet>,
    only_guardrail: PolicySet,
    restrictions: HashMap<TenantId, Vec<PolicyId>>,
    by_group_customer: HashMap<(GroupId, TenantId), Vec<Keyed>>,
    by_user_customer: HashMap<(UserId, TenantId), Vec<Keyed>>,
    entities: EntityIndex,
    /// Each partner's users, the partner, its relationships and the actions.
    by_partner: HashMap<TenantId, Entities>,
    no_entities: Entities,
    catalog: portcullis_domain::RoleCatalog,
    policy_count: usize,
}

/// A request ready for Cedar, with its slice.
pub struct Slice {
    pub request: Request,
    pub policies: PolicySet,
    pub entities: Entities,
}

/// Parses one policy, naming it `id`.
fn parse(id: String, text: &str) -> anyhow::Result<Policy> {
    Policy::parse(Some(PolicyId::new(&id)), text)
        .map_err(|e| anyhow::anyhow!("cedar policy `{id}` does not parse: {e}\n{text}"))
}

impl CedarPeer {
    /// Writes and parses every policy and entity of `eco`, for decisions at `now`.
    pub fn build(eco: &Ecosystem, now: Timestamp) -> anyhow::Result<Self> {
        let types = Types::new()?;
        let index = entities::index(eco, &types)?;
        let guardrail = parse("guardrail".to_owned(), GUARDRAIL)?;
        let (policies, restrictions, by_group_customer, by_user_customer) =
            store::write_policies(eco, &index)?;
        let policy_count = 1 + policies.values().map(Vec::len).sum::<usize>();
        let by_customer = policies
            .into_iter()
            .map(|(customer, mut list)| {
                list.push(guardrail.clone());
                Ok((customer, PolicySet::from_policies(list)?))
            })
            .collect::<anyhow::Result<HashMap<_, _>>>()?;
        let by_partner = store::partner_stores(eco, &index)?;
        Ok(Self {
            authorizer: Authorizer::new(),
            types,
            now: policies::rfc3339_millis(now.unix_millis()),
            only_guardrail: PolicySet::from_policies([guardrail.clone()])?,
            guardrail,
            by_customer,
            restrictions,
            by_group_customer,
            by_user_customer,
            entities: index,
            by_partner,
            no_entities: Entities::empty(),
            catalog: eco.catalog.clone(),
            policy_count,
        })
    }

    /// How many policies there are in all.
    pub fn policy_count(&self) -> usize {
        self.policy_count
    }

    /// The Cedar request: principal, action, resource and context.
    fn request(&self, req: &DecisionRequest) -> anyhow::Result<Request> {
        let strength = match req.auth_strength {
            AuthStrength::None => 0,
            AuthStrength::Mfa => 1,
            AuthStrength::PhishingResistant => 2,
        };
        let mut context = vec![
            (
                "now".to_owned(),
                RestrictedExpression::new_datetime(&self.now),
            ),
            (
                "strength".to_owned(),
                RestrictedExpression::new_long(strength),
            ),
            (
                "partner".to_owned(),
                RestrictedExpression::new_entity_uid(Types::uid(
                    &self.types.partner,
                    req.partner_tenant_id,
                )),
            ),
        ];
        if let Some(ip) = req.source_ip {
            context.push((
                "source_ip".to_owned(),
                RestrictedExpression::new_ip(ip.to_string()),
            ));
        }
        Ok(Request::new(
            Types::uid(&self.types.user, req.user_id),
            Types::uid(&self.types.action, req.action.as_str()),
            Types::uid(&self.types.customer, req.customer_tenant_id),
            Context::from_pairs(context)?,
            None,
        )?)
    }

    /// The request and the slice of policies and entities that concern this
    /// user and this customer: the guardrail, the customer's restrictions,
    /// the permits of the user's groups and activations in this customer;
    /// the user, the partner, the relationships those permits read, the action.
    pub fn slice(&self, req: &DecisionRequest) -> anyhow::Result<Slice> {
        let customer = req.customer_tenant_id;
        let mut policies = vec![self.guardrail.clone()];
        let mut entities = Vec::with_capacity(6);
        if let Some(set) = self.by_customer.get(&customer) {
            let mut read: Vec<RelationshipId> = Vec::new();
            let mut ids: Vec<&PolicyId> = self
                .restrictions
                .get(&customer)
                .map(|ids| ids.iter().collect())
                .unwrap_or_default();
            let groups = self
                .entities
                .users
                .get(&req.user_id)
                .map(|(_, groups)| groups.as_slice())
                .unwrap_or_default();
            let permits = groups
                .iter()
                .filter_map(|group| self.by_group_customer.get(&(*group, customer)))
                .chain(self.by_user_customer.get(&(req.user_id, customer)))
                .flatten();
            for k in permits {
                ids.push(&k.id);
                if !read.contains(&k.relationship) {
                    read.push(k.relationship);
                }
            }
            policies.extend(ids.into_iter().filter_map(|id| set.policy(id)).cloned());
            entities.extend(
                read.iter()
                    .filter_map(|r| self.entities.relationships.get(r))
                    .cloned(),
            );
        }
        if let Some((user, _)) = self.entities.users.get(&req.user_id) {
            entities.push(user.clone());
        }
        if let Some(partner) = self.entities.partners.get(&req.partner_tenant_id) {
            entities.push(partner.clone());
        }
        entities.push(match self.entities.actions.get(req.action.as_str()) {
            Some(action) => action.clone(),
            None => entities::action(&self.types, &self.catalog, req.action.as_str()),
        });
        Ok(Slice {
            request: self.request(req)?,
            policies: PolicySet::from_policies(policies)?,
            entities: Entities::from_entities(entities, None)?,
        })
    }

    /// Cedar's answer on a slice.
    pub fn authorize(&self, slice: &Slice) -> bool {
        self.authorize_with(&slice.request, &slice.policies, &slice.entities)
    }

    /// Cedar's answer: `is_authorized`, allow or not.
    pub fn authorize_with(
        &self,
        request: &Request,
        policies: &PolicySet,
        entities: &Entities,
    ) -> bool {
        self.authorizer
            .is_authorized(request, policies, entities)
            .decision()
            == Decision::Allow
    }

    /// Slice, then authorize.
    pub fn decide(&self, req: &DecisionRequest) -> anyhow::Result<bool> {
        Ok(self.authorize(&self.slice(req)?))
    }

    /// The request, the customer's policy set and the partner's entity store.
    pub fn prebuilt(
        &self,
        req: &DecisionRequest,
    ) -> anyhow::Result<(Request, &PolicySet, &Entities)> {
        let policies = self
            .by_customer
            .get(&req.customer_tenant_id)
            .unwrap_or(&self.only_guardrail);
        let entities = self
            .by_partner
            .get(&req.partner_tenant_id)
            .unwrap_or(&self.no_entities);
        Ok((self.request(req)?, policies, entities))
    }

    /// Looks up the prebuilt stores, then authorizes.
    pub fn decide_prebuilt(&self, req: &DecisionRequest) -> anyhow::Result<bool> {
        let (request, policies, entities) = self.prebuilt(req)?;
        Ok(self.authorize_with(&request, policies, entities))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guardrail_parses() {
        assert!(parse("guardrail".to_owned(), GUARDRAIL).is_ok());
    }

    #[test]
    fn the_namespace_is_the_one_the_types_use() {
        let types = Types::new().expect("types");
        assert_eq!(
            types.user.to_string(),
            format!("{}::User", policies::NAMESPACE)
        );
    }
}
