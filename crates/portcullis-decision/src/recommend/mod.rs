//! Least-privilege recommendations from role usage (see
//! `docs/least-privilege.md`):
//!
//! - a role of an assignment that allowed nothing in the window → remove it
//!   ([`RecommendationKind::RemoveRole`]);
//! - a standing assignment with privileged roles, every role of it used on
//!   at most `rare_days` days and some privileged one used → make it
//!   eligible ([`RecommendationKind::MakeEligible`]);
//! - a relationship whose used actions a set of catalog roles permitting
//!   fewer actions covers → that set ([`RecommendationKind::NarrowRelationship`],
//!   found by [`cover`]).
//!
//! Only active relationships and active assignments that existed for the
//! whole window are judged: something younger has not been watched long
//! enough to say it is unused.

mod cover;
mod rules;
pub(crate) mod vocabulary;

use std::collections::{BTreeSet, HashMap};

use portcullis_domain::{
    AccessAssignment, Action, AssignmentId, AssignmentStatus, Recommendation, RelationshipId,
    RelationshipStatus, RoleCatalog, RoleId, Timestamp, UsageWindow,
};

use vocabulary::Vocabulary;

/// How a recommendation computation judges usage.
#[derive(Debug, Clone, Copy)]
pub struct RecommendParams {
    pub window: UsageWindow,
    pub now: Timestamp,
    /// A privileged role used on at most this many days is used rarely.
    pub rare_days: u32,
}

impl RecommendParams {
    /// `rare_days` one tenth of the window (at least one day).
    pub fn new(window: UsageWindow, now: Timestamp) -> Self {
        Self {
            window,
            now,
            rare_days: (window.days() / 10).max(1),
        }
    }
}

/// Allowed decisions, distinct days of use and the last use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleUse {
    pub allowed: u64,
    pub days_used: u32,
    pub last_used: Option<Timestamp>,
}

impl RoleUse {
    /// Adds another use (days: the most of the two, a lower bound of the union).
    pub fn add(&mut self, other: RoleUse) {
        self.allowed += other.allowed;
        self.days_used = self.days_used.max(other.days_used);
        self.last_used = self.last_used.max(other.last_used);
    }
}

/// The usage over the window that recommendations are computed from.
#[derive(Debug, Clone, Default)]
pub struct UsageFacts {
    /// Per assignment and role.
    pub roles: HashMap<(AssignmentId, RoleId), RoleUse>,
    /// Per relationship: its total use and the actions used through it.
    pub relationships: HashMap<RelationshipId, (RoleUse, BTreeSet<Action>)>,
}

/// Every recommendation for these relationships and assignments, ordered by
/// relationship, then kind, then id.
pub fn recommend(
    catalog: &RoleCatalog,
    relationships: &[portcullis_domain::Relationship],
    assignments: &[AccessAssignment],
    facts: &UsageFacts,
    params: &RecommendParams,
) -> Vec<Recommendation> {
    let since = params.window.since(params.now);
    let vocabulary = Vocabulary::new(
        catalog,
        facts.relationships.values().flat_map(|(_, a)| a.iter()),
    );
    let judged: HashMap<RelationshipId, &portcullis_domain::Relationship> = relationships
        .iter()
        .filter(|r| r.status_at(params.now) == RelationshipStatus::Active)
        .map(|r| (r.id, r))
        .collect();
    let rules = rules::Rules {
        catalog,
        vocabulary: &vocabulary,
        facts,
        params,
        since,
    };
    let mut out = Vec::new();
    for assignment in assignments {
        let Some(relationship) = judged.get(&assignment.relationship_id) else {
            continue;
        };
        if assignment.status != AssignmentStatus::Active || assignment.created_at > since {
            continue;
        }
        out.extend(rules.remove_roles(relationship, assignment));
        out.extend(rules.make_eligible(relationship, assignment));
    }
    for relationship in judged.values() {
        if relationship.activated_at.unwrap_or(relationship.created_at) <= since {
            out.extend(rules.narrow(relationship));
        }
    }
    out.sort_by(|a, b| (a.relationship_id, a.kind, &a.id).cmp(&(b.relationship_id, b.kind, &b.id)));
    out
}
