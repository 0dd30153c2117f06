//! The searches: which partner users may do an action in a customer tenant
//! now, which customer tenants a user may do it in, which actions a user
//! may do in a customer tenant. Each answer is exactly the set of
//! candidates for which [`DecisionIndex::decide`] allows (a property test
//! holds it to exhaustive decisions): the index narrows the candidates to
//! those a grant could reach — the members of the groups assigned in a
//! customer's relationships, the customers of the user's partner, the
//! actions the role catalog names — and each candidate is then decided.
//!
//! Results come in id order (actions in name order), a page at a time: a
//! page starts after the last result of the previous one, so paging needs
//! no state in the index and stays valid as the index changes.

use std::net::IpAddr;
use std::ops::Bound;

use portcullis_domain::{
    Action, AuthStrength, RelationshipStatus, RoleCatalog, TenantId, TenantKind, Timestamp, UserId,
};

use super::DecisionIndex;
use super::links::{Assigned, Linked};
use super::matcher::Places;
use super::users::Person;
use crate::DecisionRequest;

/// The session a search asks about: what every result's decision is asked
/// with besides the searched-for entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchSession {
    pub auth_strength: AuthStrength,
    pub source_ip: Option<IpAddr>,
}

/// One page of a search: at most the asked number of results, in order,
/// and whether more follow the last of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> SearchPage<T> {
    fn empty() -> Self {
        Self {
            items: Vec::new(),
            more: false,
        }
    }
}

/// The actions a search for actions considers: every action the role
/// catalog names (each exact action, and the prefix of each `prefix.*`), in
/// name order. Patterns permit infinitely many actions; these are the ones
/// with a name.
#[derive(Debug, Clone, Default)]
pub(super) struct Vocabulary(Vec<Action>);

impl Vocabulary {
    pub(super) fn of(catalog: &RoleCatalog) -> Self {
        Self(
            crate::recommend::vocabulary::catalog_actions(catalog)
                .into_iter()
                .collect(),
        )
    }
}

/// The first `limit` candidates that `allowed` admits, and whether another follows.
fn page<T>(
    candidates: impl Iterator<Item = T>,
    limit: usize,
    mut allowed: impl FnMut(&T) -> bool,
) -> SearchPage<T> {
    let mut items = Vec::new();
    for candidate in candidates {
        if !allowed(&candidate) {
            continue;
        }
        if items.len() == limit {
            return SearchPage { items, more: true };
        }
        items.push(candidate);
    }
    SearchPage { items, more: false }
}

impl DecisionIndex {
    /// The partner tenant of `user`, when the index knows the user.
    pub fn partner_of(&self, user: UserId) -> Option<TenantId> {
        self.people.get(user)?.account.map(|a| a.tenant)
    }

    /// The actions [`DecisionIndex::actions_permitted`] considers, in name order.
    pub fn action_vocabulary(&self) -> &[Action] {
        &self.vocabulary.0
    }

    /// The partner users, in id order after `after`, whom
    /// [`DecisionIndex::decide`] allows `action` in `customer` at `now` in
    /// `session`, each asked with its own partner tenant.
    pub fn subjects_permitted(
        &self,
        customer: TenantId,
        action: &Action,
        session: SearchSession,
        now: Timestamp,
        after: Option<UserId>,
        limit: usize,
    ) -> SearchPage<UserId> {
        if !self.session_may_pass(customer, session, now) {
            return SearchPage::empty();
        }
        let permitted = self.roles.permitting(action);
        let mut candidates: Vec<(UserId, TenantId)> = Vec::new();
        let partners = self.pairs.partners_of(customer).into_iter().flatten();
        for partner in partners.map(|(p, _)| *p) {
            if !self.partner_in_standing(partner, now) {
                continue;
            }
            for linked in self.granting(partner, customer, now) {
                let assignments = linked.assignments.iter();
                for assigned in assignments.filter(|a| self.may_grant(a, Some(&permitted))) {
                    let members = self.people.members(assigned.group).iter();
                    let members = members.filter(|u| after.is_none_or(|a| **u > a));
                    candidates.extend(
                        members
                            .filter(|u| self.user_may_pass(**u, partner))
                            .map(|u| (*u, partner)),
                    );
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let Some(&(first, partner)) = candidates.first() else {
            return SearchPage::empty();
        };
        let mut request = search_request(partner, first, customer, action, session);
        let found = page(candidates.into_iter(), limit, |(user, partner)| {
            request.user_id = *user;
            request.partner_tenant_id = *partner;
            self.decide(&request, now).is_allowed()
        });
        SearchPage {
            items: found.items.into_iter().map(|(user, _)| user).collect(),
            more: found.more,
        }
    }

    /// The customer tenants, in id order after `after`, in which
    /// [`DecisionIndex::decide`] allows `user` (asked with its own partner
    /// tenant) `action` at `now` in `session`.
    pub fn customers_permitted(
        &self,
        user: UserId,
        action: &Action,
        session: SearchSession,
        now: Timestamp,
        after: Option<TenantId>,
        limit: usize,
    ) -> SearchPage<TenantId> {
        let Some((person, partner)) = self.person_in_standing(user, session, now) else {
            return SearchPage::empty();
        };
        let Some(customers) = self.pairs.customers_of(partner) else {
            return SearchPage::empty();
        };
        let permitted = self.roles.permitting(action);
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let candidates = customers
            .range((from, Bound::Unbounded))
            .map(|(c, _)| *c)
            .filter(|c| self.holds_assignment(person, partner, *c, now, Some(&permitted)));
        let mut request = search_request(partner, user, partner, action, session);
        page(candidates, limit, |customer| {
            request.customer_tenant_id = *customer;
            self.decide(&request, now).is_allowed()
        })
    }

    /// The actions of [`DecisionIndex::action_vocabulary`], in name order
    /// after `after`, that [`DecisionIndex::decide`] allows `user` (asked
    /// with its own partner tenant) in `customer` at `now` in `session`.
    pub fn actions_permitted(
        &self,
        user: UserId,
        customer: TenantId,
        session: SearchSession,
        now: Timestamp,
        after: Option<&Action>,
        limit: usize,
    ) -> SearchPage<Action> {
        let Some((person, partner)) = self.person_in_standing(user, session, now) else {
            return SearchPage::empty();
        };
        if !self.session_may_pass(customer, session, now)
            || !self.holds_assignment(person, partner, customer, now, None)
        {
            return SearchPage::empty();
        }
        let vocabulary = &self.vocabulary.0;
        let start = after.map_or(0, |a| vocabulary.partition_point(|v| v <= a));
        let Some(first) = vocabulary.get(start) else {
            return SearchPage::empty();
        };
        let mut request = search_request(partner, user, customer, first, session);
        let found = page(vocabulary.iter().skip(start), limit, |action| {
            request.action.clone_from(action);
            self.decide(&request, now).is_allowed()
        });
        SearchPage {
            items: found.items.into_iter().cloned().collect(),
            more: found.more,
        }
    }

    /// Whether anyone may be allowed anything in `customer` in `session`:
    /// an allow needs MFA (any grant without it is `mfa_required`) and the
    /// customer's restrictions met.
    fn session_may_pass(&self, customer: TenantId, session: SearchSession, now: Timestamp) -> bool {
        session.auth_strength != AuthStrength::None
            && self
                .restrictions
                .get(&customer)
                .is_none_or(|r| r.allows_ip(session.source_ip) && r.allows_time(now))
    }

    /// Whether `partner` is a partner tenant, authorized and not suspended
    /// for its posture at `now`.
    fn partner_in_standing(&self, partner: TenantId, now: Timestamp) -> bool {
        self.tenants.get(&partner) == Some(&TenantKind::Partner)
            && self.authorized.contains(&partner)
            && self.posture.get(&partner).is_none_or(|from| now < *from)
    }

    /// Whether `user` is an enabled, uncontained user of `partner`.
    fn user_may_pass(&self, user: UserId, partner: TenantId) -> bool {
        self.people
            .get(user)
            .and_then(|p| p.account)
            .is_some_and(|a| a.tenant == partner && a.enabled)
            && !self.contained.contains(&user)
    }

    /// The user and its partner tenant, when both may pass and the session
    /// has MFA; `None` when nothing can be allowed to this user now.
    fn person_in_standing(
        &self,
        user: UserId,
        session: SearchSession,
        now: Timestamp,
    ) -> Option<(&Person, TenantId)> {
        let partner = self.partner_of(user)?;
        let person = self.people.get(user)?;
        (session.auth_strength != AuthStrength::None
            && self.user_may_pass(user, partner)
            && self.partner_in_standing(partner, now))
        .then_some((person, partner))
    }

    /// The relationships between the tenants that can grant at `now`:
    /// active and not contained.
    fn granting(
        &self,
        partner: TenantId,
        customer: TenantId,
        now: Timestamp,
    ) -> impl Iterator<Item = &Linked> + '_ {
        self.links
            .between(partner, customer)
            .iter()
            .filter(move |l| {
                l.lifetime.status_at(now) == RelationshipStatus::Active
                    && !self.contained_relationships.contains(&l.id)
            })
    }

    /// Whether one of `person`'s groups holds an assignment in a granting
    /// relationship between `partner` and `customer` (with a role among
    /// `permitted`, when given).
    fn holds_assignment(
        &self,
        person: &Person,
        partner: TenantId,
        customer: TenantId,
        now: Timestamp,
        permitted: Option<&Places>,
    ) -> bool {
        self.granting(partner, customer, now)
            .flat_map(|l| l.assignments.iter())
            .any(|a| person.groups.contains(&a.group) && self.may_grant(a, permitted))
    }

    /// Whether `assigned` holds a catalog role among `permitted` (any
    /// catalog role when `None`): only then can it grant.
    fn may_grant(&self, assigned: &Assigned, permitted: Option<&Places>) -> bool {
        match permitted {
            Some(places) => assigned
                .roles
                .iter()
                .any(|r| self.roles.get_if(*r, places).is_some()),
            None => true,
        }
    }
}

/// The request a search decides, changed in place from one candidate to
/// the next (reusing the action's buffer).
fn search_request(
    partner: TenantId,
    user: UserId,
    customer: TenantId,
    action: &Action,
    session: SearchSession,
) -> DecisionRequest {
    DecisionRequest {
        partner_tenant_id: partner,
        user_id: user,
        customer_tenant_id: customer,
        action: action.clone(),
        auth_strength: session.auth_strength,
        source_ip: session.source_ip,
    }
}
