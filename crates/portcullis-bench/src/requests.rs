//! The request set: what resource providers would really send. Mostly a
//! partner's staff member asking to do, in a customer the partner manages,
//! something one of their groups' roles allows; then the ways that goes
//! wrong — no activation, the wrong role, a weak session, an expired or
//! missing relationship, a disabled, contained or unknown user, a partner
//! no longer authorized, a customer's network or hours restriction.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use anyhow::Context as _;
use portcullis_decision::DecisionRequest;
use portcullis_domain::{
    AccessAssignment, Action, AssignmentKind, AssignmentStatus, AuthStrength, GroupId,
    RelationshipId, RelationshipStatus, RoleId, TenantId, TenantKind, UserId,
};

use crate::ecosystem::{Ecosystem, NOW};
use crate::rng::Rng;
use crate::vocabulary::ACTIONS;

/// A network no customer allows (a home connection).
const HOME_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));

/// Lookups over the snapshot that the generator needs (built once).
struct Lookup<'a> {
    eco: &'a Ecosystem,
    actions: Vec<Action>,
    /// The positions in `actions` each role permits.
    permitted: HashMap<RoleId, Vec<usize>>,
    partner_of: HashMap<UserId, TenantId>,
    members: HashMap<GroupId, Vec<UserId>>,
    egress: HashMap<TenantId, Ipv4Addr>,
    relationships_of: HashMap<TenantId, Vec<usize>>,
    relationship_at: HashMap<RelationshipId, usize>,
    assignments_of: HashMap<usize, Vec<usize>>,
    /// Active standing and eligible assignments of relationships active now.
    standing: Vec<usize>,
    eligible: Vec<usize>,
    /// Activations running now: (user, assignment position).
    running: Vec<(UserId, usize)>,
    /// Relationships ended by time (`relationship_expired`).
    expired: Vec<usize>,
    restricted: Vec<TenantId>,
    relationships_with: HashMap<TenantId, Vec<usize>>,
    /// Users who are disabled or contained.
    suspended: Vec<UserId>,
    unauthorized: Vec<TenantId>,
    partners: Vec<TenantId>,
    customers: Vec<TenantId>,
}

impl<'a> Lookup<'a> {
    fn new(eco: &'a Ecosystem) -> anyhow::Result<Self> {
        let s = &eco.snapshot;
        let actions = ACTIONS
            .iter()
            .map(|a| Action::parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        let permitted = eco
            .catalog
            .iter()
            .map(|role| {
                let list = (0..actions.len())
                    .filter(|n| actions.get(*n).is_some_and(|a| role.permits(a)))
                    .collect();
                (role.id, list)
            })
            .collect();
        let mut members: HashMap<GroupId, Vec<UserId>> = HashMap::new();
        for m in &s.memberships {
            members.entry(m.group_id).or_default().push(m.user_id);
        }
        let mut relationships_of: HashMap<TenantId, Vec<usize>> = HashMap::new();
        let mut relationships_with: HashMap<TenantId, Vec<usize>> = HashMap::new();
        let mut position = HashMap::new();
        let mut expired = Vec::new();
        for (n, r) in s.relationships.iter().enumerate() {
            relationships_of
                .entry(r.partner_tenant_id)
                .or_default()
                .push(n);
            relationships_with
                .entry(r.customer_tenant_id)
                .or_default()
                .push(n);
            position.insert(r.id, n);
            if r.status_at(NOW) == RelationshipStatus::Expired {
                expired.push(n);
            }
        }
        let mut assignments_of: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut assignment_position = HashMap::new();
        let (mut standing, mut eligible) = (Vec::new(), Vec::new());
        for (n, a) in s.assignments.iter().enumerate() {
            let Some(r) = position.get(&a.relationship_id).copied() else {
                continue;
            };
            assignments_of.entry(r).or_default().push(n);
            assignment_position.insert(a.id, n);
            let live = a.status == AssignmentStatus::Active
                && s.relationships.get(r).is_some_and(|r| r.is_active_at(NOW));
            match (&a.kind, live) {
                (AssignmentKind::Standing, true) => standing.push(n),
                (AssignmentKind::Eligible { .. }, true) => eligible.push(n),
                _ => {}
            }
        }
        let running = s
            .activations
            .iter()
            .filter(|a| a.is_active_at(NOW))
            .filter_map(|a| Some((a.user_id, *assignment_position.get(&a.assignment_id)?)))
            .collect();
        let contained: HashSet<UserId> = s.contained_users.iter().copied().collect();
        let authorized: HashSet<TenantId> = s.authorized_partners.iter().copied().collect();
        let partners: Vec<TenantId> = eco.egress.iter().map(|(p, _)| *p).collect();
        Ok(Self {
            eco,
            actions,
            permitted,
            partner_of: s.users.iter().map(|u| (u.id, u.tenant_id)).collect(),
            members,
            egress: eco
                .egress
                .iter()
                .map(|(p, net)| (*p, host(*net, 10)))
                .collect(),
            relationships_of,
            relationship_at: position,
            assignments_of,
            standing,
            eligible,
            running,
            expired,
            restricted: s.restrictions.iter().map(|(c, _)| *c).collect(),
            relationships_with,
            suspended: s
                .users
                .iter()
                .filter(|u| !u.enabled || contained.contains(&u.id))
                .map(|u| u.id)
                .collect(),
            unauthorized: partners
                .iter()
                .copied()
                .filter(|p| !authorized.contains(p))
                .collect(),
            customers: s
                .tenants
                .iter()
                .filter(|t| t.kind == TenantKind::Customer)
                .map(|t| t.id)
                .collect(),
            partners,
        })
    }

    fn assignment(&self, n: usize) -> Option<&'a AccessAssignment> {
        self.eco.snapshot.assignments.get(n)
    }

    /// An action one of `roles` permits (seven times in eight), else any.
    fn action_for(&self, rng: &mut Rng, roles: impl Iterator<Item = RoleId>) -> Option<Action> {
        let mut allowed: Vec<usize> = roles
            .filter_map(|r| self.permitted.get(&r))
            .flatten()
            .copied()
            .collect();
        allowed.sort_unstable();
        allowed.dedup();
        let n = if rng.chance(875) && !allowed.is_empty() {
            rng.pick(&allowed).copied()?
        } else {
            rng.below(self.actions.len())
        };
        self.actions.get(n).cloned()
    }

    /// A request by a member of the assignment's group, in its customer.
    fn through_assignment(&self, rng: &mut Rng, n: usize) -> Option<DecisionRequest> {
        let assignment = self.assignment(n)?;
        let relationship = self
            .eco
            .snapshot
            .relationships
            .get(*self.relationship_at.get(&assignment.relationship_id)?)?;
        let user = *rng.pick(self.members.get(&assignment.group_id)?)?;
        let action = self.action_for(rng, assignment.roles.iter().copied())?;
        Some(self.request(
            rng,
            relationship.partner_tenant_id,
            user,
            relationship.customer_tenant_id,
            action,
        ))
    }

    /// A request through one of the assignments at positions `among`.
    fn through_one_of(&self, rng: &mut Rng, among: &[usize]) -> Option<DecisionRequest> {
        let n = *rng.pick(among)?;
        self.through_assignment(rng, n)
    }

    /// A request with a typical session: phishing-resistant MFA mostly, from
    /// the partner's egress network mostly.
    fn request(
        &self,
        rng: &mut Rng,
        partner: TenantId,
        user: UserId,
        customer: TenantId,
        action: Action,
    ) -> DecisionRequest {
        let auth_strength = match rng.below(1000) {
            0..880 => AuthStrength::PhishingResistant,
            880..990 => AuthStrength::Mfa,
            _ => AuthStrength::None,
        };
        let source_ip = match rng.below(1000) {
            0..960 => self.egress.get(&partner).map(|ip| IpAddr::V4(*ip)),
            960..995 => Some(HOME_IP),
            _ => None,
        };
        DecisionRequest {
            partner_tenant_id: partner,
            user_id: user,
            customer_tenant_id: customer,
            action,
            auth_strength,
            source_ip,
        }
    }

    /// A member of a random group of one of `partner`'s relationships'
    /// assignments, asking in `customer`.
    fn staff_member(&self, rng: &mut Rng, partner: TenantId) -> Option<UserId> {
        let relationships = self.relationships_of.get(&partner)?;
        let r = *rng.pick(relationships)?;
        let a = *rng.pick(self.assignments_of.get(&r)?)?;
        let group = self.assignment(a)?.group_id;
        rng.pick(self.members.get(&group)?).copied()
    }

    fn one(&self, rng: &mut Rng) -> Option<DecisionRequest> {
        let s = &self.eco.snapshot;
        let roll = rng.below(1000);
        match roll {
            // Standing access, the common case.
            0..560 => self.through_one_of(rng, &self.standing),
            // Just in time: a running activation, or an eligible assignment
            // nobody activated.
            560..620 => {
                let (user, n) = *rng.pick(&self.running)?;
                let mut req = self.through_assignment(rng, n)?;
                req.user_id = user;
                Some(req)
            }
            620..660 => self.through_one_of(rng, &self.eligible),
            // A weak session on standing access.
            660..690 => {
                let mut req = self.through_one_of(rng, &self.standing)?;
                req.auth_strength = if rng.chance(500) {
                    AuthStrength::None
                } else {
                    AuthStrength::Mfa
                };
                Some(req)
            }
            // Staff asking in another of the partner's customers.
            690..800 => {
                let partner = *rng.pick(&self.partners)?;
                let user = self.staff_member(rng, partner)?;
                let r = s
                    .relationships
                    .get(*rng.pick(self.relationships_of.get(&partner)?)?)?;
                let action = self.actions.get(rng.below(self.actions.len()))?.clone();
                Some(self.request(rng, partner, user, r.customer_tenant_id, action))
            }
            // A customer the partner has no relationship with.
            800..840 => {
                let mut req = self.through_one_of(rng, &self.standing)?;
                req.customer_tenant_id = *rng.pick(&self.customers)?;
                Some(req)
            }
            // A relationship that has ended by time.
            840..880 => {
                let r = *rng.pick(&self.expired)?;
                self.through_one_of(rng, self.assignments_of.get(&r)?)
            }
            // A customer with network or hours restrictions.
            880..930 => {
                let customer = rng.pick(&self.restricted)?;
                let r = *rng.pick(self.relationships_with.get(customer)?)?;
                self.through_one_of(rng, self.assignments_of.get(&r)?)
            }
            // A disabled or contained user.
            930..950 => {
                let user = *rng.pick(&self.suspended)?;
                let partner = *self.partner_of.get(&user)?;
                let r = s
                    .relationships
                    .get(*rng.pick(self.relationships_of.get(&partner)?)?)?;
                let action = self.actions.get(rng.below(self.actions.len()))?.clone();
                Some(self.request(rng, partner, user, r.customer_tenant_id, action))
            }
            // A partner that is not authorized.
            950..965 => {
                let partner = *rng.pick(&self.unauthorized)?;
                let r = *rng.pick(self.relationships_of.get(&partner)?)?;
                self.through_one_of(rng, self.assignments_of.get(&r)?)
            }
            // Someone the platform does not know.
            965..985 => {
                let mut req = self.through_one_of(rng, &self.standing)?;
                req.user_id = UserId::from_uuid(rng.uuid());
                Some(req)
            }
            // A real user, claimed by another partner.
            _ => {
                let mut req = self.through_one_of(rng, &self.standing)?;
                req.partner_tenant_id = *rng.pick(&self.partners)?;
                Some(req)
            }
        }
    }
}

/// The host `n` of an IPv4 network.
fn host(net: ipnet::Ipv4Net, n: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()).saturating_add(n))
}

/// `count` requests about `eco`, deterministic for `seed`.
pub fn generate(eco: &Ecosystem, seed: u64, count: usize) -> anyhow::Result<Vec<DecisionRequest>> {
    let lookup = Lookup::new(eco)?;
    let mut rng = Rng::new(seed ^ 0x5EED_0F4E_9E57);
    let mut out = Vec::with_capacity(count);
    let mut misses = 0_usize;
    while out.len() < count {
        match lookup.one(&mut rng) {
            Some(req) => out.push(req),
            // A draw can miss (a group without members, a kind of record
            // this ecosystem lacks); give up only if nearly all do.
            None => {
                misses += 1;
                if misses > count.saturating_mul(20).max(1000) {
                    return Err(anyhow::anyhow!(
                        "the ecosystem is too small to draw `{count}` requests from"
                    ))
                    .context("generating requests");
                }
            }
        }
    }
    Ok(out)
}

/// Picks the side-by-side requests: those whose outcome depends only on
/// what all three engines model. casbin sees neither the customer's
/// restrictions (source network, hours) nor the partner a request claims,
/// so requests to restricted customers and requests naming a real user
/// under another partner are left out.
pub struct ComparisonFilter {
    restricted: HashSet<TenantId>,
    partner_of: HashMap<UserId, TenantId>,
}

impl ComparisonFilter {
    pub fn new(eco: &Ecosystem) -> Self {
        Self {
            restricted: eco.snapshot.restrictions.iter().map(|(c, _)| *c).collect(),
            partner_of: eco
                .snapshot
                .users
                .iter()
                .map(|u| (u.id, u.tenant_id))
                .collect(),
        }
    }

    pub fn accepts(&self, req: &DecisionRequest) -> bool {
        !self.restricted.contains(&req.customer_tenant_id)
            && self
                .partner_of
                .get(&req.user_id)
                .is_none_or(|p| *p == req.partner_tenant_id)
    }
}
