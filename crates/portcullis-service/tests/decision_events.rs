//! Every decision is recorded in the activity stream as an OCSF 6003 event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::BTreeSet;
use std::sync::Arc;

use portcullis_decision::DecisionRequest;
use portcullis_domain::{
    Action, AssignmentKind, AuthStrength, DisplayName, IsoDuration, PageRequest, PrincipalKind,
    RoleId, SystemClock, TenantId, TenantKind, UserPrincipalName,
};
use portcullis_domain::{EventFilter, NewGroup, NewTenant, NewUser};
use portcullis_service::{Caller, NewAssignment, NewRelationship, NewToken, Portcullis};
use portcullis_store::Store;
use portcullis_testkit::TestDb;

const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";

async fn tenant(app: &Portcullis, kind: TenantKind, name: &str) -> TenantId {
    let op = Caller::local_operator();
    let new = NewTenant {
        id: TenantId::generate(),
        kind,
        display_name: DisplayName::parse(name).unwrap(),
    };
    app.create_tenant(&op, new).await.unwrap().id
}

#[tokio::test]
async fn each_decision_becomes_an_ocsf_api_activity_event() {
    let db = TestDb::sqlite();
    let sql = db.store().await;
    let store: Arc<dyn Store> = Arc::new(sql.clone());
    let app = Portcullis::new(store.clone(), Arc::new(SystemClock));
    let op = Caller::local_operator();
    let partner = tenant(&app, TenantKind::Partner, "Contoso").await;
    let customer = tenant(&app, TenantKind::Customer, "Fabrikam").await;
    // Fixture: the partner as vetting leaves it once approved (the vetting
    // flow itself is tested in tests/vetting.rs).
    sql.set_partner_authorized(
        &portcullis_store::AuditContext::new(
            &portcullis_domain::Principal::local_operator(),
            portcullis_domain::Timestamp::from_unix_millis(0),
            None,
            None,
        ),
        partner,
        true,
    )
    .await
    .unwrap();
    app.reload_index().await.unwrap();
    let new_user = NewUser {
        user_principal_name: UserPrincipalName::parse("alice@contoso.example").unwrap(),
        display_name: DisplayName::parse("Alice").unwrap(),
        enabled: true,
    };
    let user = app.create_user(&op, partner, new_user).await.unwrap();
    let new_group = NewGroup {
        display_name: DisplayName::parse("Helpdesk").unwrap(),
        description: None,
    };
    let group = app.create_group(&op, partner, new_group).await.unwrap();
    app.add_member(&op, partner, group.id, user.id)
        .await
        .unwrap();
    let roles: BTreeSet<RoleId> = [RoleId::parse(GROUPS_ADMIN).unwrap()].into();
    let proposal = NewRelationship {
        partner_tenant_id: partner,
        customer_tenant_id: customer,
        display_name: DisplayName::parse("Contoso for Fabrikam").unwrap(),
        roles: roles.clone(),
        duration: IsoDuration::parse("P30D").unwrap(),
        auto_extend_duration: IsoDuration::zero(),
    };
    let rel = app.create_relationship(&op, proposal).await.unwrap();
    let assignment = NewAssignment {
        group_id: group.id,
        roles,
        kind: AssignmentKind::Standing,
    };
    app.create_assignment(&op, rel.id, assignment)
        .await
        .unwrap();
    app.request_approval(&op, rel.id).await.unwrap();
    let token = NewToken {
        kind: PrincipalKind::CustomerAdmin,
        tenant_id: Some(customer),
        description: None,
        expires_in: None,
    };
    let (_, secret) = app.create_token(&op, token).await.unwrap();
    let customer_admin = Caller::new(app.authenticate(&secret).await.unwrap());
    app.approve_relationship(&customer_admin, rel.id)
        .await
        .unwrap();

    let ask = |action: &str| DecisionRequest {
        partner_tenant_id: partner,
        user_id: user.id,
        customer_tenant_id: customer,
        action: Action::parse(action).unwrap(),
        auth_strength: AuthStrength::Mfa,
        source_ip: Some("203.0.113.9".parse().unwrap()),
    };
    let decisions = app
        .decide(&op, &[ask("groups.update"), ask("federation.update")])
        .await
        .unwrap();
    assert!(decisions[0].is_allowed() && !decisions[1].is_allowed());
    app.flush_events().await;

    let all = EventFilter::default();
    let events = store
        .list_events(&all, &PageRequest::first(10))
        .await
        .unwrap()
        .items;
    assert_eq!(events.len(), 2, "one event per decision");
    let (allow, deny) = (&events[0].event, &events[1].event);
    assert_eq!(
        (allow.class_uid, allow.status_id, deny.status_id),
        (6003, 1, 2)
    );
    assert_eq!(allow.operation.as_deref(), Some("groups.update"));
    assert_eq!(allow.body["actor"]["user"]["uid"], user.id.to_string());
    assert_eq!(
        allow.body["actor"]["user"]["org"]["uid"],
        partner.to_string()
    );
    assert_eq!(allow.body["cloud"]["account"]["uid"], customer.to_string());
    assert_eq!(allow.body["src_endpoint"]["ip"], "203.0.113.9");
    assert_eq!(allow.body["metadata"]["uid"], allow.uid);
    assert_eq!(
        deny.body["unmapped"]["portcullis"]["decision"]["reasons"][0],
        "role_does_not_permit_action"
    );

    let by_user = EventFilter {
        user_id: Some(user.id),
        ..EventFilter::default()
    };
    let mine = store
        .list_events(&by_user, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 2);
    let elsewhere = EventFilter {
        customer_tenant_id: Some(partner),
        ..EventFilter::default()
    };
    let none = store
        .list_events(&elsewhere, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(none.items.is_empty());

    assert_eq!(
        store
            .append_events(std::slice::from_ref(allow))
            .await
            .unwrap(),
        0,
        "the same uid is stored once"
    );
}
