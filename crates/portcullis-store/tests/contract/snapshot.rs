use portcullis_domain::{
    AccessSnapshot, AssignmentKind, CustomerRestrictions, GroupMember, HoursWindow, TenantKind,
    UserOrAdmin,
};
use portcullis_store::{AccessStore, AuditStore, GroupStore, TenantStore, UserStore};

use crate::access_fixtures::{
    apply, approved, assigned, assignment, create_activation, create_assignment,
    create_relationship, customer, drafted, eligible, requested, setup,
};
use crate::contract;
use crate::support::{all_pages, audit_count, ctx, group, ms, partner, user};

contract!(empty_store_has_an_empty_snapshot, |store, _db| {
    assert_eq!(
        store.access_snapshot().await.unwrap(),
        AccessSnapshot::default()
    );
});

contract!(snapshot_holds_exactly_what_was_written, |store, _db| {
    let s = setup(&store).await;
    let bob = user(&store, s.partner.id, "bob@contoso.com").await;
    let other = partner(&store, "Litware").await;
    let carol = user(&store, other.id, "carol@litware.com").await;
    let other_group = group(&store, other.id, "Operators").await;
    store
        .add_member(&ctx(4_000), other.id, other_group.id, carol.id)
        .await
        .unwrap();
    let north = customer(&store, "Northwind").await;
    store
        .set_partner_authorized(&ctx(5_000), s.partner.id, true)
        .await
        .unwrap();
    store
        .set_partner_authorized(&ctx(5_000), other.id, true)
        .await
        .unwrap();
    store
        .set_partner_authorized(&ctx(5_500), other.id, false)
        .await
        .unwrap();
    let restrictions = CustomerRestrictions {
        allowed_ip_ranges: vec!["198.51.100.0/24".parse().unwrap()],
        allowed_hours: Some(HoursWindow::new(8, 18).unwrap()),
    };
    store
        .set_restrictions(&ctx(5_000), north.id, &restrictions)
        .await
        .unwrap();

    let draft = drafted(other.id, north.id, "Litware draft", 1_000);
    let pending_assignment = assignment(&draft, other_group.id, AssignmentKind::Standing);
    let north_rel = approved(s.partner.id, north.id, "Northwind helpdesk", 1_000);
    apply(
        &store,
        vec![
            create_relationship(&draft),
            create_assignment(&pending_assignment),
            create_relationship(&north_rel),
        ],
    )
    .await;
    let standing = assigned(&store, &s, AssignmentKind::Standing).await;
    let jit = assigned(&store, &s, eligible("PT8H", true)).await;
    let admin = UserOrAdmin {
        name: "operator cli",
        user: None,
    };
    let pending = requested(&jit, s.user.id, 40_000);
    let mut active = requested(&jit, bob.id, 40_000);
    active.approve(admin, ms(41_000)).unwrap();
    let mut denied = requested(&jit, bob.id, 40_000);
    denied.deny(admin).unwrap();
    let mut revoked = requested(&jit, s.user.id, 40_000);
    revoked.approve(admin, ms(41_000)).unwrap();
    revoked.revoke(ms(42_000));
    apply(
        &store,
        [&pending, &active, &denied, &revoked]
            .into_iter()
            .map(create_activation)
            .collect(),
    )
    .await;

    let snapshot = store.access_snapshot().await.unwrap();

    let tenants = all_pages(200, async |page| {
        store.list_tenants(None, &page).await.unwrap()
    })
    .await
    .0;
    assert_eq!(snapshot.tenants, tenants);
    assert_eq!(snapshot.tenants.len(), 4);
    assert_eq!(
        snapshot
            .tenants
            .iter()
            .filter(|t| t.kind == TenantKind::Partner)
            .count(),
        2
    );
    assert_eq!(snapshot.authorized_partners, vec![s.partner.id]);
    let mut users = vec![s.user.clone(), bob.clone(), carol.clone()];
    users.sort_by_key(|u| u.id);
    assert_eq!(snapshot.users, users);
    assert!(snapshot.contained_users.is_empty());
    let mut memberships: Vec<GroupMember> = Vec::new();
    for (tenant, g) in [(s.partner.id, s.group.id), (other.id, other_group.id)] {
        memberships.extend(
            store
                .list_members(tenant, g, &portcullis_domain::PageRequest::first(10))
                .await
                .unwrap()
                .items,
        );
    }
    memberships.sort_by_key(|m| (m.group_id, m.user_id));
    assert_eq!(snapshot.memberships, memberships);
    assert_eq!(snapshot.memberships.len(), 2);
    let mut relationships = vec![s.relationship.clone(), draft, north_rel];
    relationships.sort_by_key(|r| r.id);
    assert_eq!(snapshot.relationships, relationships);
    let mut assignments = vec![pending_assignment, standing, jit];
    assignments.sort_by_key(|a| a.id);
    assert_eq!(snapshot.assignments, assignments);
    let mut activations = vec![pending, active];
    activations.sort_by_key(|a| a.id);
    assert_eq!(
        snapshot.activations, activations,
        "denied and revoked ones are left out"
    );
    assert_eq!(snapshot.restrictions, vec![(north.id, restrictions)]);
    let n = audit_count(&store).await;
    assert_eq!(store.verify_audit().await.unwrap(), Ok(n));
    // Reading changes nothing.
    assert_eq!(store.access_snapshot().await.unwrap(), snapshot);
    assert!(store.get_user(other.id, carol.id).await.unwrap().is_some());
});

contract!(snapshot_never_sees_half_a_batch, |store, _db| {
    let s = setup(&store).await;
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let store = store.clone();
            let (p, c, g) = (s.partner.id, s.customer.id, s.group.id);
            tokio::spawn(async move {
                for n in 0..8 {
                    let r = approved(p, c, &format!("Writer {w} relationship {n}"), 1_000);
                    let a = assignment(&r, g, AssignmentKind::Standing);
                    apply(&store, vec![create_relationship(&r), create_assignment(&a)]).await;
                }
            })
        })
        .collect();
    for _ in 0..20 {
        let snapshot = store.access_snapshot().await.unwrap();
        // The first relationship has no assignment; every later one has one.
        assert_eq!(
            snapshot.relationships.len(),
            snapshot.assignments.len() + 1,
            "a snapshot saw half a batch"
        );
        for a in &snapshot.assignments {
            assert!(
                snapshot
                    .relationships
                    .iter()
                    .any(|r| r.id == a.relationship_id)
            );
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let snapshot = store.access_snapshot().await.unwrap();
    assert_eq!(snapshot.assignments.len(), 24);
    assert_eq!(
        store.verify_audit().await.unwrap().map(|n| n > 48),
        Ok(true)
    );
});

contract!(snapshot_fails_closed_on_corrupt_rows, |store, _db| {
    let s = setup(&store).await;
    let a = assigned(&store, &s, AssignmentKind::Standing).await;
    let tampered = [
        "UPDATE relationships SET roles = 'helpdesk' WHERE id = $1",
        "UPDATE access_assignments SET kind = '{\"type\":\"forever\"}' WHERE id = $1",
    ];
    for (sql, id) in tampered
        .into_iter()
        .zip([s.relationship.id.to_string(), a.id.to_string()])
    {
        let done = sqlx::query(sql)
            .bind(&id)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        let err = store.access_snapshot().await.unwrap_err();
        assert!(
            matches!(err, portcullis_store::StoreError::Corrupt(_)),
            "{sql}: {err:?}"
        );
    }
    let err = store.get_relationship(s.relationship.id).await.unwrap_err();
    assert!(
        matches!(err, portcullis_store::StoreError::Corrupt(_)),
        "{err:?}"
    );
    let err = store.get_assignment(a.id).await.unwrap_err();
    assert!(
        matches!(err, portcullis_store::StoreError::Corrupt(_)),
        "{err:?}"
    );
});
