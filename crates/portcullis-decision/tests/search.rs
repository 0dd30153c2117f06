//! Every search answers exactly what exhaustive decisions answer: the
//! users, customers or actions for which `decide` allows, in order, and
//! paging through small pages gives the same list as one large page.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use portcullis_decision::{
    DecisionIndex, DecisionRequest, SearchPage, SearchSession, decide_naive,
};
use portcullis_domain::{
    AccessSnapshot, Action, AssignmentKind, AssignmentStatus, RelationshipStatus, RoleCatalog,
    TenantId, Timestamp, UserId,
};
use proptest::prelude::*;
use support::{ACTIONS, Rng, ecosystem, request};

/// Every page of a search with pages of `limit`, concatenated; checks that
/// only the last page says no more follow.
fn all_pages<T: Clone>(limit: usize, mut search: impl FnMut(Option<T>) -> SearchPage<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    loop {
        let page = search(out.last().cloned());
        assert!(page.items.len() <= limit);
        if page.more {
            assert_eq!(
                page.items.len(),
                limit,
                "a page short of the limit is the last"
            );
        }
        out.extend(page.items);
        if !page.more {
            return out;
        }
    }
}

struct Probe<'a> {
    snapshot: &'a AccessSnapshot,
    catalog: &'a RoleCatalog,
    index: &'a DecisionIndex,
    session: SearchSession,
    now: Timestamp,
}

impl Probe<'_> {
    /// Whether `decide` (and the naive reference) allows the request, the
    /// user asked with its own partner tenant.
    fn allows(&self, user: UserId, customer: TenantId, action: &Action) -> bool {
        let partner = self.index.partner_of(user).unwrap_or(customer);
        let request = DecisionRequest {
            partner_tenant_id: partner,
            user_id: user,
            customer_tenant_id: customer,
            action: action.clone(),
            auth_strength: self.session.auth_strength,
            source_ip: self.session.source_ip,
        };
        let fast = self.index.decide(&request, self.now);
        let slow = decide_naive(self.snapshot, self.catalog, &request, self.now);
        assert_eq!(fast, slow, "{request:?}");
        fast.is_allowed()
    }

    /// Every user id the ecosystem names, and one it does not.
    fn users(&self) -> Vec<UserId> {
        let mut users: Vec<UserId> = self.snapshot.users.iter().map(|u| u.id).collect();
        users.extend(self.snapshot.memberships.iter().map(|m| m.user_id));
        users.push(UserId::generate());
        users.sort_unstable();
        users.dedup();
        users
    }

    fn tenants(&self) -> Vec<TenantId> {
        let mut tenants: Vec<TenantId> = self.snapshot.tenants.iter().map(|t| t.id).collect();
        tenants.push(TenantId::generate());
        tenants.sort_unstable();
        tenants
    }

    fn check_subjects(&self, customer: TenantId, action: &Action, limit: usize) {
        let expected: Vec<UserId> = self
            .users()
            .into_iter()
            .filter(|u| self.allows(*u, customer, action))
            .collect();
        let search = |after, limit| {
            self.index
                .subjects_permitted(customer, action, self.session, self.now, after, limit)
        };
        assert_eq!(
            search(None, 1_000).items,
            expected,
            "subjects in {customer} may {action}"
        );
        assert_eq!(all_pages(limit, |after| search(after, limit)), expected);
    }

    fn check_customers(&self, user: UserId, action: &Action, limit: usize) {
        let expected: Vec<TenantId> = self
            .tenants()
            .into_iter()
            .filter(|c| self.allows(user, *c, action))
            .collect();
        let search = |after, limit| {
            self.index
                .customers_permitted(user, action, self.session, self.now, after, limit)
        };
        assert_eq!(
            search(None, 1_000).items,
            expected,
            "customers where {user} may {action}"
        );
        assert_eq!(all_pages(limit, |after| search(after, limit)), expected);
    }

    fn check_actions(&self, user: UserId, customer: TenantId, limit: usize) {
        let vocabulary = self.index.action_vocabulary();
        let expected: Vec<Action> = vocabulary
            .iter()
            .filter(|a| self.allows(user, customer, a))
            .cloned()
            .collect();
        let search = |after: Option<Action>, limit| {
            self.index.actions_permitted(
                user,
                customer,
                self.session,
                self.now,
                after.as_ref(),
                limit,
            )
        };
        assert_eq!(
            search(None, 1_000).items,
            expected,
            "actions of {user} in {customer}"
        );
        assert_eq!(all_pages(limit, |after| search(after, limit)), expected);
    }
}

/// The random ecosystems allow rarely; a search is only worth checking
/// when some of its candidates are allowed. Half of them are made more
/// permissive, each change on its own chance: every partner authorized and
/// compliant, users enabled and uncontained, relationships active for long,
/// assignments active and standing, no restrictions.
fn ecosystem_to_search(rng: &mut Rng) -> AccessSnapshot {
    let mut snapshot = ecosystem(rng);
    if rng.chance(50) {
        return snapshot;
    }
    if rng.chance(80) {
        snapshot.authorized_partners = snapshot.tenants.iter().map(|t| t.id).collect();
    }
    if rng.chance(80) {
        snapshot.posture_suspensions.clear();
    }
    if rng.chance(70) {
        snapshot.contained_users.clear();
        snapshot.contained_relationships.clear();
    }
    for user in &mut snapshot.users {
        user.enabled = user.enabled || rng.chance(80);
    }
    for relationship in &mut snapshot.relationships {
        if rng.chance(70) {
            relationship.status = RelationshipStatus::Active;
            relationship.end_at = Some(Timestamp::from_unix_millis(
                support::T0 + 365 * support::DAY,
            ));
        }
    }
    for assignment in &mut snapshot.assignments {
        if rng.chance(80) {
            assignment.status = AssignmentStatus::Active;
        }
        if rng.chance(50) {
            assignment.kind = AssignmentKind::Standing;
        }
    }
    if rng.chance(60) {
        snapshot.restrictions.clear();
    }
    snapshot
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn searches_answer_what_exhaustive_decisions_answer(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let catalog = RoleCatalog::default_entra();
        let snapshot = ecosystem_to_search(&mut rng);
        let index = DecisionIndex::from_snapshot(&snapshot, &catalog);
        for _ in 0..6 {
            // A guided request gives a user, customer and action where
            // allows are likely; its session and time are the search's.
            let req = request(&mut rng, &snapshot);
            let probe = Probe {
                snapshot: &snapshot,
                catalog: &catalog,
                index: &index,
                session: SearchSession { auth_strength: req.auth_strength, source_ip: req.source_ip },
                now: rng.time_around(12),
            };
            let limit = 1 + rng.below(3);
            probe.check_subjects(req.customer_tenant_id, &req.action, limit);
            probe.check_customers(req.user_id, &req.action, limit);
            probe.check_actions(req.user_id, req.customer_tenant_id, limit);
            let other = Action::parse(ACTIONS[rng.below(ACTIONS.len())]).unwrap();
            probe.check_subjects(rng.pick(&snapshot.tenants).id, &other, limit);
        }
    }
}

/// The searches are worth comparing: across a fixed set of seeds each
/// finds results, and pages of one.
#[test]
fn random_ecosystems_give_searches_results() {
    let catalog = RoleCatalog::default_entra();
    let (mut subjects, mut customers, mut actions) = (0, 0, 0);
    for seed in 0..400_u64 {
        let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let snapshot = ecosystem_to_search(&mut rng);
        let index = DecisionIndex::from_snapshot(&snapshot, &catalog);
        let req = request(&mut rng, &snapshot);
        let now = rng.time_around(12);
        let session = SearchSession {
            auth_strength: req.auth_strength,
            source_ip: req.source_ip,
        };
        let found = |n: usize| usize::from(n > 0);
        subjects += found(
            index
                .subjects_permitted(req.customer_tenant_id, &req.action, session, now, None, 10)
                .items
                .len(),
        );
        customers += found(
            index
                .customers_permitted(req.user_id, &req.action, session, now, None, 10)
                .items
                .len(),
        );
        actions += found(
            index
                .actions_permitted(req.user_id, req.customer_tenant_id, session, now, None, 10)
                .items
                .len(),
        );
    }
    eprintln!(
        "searches with results out of 400: subjects {subjects}, customers {customers}, actions {actions}"
    );
    assert!(
        subjects >= 20 && customers >= 20 && actions >= 20,
        "searches with results out of 400: subjects {subjects}, customers {customers}, actions {actions}"
    );
}

#[test]
fn the_vocabulary_is_the_catalog_actions_in_order() {
    let catalog = RoleCatalog::default_entra();
    let index = DecisionIndex::new(&catalog);
    let vocabulary = index.action_vocabulary();
    assert!(
        vocabulary.windows(2).all(|w| w[0] < w[1]),
        "sorted, distinct"
    );
    for action in ["users.password.reset", "users", "groups"] {
        let action = Action::parse(action).unwrap();
        assert!(vocabulary.contains(&action), "{action}");
    }
    assert!(vocabulary.len() >= 20, "{}", vocabulary.len());
}
