use portcullis_domain::AuditOperation;
use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, PageRequest, RelationshipId,
};
use portcullis_store::{AccessChange, AccessStore, GroupStore, StoreError, UserStore};

use crate::access_fixtures::{
    HELPDESK_ADMIN, SECURITY_READER, apply, approved, assigned, assignment, create_activation,
    create_assignment, create_relationship, drafted, eligible, requested, roles, setup,
};
use crate::contract;
use crate::support::{all_pages, audit_count, ctx, group, ms, partner};

fn update(before: &AccessAssignment, after: &AccessAssignment) -> AccessChange {
    AccessChange::Assignment {
        operation: AuditOperation::AssignmentUpdate,
        before: Some(before.clone()),
        after: Some(after.clone()),
    }
}

fn delete(before: &AccessAssignment) -> AccessChange {
    AccessChange::Assignment {
        operation: AuditOperation::AssignmentDelete,
        before: Some(before.clone()),
        after: None,
    }
}

contract!(assignment_round_trips_both_kinds, |store, _db| {
    let s = setup(&store).await;
    let standing = assigned(&store, &s, AssignmentKind::Standing).await;
    let other_group = group(&store, s.partner.id, "Escalations").await;
    let jit = assignment(&s.relationship, other_group.id, eligible("PT4H", true));
    apply(&store, vec![create_assignment(&jit)]).await;

    assert_eq!(standing.status, AssignmentStatus::Active);
    assert_eq!(
        store.get_assignment(standing.id).await.unwrap(),
        Some(standing.clone())
    );
    assert_eq!(
        store.get_assignment(jit.id).await.unwrap(),
        Some(jit.clone())
    );
    let mut both = vec![standing.clone(), jit.clone()];
    both.sort_by_key(|a| a.id);
    let page = store
        .list_assignments(s.relationship.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, both);

    let mut changed = jit.clone();
    changed
        .change_roles(roles(&[HELPDESK_ADMIN, SECURITY_READER]), &s.relationship)
        .unwrap();
    changed.kind = eligible("PT8H", false);
    changed.status = AssignmentStatus::Deleting;
    changed.updated_at = ms(50_000);
    changed.version = 2;
    apply(&store, vec![update(&jit, &changed)]).await;
    assert_eq!(
        store.get_assignment(jit.id).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(
        store
            .get_assignment(AssignmentId::generate())
            .await
            .unwrap(),
        None
    );

    apply(&store, vec![delete(&changed)]).await;
    assert_eq!(store.get_assignment(jit.id).await.unwrap(), None);
});

contract!(
    pending_assignment_of_a_drafted_relationship_round_trips,
    |store, _db| {
        let s = setup(&store).await;
        let draft = drafted(s.partner.id, s.customer.id, "Draft", 1_000);
        let a = assignment(&draft, s.group.id, AssignmentKind::Standing);
        assert_eq!(a.status, AssignmentStatus::Pending);
        apply(
            &store,
            vec![create_relationship(&draft), create_assignment(&a)],
        )
        .await;
        assert_eq!(store.get_assignment(a.id).await.unwrap(), Some(a));
    }
);

contract!(
    assignment_needs_its_relationship_and_a_group_of_its_partner,
    |store, _db| {
        let s = setup(&store).await;
        let count = audit_count(&store).await;
        let unsaved = approved(s.partner.id, s.customer.id, "Never stored", 1_000);
        let orphan = assignment(&unsaved, s.group.id, AssignmentKind::Standing);
        let other = partner(&store, "Litware").await;
        let foreign_group = group(&store, other.id, "Helpdesk").await;
        let foreign = assignment(&s.relationship, foreign_group.id, AssignmentKind::Standing);
        let count = count + 2;
        for a in [orphan, foreign] {
            let err = store
                .apply(&ctx(40_000), vec![create_assignment(&a)])
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
            assert_eq!(store.get_assignment(a.id).await.unwrap(), None);
        }
        assert_eq!(audit_count(&store).await, count);
    }
);

contract!(
    assignment_stale_or_missing_version_is_refused,
    |store, _db| {
        let s = setup(&store).await;
        let a = assigned(&store, &s, AssignmentKind::Standing).await;
        let mut v2 = a.clone();
        v2.status = AssignmentStatus::Deleting;
        v2.version = 2;
        apply(&store, vec![update(&a, &v2)]).await;
        let count = audit_count(&store).await;
        let err = store
            .apply(&ctx(40_000), vec![update(&a, &v2)])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::VersionMismatch { current: 2 }),
            "{err:?}"
        );
        let err = store
            .apply(&ctx(40_000), vec![delete(&a)])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::VersionMismatch { current: 2 }),
            "{err:?}"
        );
        let ghost = assignment(&s.relationship, s.group.id, AssignmentKind::Standing);
        let err = store
            .apply(&ctx(40_000), vec![delete(&ghost)])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(store.get_assignment(a.id).await.unwrap(), Some(v2));
        assert_eq!(audit_count(&store).await, count);
    }
);

contract!(assignments_page_within_their_relationship, |store, _db| {
    let s = setup(&store).await;
    let other = approved(s.partner.id, s.customer.id, "Second", 1_000);
    apply(&store, vec![create_relationship(&other)]).await;
    let mut mine = Vec::new();
    for n in 0..5 {
        let g = group(&store, s.partner.id, &format!("Group {n}")).await;
        let a = assignment(&s.relationship, g.id, AssignmentKind::Standing);
        let b = assignment(&other, g.id, eligible("PT1H", false));
        apply(&store, vec![create_assignment(&a), create_assignment(&b)]).await;
        mine.push(a);
    }
    mine.sort_by_key(|a| a.id);
    let (items, pages) = all_pages(2, async |page| {
        store
            .list_assignments(s.relationship.id, &page)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(items, mine);
    assert_eq!(pages, 3);
    let err = store
        .list_assignments(RelationshipId::generate(), &PageRequest::first(10))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});

contract!(referenced_records_cannot_be_deleted, |store, _db| {
    let s = setup(&store).await;
    let a = assigned(&store, &s, eligible("PT2H", false)).await;
    let v = requested(&a, s.user.id, 40_000);
    apply(&store, vec![create_activation(&v)]).await;
    let count = audit_count(&store).await;

    let err = store
        .delete_group(&ctx(50_000), s.partner.id, s.group.id, None)
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(message) => assert_eq!(
            message,
            format!(
                "group `{}` has access assignments and cannot be deleted",
                s.group.id
            )
        ),
        other => panic!("{other:?}"),
    }
    let err = store
        .delete_user(&ctx(50_000), s.partner.id, s.user.id, None)
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(message) => assert_eq!(
            message,
            format!("user `{}` has activations and cannot be deleted", s.user.id)
        ),
        other => panic!("{other:?}"),
    }
    let err = store
        .apply(&ctx(50_000), vec![delete(&a)])
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(message) => assert_eq!(
            message,
            format!(
                "access assignment `{}` has activations and cannot be deleted",
                a.id
            )
        ),
        other => panic!("{other:?}"),
    }
    let err = store
        .apply(
            &ctx(50_000),
            vec![AccessChange::Relationship {
                operation: AuditOperation::RelationshipDelete,
                before: Some(s.relationship.clone()),
                after: None,
            }],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    assert!(
        store
            .get_group(s.partner.id, s.group.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .get_user(s.partner.id, s.user.id)
            .await
            .unwrap()
            .is_some()
    );
    let members = store
        .list_members(s.partner.id, s.group.id, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(members.items.len(), 1, "the membership survived");
    assert_eq!(store.get_assignment(a.id).await.unwrap(), Some(a));
    assert_eq!(audit_count(&store).await, count);
});
