//! casbin, RBAC with domains (`g = _, _, _`, the domain is the customer
//! tenant), loaded through its management API with the plain and the cached
//! enforcer.
//!
//! casbin has no notion of time, of a user's state or of a partner's
//! authorization, so the lines are written for one instant: only
//! relationships active at that instant, assignments that are active,
//! activations running then, users enabled and not contained, partners
//! authorized. Any change of state — or simply time passing — means
//! writing the lines again. Customer restrictions (source network, hours)
//! are not modeled.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use casbin::{CachedApi, CachedEnforcer, CoreApi, DefaultCache, DefaultModel, Enforcer, MgmtApi};
use portcullis_decision::DecisionRequest;
use portcullis_domain::{
    AssignmentKind, AssignmentStatus, AuthStrength, GroupId, RoleCatalog, TenantId, Timestamp,
    UserId,
};

use crate::ecosystem::Ecosystem;

/// The model. A role's permissions are `p` lines valid in every domain;
/// `g` lines put a user in a group, a group in a role, or (for a running
/// activation) a user in a role, within one customer's domain. `strength`
/// is `0` (none), `1` (MFA) or `2` (phishing resistant); a line of a
/// privileged role asks for `2`.
pub const MODEL: &str = r#"[request_definition]
r = sub, dom, act, strength

[policy_definition]
p = sub, act, strength

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = keyMatch(r.act, p.act) && r.strength >= p.strength && g(r.sub, p.sub, r.dom)
"#;

/// The lines casbin is loaded with.
#[derive(Debug, Clone)]
pub struct Lines {
    pub policies: Vec<Vec<String>>,
    pub groupings: Vec<Vec<String>>,
}

fn role(id: impl std::fmt::Display) -> String {
    format!("role:{id}")
}

fn group(id: GroupId) -> String {
    format!("group:{id}")
}

/// The `p` lines of the catalog and the `g` lines of `eco` at `now`.
pub fn lines(eco: &Ecosystem, now: Timestamp) -> Lines {
    let s = &eco.snapshot;
    let policies = role_lines(&eco.catalog);

    let authorized: HashSet<TenantId> = s.authorized_partners.iter().copied().collect();
    let contained: HashSet<UserId> = s.contained_users.iter().copied().collect();
    let eligible_user: HashSet<UserId> = s
        .users
        .iter()
        .filter(|u| u.enabled && !contained.contains(&u.id))
        .map(|u| u.id)
        .collect();
    let mut members: HashMap<GroupId, Vec<UserId>> = HashMap::new();
    for m in &s.memberships {
        if eligible_user.contains(&m.user_id) {
            members.entry(m.group_id).or_default().push(m.user_id);
        }
    }
    let live: HashMap<_, _> = s
        .relationships
        .iter()
        .filter(|r| r.is_active_at(now) && authorized.contains(&r.partner_tenant_id))
        .map(|r| (r.id, r.customer_tenant_id))
        .collect();

    // Typed keys first (cheap to hash), text only for new lines.
    let mut roles_of_group = HashSet::new();
    let mut members_in_domain = HashSet::new();
    let mut activated_roles = HashSet::new();
    let mut groupings = Vec::new();
    let mut eligible = HashMap::new();
    for a in &s.assignments {
        let Some(customer) = live.get(&a.relationship_id) else {
            continue;
        };
        if a.status != AssignmentStatus::Active {
            continue;
        }
        if a.kind != AssignmentKind::Standing {
            eligible.insert(a.id, (a, *customer));
            continue;
        }
        for r in &a.roles {
            if roles_of_group.insert((a.group_id, *r, *customer)) {
                groupings.push(vec![group(a.group_id), role(r), customer.to_string()]);
            }
        }
        for user in members.get(&a.group_id).into_iter().flatten() {
            if members_in_domain.insert((*user, a.group_id, *customer)) {
                groupings.push(vec![
                    user.to_string(),
                    group(a.group_id),
                    customer.to_string(),
                ]);
            }
        }
    }
    for v in &s.activations {
        let Some((a, customer)) = eligible.get(&v.assignment_id) else {
            continue;
        };
        let member = members
            .get(&a.group_id)
            .is_some_and(|list| list.contains(&v.user_id));
        if !v.is_active_at(now) || !member {
            continue;
        }
        for r in &a.roles {
            if activated_roles.insert((v.user_id, *r, *customer)) {
                groupings.push(vec![v.user_id.to_string(), role(r), customer.to_string()]);
            }
        }
    }
    Lines {
        policies,
        groupings,
    }
}

/// One `p` line per role and action pattern, with the session strength it needs.
fn role_lines(catalog: &RoleCatalog) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for r in catalog.iter() {
        let strength = if r.privileged { "2" } else { "1" };
        for pattern in &r.actions {
            out.push(vec![role(r.id), pattern.to_string(), strength.to_owned()]);
        }
    }
    out
}

fn strength(req: &DecisionRequest) -> &'static str {
    match req.auth_strength {
        AuthStrength::None => "0",
        AuthStrength::Mfa => "1",
        AuthStrength::PhishingResistant => "2",
    }
}

/// The arguments of `enforce` for a request (casbin does not see the
/// partner, the source address or the time).
pub fn args(req: &DecisionRequest) -> (String, String, String, &'static str) {
    (
        req.user_id.to_string(),
        req.customer_tenant_id.to_string(),
        req.action.as_str().to_owned(),
        strength(req),
    )
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting a runtime for casbin's async loading")
}

async fn load<E: CoreApi + MgmtApi>(mut enforcer: E, lines: Lines) -> anyhow::Result<E> {
    enforcer.enable_auto_save(false);
    let added = enforcer.add_policies(lines.policies).await?
        && enforcer.add_grouping_policies(lines.groupings).await?;
    anyhow::ensure!(added, "casbin refused some lines as duplicates");
    Ok(enforcer)
}

/// The plain enforcer, loaded with `lines`.
pub fn plain(lines: Lines) -> anyhow::Result<Enforcer> {
    runtime()?.block_on(async {
        let model = DefaultModel::from_str(MODEL).await?;
        load(Enforcer::new(model, ()).await?, lines).await
    })
}

/// The cached enforcer, loaded with `lines`, its cache sized to hold
/// `capacity` answers.
pub fn cached(lines: Lines, capacity: usize) -> anyhow::Result<CachedEnforcer> {
    runtime()?.block_on(async {
        let model = DefaultModel::from_str(MODEL).await?;
        let mut enforcer = load(CachedEnforcer::new(model, ()).await?, lines).await?;
        enforcer.set_cache(Box::new(DefaultCache::new(capacity)));
        Ok(enforcer)
    })
}
