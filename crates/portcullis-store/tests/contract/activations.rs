use portcullis_domain::ActivationFilter;
use portcullis_domain::AuditOperation;
use portcullis_domain::{
    Activation, ActivationId, ActivationStatus, AssignmentKind, PageRequest, UserOrAdmin,
};
use portcullis_store::{AccessChange, AccessStore, StoreError};

use crate::access_fixtures::{
    apply, assigned, assignment, create_activation, create_assignment, eligible, requested, setup,
};
use crate::contract;
use crate::support::{all_pages, audit_count, ctx, group, ms, partner, user};

fn update(operation: AuditOperation, before: &Activation, after: &Activation) -> AccessChange {
    AccessChange::Activation {
        operation,
        before: Some(before.clone()),
        after: Some(after.clone()),
    }
}

contract!(activation_round_trips_every_field, |store, _db| {
    let s = setup(&store).await;
    let a = assigned(&store, &s, eligible("PT8H", true)).await;
    let pending = requested(&a, s.user.id, 40_000);
    assert_eq!(pending.status, ActivationStatus::PendingApproval);
    apply(&store, vec![create_activation(&pending)]).await;
    let stored = store.get_activation(pending.id).await.unwrap().unwrap();
    assert_eq!(stored, pending);
    assert_eq!(stored.justification.as_str(), "ticket 4711: password reset");
    assert_eq!(stored.duration.as_str(), "PT1H");
    assert_eq!(
        (stored.decided_by, stored.starts_at, stored.ends_at),
        (None, None, None)
    );

    let mut approved = pending.clone();
    approved
        .approve(
            UserOrAdmin {
                name: "partner_admin token:bob",
                user: None,
            },
            ms(41_000),
        )
        .unwrap();
    approved.version = 2;
    apply(
        &store,
        vec![update(
            AuditOperation::ActivationApprove,
            &pending,
            &approved,
        )],
    )
    .await;
    let stored = store.get_activation(pending.id).await.unwrap().unwrap();
    assert_eq!(stored, approved);
    assert_eq!(stored.status, ActivationStatus::Active);
    assert_eq!(
        stored.decided_by.as_deref(),
        Some("partner_admin token:bob")
    );
    assert_eq!(stored.starts_at, Some(ms(41_000)));
    assert_eq!(stored.ends_at, Some(ms(41_000 + 3_600_000)));

    let mut revoked = approved.clone();
    revoked.revoke(ms(42_000));
    revoked.version = 3;
    apply(
        &store,
        vec![update(
            AuditOperation::ActivationRevoke,
            &approved,
            &revoked,
        )],
    )
    .await;
    let stored = store.get_activation(pending.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ActivationStatus::Revoked);
    assert_eq!(stored.ends_at, Some(ms(42_000)));
    assert_eq!(stored, revoked);

    let second = requested(&a, s.user.id, 43_000);
    let mut denied = second.clone();
    denied
        .deny(UserOrAdmin {
            name: "operator cli",
            user: None,
        })
        .unwrap();
    apply(&store, vec![create_activation(&denied)]).await;
    assert_eq!(store.get_activation(second.id).await.unwrap(), Some(denied));

    let unattended = assigned(&store, &s, eligible("PT2H", false)).await;
    let started = requested(&unattended, s.user.id, 44_000);
    assert_eq!(started.status, ActivationStatus::Active);
    apply(&store, vec![create_activation(&started)]).await;
    assert_eq!(
        store.get_activation(started.id).await.unwrap(),
        Some(started)
    );
    assert_eq!(
        store
            .get_activation(ActivationId::generate())
            .await
            .unwrap(),
        None
    );
});

contract!(
    activation_needs_its_assignment_and_a_user_of_its_partner,
    |store, _db| {
        let s = setup(&store).await;
        let a = assigned(&store, &s, eligible("PT8H", false)).await;
        let other = partner(&store, "Litware").await;
        let stranger = user(&store, other.id, "mallory@litware.com").await;
        let unsaved = assignment(&s.relationship, s.group.id, eligible("PT8H", false));
        let count = audit_count(&store).await;
        for v in [
            requested(&a, stranger.id, 40_000),
            requested(&unsaved, s.user.id, 40_000),
        ] {
            let err = store
                .apply(&ctx(40_000), vec![create_activation(&v)])
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
            assert_eq!(store.get_activation(v.id).await.unwrap(), None);
        }
        assert_eq!(audit_count(&store).await, count);
    }
);

contract!(stale_activation_is_refused, |store, _db| {
    let s = setup(&store).await;
    let a = assigned(&store, &s, eligible("PT8H", false)).await;
    let v = requested(&a, s.user.id, 40_000);
    apply(&store, vec![create_activation(&v)]).await;
    let mut revoked = v.clone();
    revoked.revoke(ms(41_000));
    revoked.version = 2;
    apply(
        &store,
        vec![update(AuditOperation::ActivationRevoke, &v, &revoked)],
    )
    .await;
    let count = audit_count(&store).await;
    let err = store
        .apply(
            &ctx(42_000),
            vec![update(AuditOperation::ActivationRevoke, &v, &revoked)],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionMismatch { current: 2 }),
        "{err:?}"
    );
    assert_eq!(store.get_activation(v.id).await.unwrap(), Some(revoked));
    assert_eq!(audit_count(&store).await, count);
});

contract!(activations_filter_by_assignment_and_user, |store, _db| {
    let s = setup(&store).await;
    let bob = user(&store, s.partner.id, "bob@contoso.com").await;
    let first = assigned(&store, &s, eligible("PT8H", false)).await;
    let g = group(&store, s.partner.id, "Escalations").await;
    let second = assignment(&s.relationship, g.id, eligible("PT8H", true));
    apply(&store, vec![create_assignment(&second)]).await;
    let mut all = Vec::new();
    for n in 0..3 {
        for (a, u) in [(&first, s.user.id), (&first, bob.id), (&second, s.user.id)] {
            let v = requested(a, u, 40_000 + n);
            apply(&store, vec![create_activation(&v)]).await;
            all.push(v);
        }
    }
    all.sort_by_key(|v| v.id);

    let list = async |filter: ActivationFilter| {
        all_pages(2, async |page| {
            store.list_activations(&filter, &page).await.unwrap()
        })
        .await
    };
    let (items, pages) = list(ActivationFilter::default()).await;
    assert_eq!(items, all);
    assert_eq!(pages, 5);
    let expect = |keep: &dyn Fn(&Activation) -> bool| {
        all.iter().filter(|v| keep(v)).cloned().collect::<Vec<_>>()
    };
    let by_assignment = ActivationFilter {
        assignment_id: Some(first.id),
        user_id: None,
    };
    assert_eq!(
        list(by_assignment).await.0,
        expect(&|v| v.assignment_id == first.id)
    );
    let by_user = ActivationFilter {
        assignment_id: None,
        user_id: Some(s.user.id),
    };
    assert_eq!(list(by_user).await.0, expect(&|v| v.user_id == s.user.id));
    let both = ActivationFilter {
        assignment_id: Some(first.id),
        user_id: Some(bob.id),
    };
    let found = list(both).await.0;
    assert_eq!(found.len(), 3);
    assert_eq!(
        found,
        expect(&|v| v.assignment_id == first.id && v.user_id == bob.id)
    );
    let standing = assigned(&store, &s, AssignmentKind::Standing).await;
    let none = ActivationFilter {
        assignment_id: Some(standing.id),
        user_id: None,
    };
    assert!(
        store
            .list_activations(&none, &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );
});
