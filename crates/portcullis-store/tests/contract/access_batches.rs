//! `apply` writes a batch of changes all or nothing, one audit record each.

use portcullis_domain::AssignmentStatus;
use portcullis_domain::AuditOperation;
use portcullis_store::{AccessChange, AccessStore, AuditStore, StoreError};

use crate::access_fixtures::{
    apply, approved, assignment, create_activation, create_assignment, create_relationship,
    eligible, requested, setup,
};
use crate::contract;
use crate::support::{audit_count, audit_log, ctx};

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

fn stored_json(text: Option<&str>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(t).unwrap())
}

contract!(batch_writes_one_audit_record_per_change, |store, _db| {
    let s = setup(&store).await;
    let before = audit_count(&store).await;
    let r = approved(s.partner.id, s.customer.id, "Second", 1_000);
    let a = assignment(&r, s.group.id, eligible("PT8H", false));
    let v = requested(&a, s.user.id, 40_000);
    let mut a2 = a.clone();
    a2.status = AssignmentStatus::Deleting;
    a2.version = 2;
    store
        .apply(
            &ctx(45_000),
            vec![
                create_relationship(&r),
                create_assignment(&a),
                create_activation(&v),
                AccessChange::Assignment {
                    operation: AuditOperation::AssignmentUpdate,
                    before: Some(a.clone()),
                    after: Some(a2.clone()),
                },
            ],
        )
        .await
        .unwrap();
    let log = audit_log(&store).await;
    let written = &log[usize::try_from(before).unwrap()..];
    let seen: Vec<_> = written
        .iter()
        .map(|rec| (rec.operation.as_str(), rec.target_id.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("relationship.create", r.id.to_string()),
            ("assignment.create", a.id.to_string()),
            ("activation.request", v.id.to_string()),
            ("assignment.update", a.id.to_string()),
        ]
    );
    for rec in written {
        assert_eq!(
            rec.tenant_id.as_deref(),
            Some(s.partner.id.to_string().as_str()),
            "{}",
            rec.operation
        );
        assert_eq!(rec.at, crate::support::ms(45_000));
        assert_eq!(rec.actor, "operator cli");
        assert_eq!(rec.request_id.as_deref(), Some("req-test"));
    }
    assert_eq!(stored_json(written[0].before.as_deref()), None);
    assert_eq!(stored_json(written[0].after.as_deref()), Some(json(&r)));
    assert_eq!(stored_json(written[2].after.as_deref()), Some(json(&v)));
    assert_eq!(stored_json(written[3].before.as_deref()), Some(json(&a)));
    assert_eq!(stored_json(written[3].after.as_deref()), Some(json(&a2)));
    assert_eq!(store.get_assignment(a.id).await.unwrap(), Some(a2.clone()));

    store
        .apply(
            &ctx(46_000),
            vec![AccessChange::Activation {
                operation: AuditOperation::ActivationRevoke,
                before: Some(v.clone()),
                after: None,
            }],
        )
        .await
        .unwrap();
    let last = audit_log(&store).await.pop().unwrap();
    assert_eq!(last.operation, "activation.revoke");
    assert_eq!(stored_json(last.before.as_deref()), Some(json(&v)));
    assert_eq!(last.after, None);
    assert_eq!(
        last.tenant_id.as_deref(),
        Some(s.partner.id.to_string().as_str())
    );

    let n = audit_count(&store).await;
    assert_eq!(n, before + 5);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(n));
});

contract!(batch_with_one_failing_change_applies_none, |store, _db| {
    let s = setup(&store).await;
    let count = audit_count(&store).await;
    let fresh = approved(s.partner.id, s.customer.id, "Fresh", 1_000);
    let a = assignment(&fresh, s.group.id, eligible("PT8H", false));
    let mut stale_after = s.relationship.clone();
    let mut stale_before = s.relationship.clone();
    stale_before.version = 7;
    stale_after.version = 8;
    let duplicate = approved(s.partner.id, s.customer.id, "Fabrikam helpdesk", 1_000);

    let failing = [
        (
            AccessChange::Relationship {
                operation: AuditOperation::RelationshipUpdate,
                before: Some(stale_before.clone()),
                after: Some(stale_after.clone()),
            },
            "version",
        ),
        (create_relationship(&duplicate), "conflict"),
    ];
    for (last, expected) in failing {
        let err = store
            .apply(
                &ctx(40_000),
                vec![create_relationship(&fresh), create_assignment(&a), last],
            )
            .await
            .unwrap_err();
        match (expected, &err) {
            ("version", StoreError::VersionMismatch { current: 1 })
            | ("conflict", StoreError::Conflict(_)) => {}
            _ => panic!("{expected}: {err:?}"),
        }
        assert_eq!(store.get_relationship(fresh.id).await.unwrap(), None);
        assert_eq!(store.get_assignment(a.id).await.unwrap(), None);
        assert_eq!(store.get_relationship(duplicate.id).await.unwrap(), None);
        assert_eq!(
            store.get_relationship(s.relationship.id).await.unwrap(),
            Some(s.relationship.clone())
        );
        assert_eq!(audit_count(&store).await, count);
    }
    // The same batch without the failing change goes through whole.
    apply(
        &store,
        vec![create_relationship(&fresh), create_assignment(&a)],
    )
    .await;
    assert_eq!(audit_count(&store).await, count + 2);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(count + 2));
});

contract!(empty_batch_writes_nothing, |store, _db| {
    let s = setup(&store).await;
    let count = audit_count(&store).await;
    store.apply(&ctx(40_000), Vec::new()).await.unwrap();
    assert_eq!(audit_count(&store).await, count);
    assert!(
        store
            .get_relationship(s.relationship.id)
            .await
            .unwrap()
            .is_some()
    );
});

contract!(batch_is_undone_when_an_audit_record_fails, |store, _db| {
    let s = setup(&store).await;
    let count = audit_count(&store).await;
    // The batch's second record would take `count + 2`.
    crate::atomicity::block_seq(&store, count + 2).await;
    let r = approved(s.partner.id, s.customer.id, "Second", 1_000);
    let a = assignment(&r, s.group.id, eligible("PT8H", false));
    let err = store
        .apply(
            &ctx(40_000),
            vec![create_relationship(&r), create_assignment(&a)],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.get_relationship(r.id).await.unwrap(), None);
    assert_eq!(store.get_assignment(a.id).await.unwrap(), None);
    assert_eq!(audit_count(&store).await, count + 1, "only the blocker");
});
