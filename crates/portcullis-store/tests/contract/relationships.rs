use portcullis_domain::AuditOperation;
use portcullis_domain::RelationshipFilter;
use portcullis_domain::{
    Cursor, PageRequest, RelationshipId, RelationshipStatus, RoleCatalog, TenantId,
    relationship_name,
};
use portcullis_store::{AccessChange, AccessStore, StoreError};

use crate::access_fixtures::{
    HELPDESK_ADMIN, SECURITY_READER, apply, approved, create_relationship, customer, drafted,
    duration, roles, setup,
};
use crate::contract;
use crate::support::{all_pages, audit_count, ctx, ms, partner};

fn update(
    operation: AuditOperation,
    before: &portcullis_domain::Relationship,
    after: &portcullis_domain::Relationship,
) -> AccessChange {
    AccessChange::Relationship {
        operation,
        before: Some(before.clone()),
        after: Some(after.clone()),
    }
}

contract!(relationship_round_trips_through_its_life, |store, _db| {
    let p = partner(&store, "Contoso").await;
    let c = customer(&store, "Fabrikam").await;
    let catalog = RoleCatalog::default_entra();

    let mut r = drafted(p.id, c.id, "Fabrikam helpdesk", 10_000);
    r.change_terms(
        portcullis_domain::RelationshipTerms {
            roles: roles(&[HELPDESK_ADMIN, SECURITY_READER]),
            duration: duration("P2Y"),
            auto_extend_duration: duration("P180D"),
        },
        &catalog,
    )
    .unwrap();
    apply(&store, vec![create_relationship(&r)]).await;
    assert_eq!(store.get_relationship(r.id).await.unwrap(), Some(r.clone()));
    let stored = store.get_relationship(r.id).await.unwrap().unwrap();
    assert_eq!(
        stored.duration.as_str(),
        "P2Y",
        "the duration keeps its text"
    );
    assert_eq!(stored.roles.len(), 2);
    assert_eq!(stored.approval_requested_at, None);

    // Each step of the life: request, approve, terminate, complete.
    type Step = fn(&mut portcullis_domain::Relationship, i64);
    let steps: [(AuditOperation, Step); 4] = [
        (AuditOperation::RelationshipRequestApproval, |r, at| {
            r.request_approval(ms(at)).unwrap();
        }),
        (AuditOperation::RelationshipApprove, |r, at| {
            r.approve(ms(at)).unwrap()
        }),
        (AuditOperation::RelationshipTerminate, |r, at| {
            r.request_termination(ms(at)).unwrap();
        }),
        (AuditOperation::RelationshipCompleteTermination, |r, at| {
            r.complete_termination(ms(at)).unwrap();
        }),
    ];
    for (n, (operation, step)) in (1..).zip(steps) {
        let at = 10_000 + n * 1_000;
        let mut next = r.clone();
        step(&mut next, at);
        next.updated_at = ms(at);
        next.version += 1;
        store
            .apply(&ctx(at), vec![update(operation, &r, &next)])
            .await
            .unwrap();
        assert_eq!(
            store.get_relationship(r.id).await.unwrap(),
            Some(next.clone()),
            "{operation}"
        );
        r = next;
    }
    assert_eq!(r.status, RelationshipStatus::Terminated);
    assert_eq!(r.version, 5);
    assert_eq!(r.approval_requested_at, Some(ms(11_000)));
    assert_eq!(r.activated_at, Some(ms(12_000)));
    assert_eq!(r.end_at, Some(ms(12_000 + 730 * 86_400_000)));
    assert_eq!(r.closed_at, Some(ms(14_000)));

    assert_eq!(
        store
            .get_relationship(RelationshipId::generate())
            .await
            .unwrap(),
        None
    );
});

contract!(
    stale_version_is_refused_and_nothing_changes,
    |store, _db| {
        let s = setup(&store).await;
        let r = s.relationship.clone();
        let mut renamed = r.clone();
        renamed.display_name = relationship_name("Fabrikam tier one").unwrap();
        renamed.version = 2;
        apply(
            &store,
            vec![update(AuditOperation::RelationshipUpdate, &r, &renamed)],
        )
        .await;

        let count = audit_count(&store).await;
        let mut stale = r.clone();
        stale.display_name = relationship_name("Fabrikam tier two").unwrap();
        stale.version = 2;
        let err = store
            .apply(
                &ctx(40_000),
                vec![update(AuditOperation::RelationshipUpdate, &r, &stale)],
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::VersionMismatch { current: 2 }),
            "{err:?}"
        );
        let delete = AccessChange::Relationship {
            operation: AuditOperation::RelationshipDelete,
            before: Some(r.clone()),
            after: None,
        };
        let err = store.apply(&ctx(40_000), vec![delete]).await.unwrap_err();
        assert!(
            matches!(err, StoreError::VersionMismatch { current: 2 }),
            "{err:?}"
        );
        assert_eq!(
            store.get_relationship(r.id).await.unwrap(),
            Some(renamed.clone())
        );
        assert_eq!(audit_count(&store).await, count);

        let mut ghost = approved(s.partner.id, s.customer.id, "Ghost", 10_000);
        let before = ghost.clone();
        ghost.version = 2;
        let err = store
            .apply(
                &ctx(40_000),
                vec![update(AuditOperation::RelationshipUpdate, &before, &ghost)],
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(audit_count(&store).await, count);
    }
);

contract!(
    relationship_name_is_unique_per_partner_only,
    |store, _db| {
        let s = setup(&store).await;
        let other_customer = customer(&store, "Northwind").await;
        let count = audit_count(&store).await;
        let same = approved(s.partner.id, other_customer.id, "Fabrikam helpdesk", 10_000);
        let err = store
            .apply(&ctx(40_000), vec![create_relationship(&same)])
            .await
            .unwrap_err();
        match &err {
            StoreError::Conflict(message) => assert_eq!(
                message,
                "a relationship named `Fabrikam helpdesk` already exists for this partner"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(store.get_relationship(same.id).await.unwrap(), None);

        let second = approved(s.partner.id, other_customer.id, "Northwind", 10_000);
        apply(&store, vec![create_relationship(&second)]).await;
        let mut renamed = second.clone();
        renamed.display_name = relationship_name("Fabrikam helpdesk").unwrap();
        renamed.version = 2;
        let err = store
            .apply(
                &ctx(40_000),
                vec![update(
                    AuditOperation::RelationshipUpdate,
                    &second,
                    &renamed,
                )],
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        assert_eq!(
            store.get_relationship(second.id).await.unwrap(),
            Some(second)
        );
        assert_eq!(audit_count(&store).await, count + 1);

        let other_partner = partner(&store, "Litware").await;
        let elsewhere = approved(other_partner.id, s.customer.id, "Fabrikam helpdesk", 10_000);
        apply(&store, vec![create_relationship(&elsewhere)]).await;
        assert_eq!(
            store.get_relationship(elsewhere.id).await.unwrap(),
            Some(elsewhere)
        );
    }
);

contract!(
    relationship_joins_an_existing_partner_and_customer,
    |store, _db| {
        let p = partner(&store, "Contoso").await;
        let c = customer(&store, "Fabrikam").await;
        let count = audit_count(&store).await;
        let cases = [
            (
                drafted(TenantId::generate(), c.id, "Unknown partner", 1),
                "not found",
            ),
            (
                drafted(p.id, TenantId::generate(), "Unknown customer", 1),
                "not found",
            ),
            (drafted(c.id, p.id, "Swapped", 1), "conflict"),
        ];
        for (r, expected) in cases {
            let err = store
                .apply(&ctx(40_000), vec![create_relationship(&r)])
                .await
                .unwrap_err();
            match (expected, &err) {
                ("not found", StoreError::NotFound) => {}
                ("conflict", StoreError::Conflict(message)) => {
                    assert!(message.contains("is not a partner tenant"), "{message}");
                }
                _ => panic!("{expected}: {err:?}"),
            }
            assert_eq!(store.get_relationship(r.id).await.unwrap(), None);
        }
        assert_eq!(audit_count(&store).await, count);
    }
);

contract!(malformed_changes_are_refused_unwritten, |store, _db| {
    let s = setup(&store).await;
    let r = s.relationship.clone();
    let count = audit_count(&store).await;
    let mut at_two = approved(s.partner.id, s.customer.id, "Version two", 1);
    at_two.version = 2;
    let mut moved = r.clone();
    moved.customer_tenant_id = customer(&store, "Northwind").await.id;
    moved.version = 2;
    let mut skipped = r.clone();
    skipped.version = 3;
    let mut other_id = r.clone();
    other_id.id = RelationshipId::generate();
    other_id.version = 2;
    let changes = [
        create_relationship(&at_two),
        update(AuditOperation::RelationshipUpdate, &r, &moved),
        update(AuditOperation::RelationshipUpdate, &r, &skipped),
        update(AuditOperation::RelationshipUpdate, &r, &other_id),
        AccessChange::Relationship {
            operation: AuditOperation::RelationshipUpdate,
            before: None,
            after: None,
        },
    ];
    let count = count + 1; // the customer above
    for change in changes {
        let err = store
            .apply(&ctx(40_000), vec![change.clone()])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidChange(_)),
            "{change:?}: {err:?}"
        );
    }
    assert_eq!(store.get_relationship(r.id).await.unwrap(), Some(r));
    assert_eq!(store.get_relationship(at_two.id).await.unwrap(), None);
    assert_eq!(audit_count(&store).await, count);
});

contract!(relationship_is_deleted_at_its_version, |store, _db| {
    let s = setup(&store).await;
    let r = s.relationship;
    store
        .apply(
            &ctx(40_000),
            vec![AccessChange::Relationship {
                operation: AuditOperation::RelationshipDelete,
                before: Some(r.clone()),
                after: None,
            }],
        )
        .await
        .unwrap();
    assert_eq!(store.get_relationship(r.id).await.unwrap(), None);
    let page = store
        .list_relationships(&RelationshipFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert!(page.items.is_empty());
});

contract!(relationship_pages_and_filters, |store, _db| {
    let p1 = partner(&store, "Contoso").await;
    let p2 = partner(&store, "Litware").await;
    let c1 = customer(&store, "Fabrikam").await;
    let c2 = customer(&store, "Northwind").await;
    let mut all = Vec::new();
    for (n, (p, c)) in [(p1.id, c1.id), (p1.id, c2.id), (p2.id, c1.id)]
        .into_iter()
        .cycle()
        .take(7)
        .enumerate()
    {
        let r = if n % 2 == 0 {
            approved(p, c, &format!("Relationship {n}"), 1_000)
        } else {
            drafted(p, c, &format!("Relationship {n}"), 1_000)
        };
        apply(&store, vec![create_relationship(&r)]).await;
        all.push(r);
    }
    all.sort_by_key(|r| r.id);

    let list = async |filter: RelationshipFilter| {
        let (items, _) = all_pages(2, async |page| {
            store.list_relationships(&filter, &page).await.unwrap()
        })
        .await;
        items
    };
    let (items, pages) = all_pages(2, async |page| {
        store
            .list_relationships(&RelationshipFilter::default(), &page)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(items, all);
    assert_eq!(pages, 4);

    let expect = |keep: &dyn Fn(&portcullis_domain::Relationship) -> bool| {
        all.iter().filter(|r| keep(r)).cloned().collect::<Vec<_>>()
    };
    let by_partner = RelationshipFilter {
        partner_tenant_id: Some(p1.id),
        ..RelationshipFilter::default()
    };
    assert_eq!(
        list(by_partner).await,
        expect(&|r| r.partner_tenant_id == p1.id)
    );
    let by_customer = RelationshipFilter {
        customer_tenant_id: Some(c1.id),
        ..RelationshipFilter::default()
    };
    assert_eq!(
        list(by_customer).await,
        expect(&|r| r.customer_tenant_id == c1.id)
    );
    let active_pair = RelationshipFilter {
        partner_tenant_id: Some(p1.id),
        customer_tenant_id: Some(c1.id),
        status: Some(RelationshipStatus::Active),
    };
    let found = list(active_pair).await;
    assert_eq!(
        found,
        expect(&|r| r.partner_tenant_id == p1.id
            && r.customer_tenant_id == c1.id
            && r.status == RelationshipStatus::Active)
    );
    assert!(!found.is_empty());
    let created = RelationshipFilter {
        status: Some(RelationshipStatus::Created),
        ..RelationshipFilter::default()
    };
    assert_eq!(list(created).await.len(), 3);
    let nobody = RelationshipFilter {
        partner_tenant_id: Some(c2.id),
        ..RelationshipFilter::default()
    };
    assert!(list(nobody).await.is_empty());

    let bad = PageRequest::new(Some(2), Some(Cursor("not-an-id".into()))).unwrap();
    let err = store
        .list_relationships(&RelationshipFilter::default(), &bad)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidCursor(_)), "{err:?}");
});
