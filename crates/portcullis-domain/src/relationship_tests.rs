use super::*;

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";
const T0: i64 = 1_800_000_000_000;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(T0 + ms)
}

fn days(n: i64) -> i64 {
    n * DAY * 1000
}

fn role(id: &str) -> RoleId {
    RoleId::parse(id).unwrap()
}

fn terms(roles: &[&str], duration: &str, extend: &str) -> RelationshipTerms {
    RelationshipTerms {
        roles: roles.iter().map(|r| role(r)).collect(),
        duration: IsoDuration::parse(duration).unwrap(),
        auto_extend_duration: IsoDuration::parse(extend).unwrap(),
    }
}

fn created(t: RelationshipTerms) -> Relationship {
    Relationship::create(
        TenantId::generate(),
        TenantId::generate(),
        relationship_name("Contoso helpdesk").unwrap(),
        t,
        &RoleCatalog::default_entra(),
        at(0),
    )
    .unwrap()
}

fn active(t: RelationshipTerms) -> Relationship {
    let mut r = created(t);
    r.request_approval(at(0)).unwrap();
    r.approve(at(0)).unwrap();
    r
}

#[test]
fn duration_must_be_one_to_730_days() {
    let catalog = RoleCatalog::default_entra();
    for ok in ["P1D", "P730D", "P2Y", "P90D"] {
        assert!(
            terms(&[HELPDESK_ADMIN], ok, "PT0S").check(&catalog).is_ok(),
            "{ok}"
        );
    }
    for bad in ["PT23H", "P731D", "PT0S", "P3Y"] {
        let err = terms(&[HELPDESK_ADMIN], bad, "PT0S")
            .check(&catalog)
            .unwrap_err();
        assert_eq!(err.code, "invalid_duration", "{bad}");
    }
}

#[test]
fn auto_extend_is_zero_or_180_days() {
    let catalog = RoleCatalog::default_entra();
    assert!(
        terms(&[HELPDESK_ADMIN], "P30D", "P180D")
            .check(&catalog)
            .is_ok()
    );
    let err = terms(&[HELPDESK_ADMIN], "P30D", "P90D")
        .check(&catalog)
        .unwrap_err();
    assert_eq!(err.code, "invalid_auto_extend");
}

#[test]
fn global_admin_may_not_auto_extend() {
    let catalog = RoleCatalog::default_entra();
    let err = terms(&[GLOBAL_ADMIN], "P30D", "P180D")
        .check(&catalog)
        .unwrap_err();
    assert_eq!(err.code, "global_role_auto_extend");
    assert!(
        terms(&[GLOBAL_ADMIN], "P30D", "PT0S")
            .check(&catalog)
            .is_ok()
    );
}

#[test]
fn unknown_forbidden_and_missing_roles_are_refused() {
    let mut catalog = RoleCatalog::default_entra();
    let err = terms(&["00000000-0000-4000-8000-000000000000"], "P1D", "PT0S")
        .check(&catalog)
        .unwrap_err();
    assert_eq!(err.code, "unknown_role");
    assert_eq!(
        terms(&[], "P1D", "PT0S").check(&catalog).unwrap_err().code,
        "no_roles"
    );
    let mut roles: Vec<_> = catalog.iter().cloned().collect();
    for r in &mut roles {
        r.allowed_in_relationships = r.id != role(HELPDESK_ADMIN);
    }
    catalog = RoleCatalog::new(roles).unwrap();
    let err = terms(&[HELPDESK_ADMIN], "P1D", "PT0S")
        .check(&catalog)
        .unwrap_err();
    assert_eq!(err.code, "role_not_allowed");
}

#[test]
fn name_is_at_most_50_characters() {
    assert!(relationship_name(&"x".repeat(50)).is_ok());
    assert!(relationship_name(&"x".repeat(51)).is_err());
}

#[test]
fn approval_sets_end_to_activation_plus_duration() {
    let mut r = created(terms(&[HELPDESK_ADMIN], "P30D", "PT0S"));
    r.request_approval(at(5)).unwrap();
    r.approve(at(1_000)).unwrap();
    assert_eq!(r.activated_at, Some(at(1_000)));
    assert_eq!(r.end_at, Some(at(1_000 + days(30))));
}

#[test]
fn expiry_is_exact_at_the_end_instant() {
    let r = active(terms(&[HELPDESK_ADMIN], "P1D", "PT0S"));
    assert_eq!(r.status_at(at(days(1) - 1)), RelationshipStatus::Active);
    assert_eq!(r.status_at(at(days(1))), RelationshipStatus::Expired);
    assert!(!r.is_active_at(at(days(1) + 1)));
}

#[test]
fn auto_extend_moves_the_end_by_180_days_at_expiry() {
    let r = active(terms(&[HELPDESK_ADMIN], "P1D", "P180D"));
    assert_eq!(r.end_at_time(at(days(1) - 1)), Some(at(days(1))));
    assert_eq!(r.end_at_time(at(days(1))), Some(at(days(181))));
    assert_eq!(r.end_at_time(at(days(181))), Some(at(days(361))));
    assert!(r.is_active_at(at(days(1))));
    assert!(r.is_active_at(at(days(500))));
}

#[test]
fn approval_window_is_90_days() {
    let mut r = created(terms(&[HELPDESK_ADMIN], "P30D", "PT0S"));
    r.request_approval(at(0)).unwrap();
    assert_eq!(
        r.status_at(at(days(90) - 1)),
        RelationshipStatus::ApprovalPending
    );
    assert_eq!(r.status_at(at(days(90))), RelationshipStatus::Expired);
    let mut late = r.clone();
    assert_eq!(
        late.approve(at(days(90))).unwrap_err().code,
        "invalid_transition"
    );
    r.approve(at(days(90) - 1)).unwrap();
}

#[test]
fn lifecycle_refuses_out_of_order_steps() {
    let mut r = created(terms(&[HELPDESK_ADMIN], "P30D", "PT0S"));
    assert!(r.approve(at(0)).is_err(), "approve before request");
    assert!(r.request_termination(at(0)).is_err());
    r.request_approval(at(0)).unwrap();
    assert!(r.request_approval(at(0)).is_err());
    r.reject(at(1)).unwrap();
    assert_eq!(r.status, RelationshipStatus::Rejected);
    assert!(r.approve(at(2)).is_err(), "rejected is final");

    let mut a = active(terms(&[HELPDESK_ADMIN], "P30D", "PT0S"));
    a.request_termination(at(10)).unwrap();
    assert!(!a.is_active_at(at(11)));
    a.complete_termination(at(12)).unwrap();
    assert_eq!(a.status, RelationshipStatus::Terminated);
    assert!(a.request_termination(at(13)).is_err());
}

#[test]
fn terms_change_only_while_created() {
    let catalog = RoleCatalog::default_entra();
    let mut r = created(terms(&[HELPDESK_ADMIN], "P30D", "PT0S"));
    r.change_terms(terms(&[SECURITY_READER], "P60D", "PT0S"), &catalog)
        .unwrap();
    r.request_approval(at(0)).unwrap();
    let err = r
        .change_terms(terms(&[HELPDESK_ADMIN], "P60D", "PT0S"), &catalog)
        .unwrap_err();
    assert_eq!(err.code, "invalid_transition");
}

#[test]
fn active_relationship_may_only_lose_privileged_roles() {
    let catalog = RoleCatalog::default_entra();
    let mut r = active(terms(&[HELPDESK_ADMIN, SECURITY_READER], "P30D", "PT0S"));
    let keep_reader: BTreeSet<_> = [role(SECURITY_READER)].into();
    let err = r
        .remove_privileged_roles([role(HELPDESK_ADMIN)].into(), &catalog, at(1))
        .unwrap_err();
    assert_eq!(err.code, "unprivileged_role_removed_while_active");
    let added: BTreeSet<_> = [role(SECURITY_READER), role(GLOBAL_ADMIN)].into();
    let err = r
        .remove_privileged_roles(added, &catalog, at(1))
        .unwrap_err();
    assert_eq!(err.code, "roles_added_while_active");
    let removed = r
        .remove_privileged_roles(keep_reader.clone(), &catalog, at(1))
        .unwrap();
    assert_eq!(removed, [role(HELPDESK_ADMIN)].into());
    assert_eq!(r.roles, keep_reader);
}

#[test]
fn expiry_warnings_fall_due_once_each() {
    let r = active(terms(&[HELPDESK_ADMIN], "P60D", "PT0S"));
    assert!(r.expiry_warnings_due(at(0), at(days(29))).is_empty());
    assert_eq!(r.expiry_warnings_due(at(days(29)), at(days(30))), vec![30]);
    assert!(r.expiry_warnings_due(at(days(30)), at(days(31))).is_empty());
    assert_eq!(
        r.expiry_warnings_due(at(days(31)), at(days(59) + 1)),
        vec![7, 1]
    );
    assert!(
        r.expiry_warnings_due(at(days(59)), at(days(61))).is_empty(),
        "none after the end"
    );
    let extending = active(terms(&[HELPDESK_ADMIN], "P60D", "P180D"));
    assert!(
        extending
            .expiry_warnings_due(at(0), at(days(59)))
            .is_empty()
    );
}
