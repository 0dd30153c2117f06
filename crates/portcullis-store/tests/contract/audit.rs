use std::collections::BTreeSet;

use portcullis_domain::{AuditFilter, GroupPatch, NewTenant, TenantPatch, UserPatch};
use portcullis_domain::{
    AuditRecord, PageRequest, Principal, PrincipalKind, TenantId, TenantKind, TokenId,
};
use portcullis_store::{
    AuditContext, AuditStore, GroupStore, SqlStore, StoreError, TenantStore, TokenStore, UserStore,
};

use crate::contract;
use crate::support::{
    all_pages, audit_count, audit_log, audit_where, ctx, group, ms, name, partner, token, user,
};

/// Checks that exactly one record was appended since `count`, for `operation`
/// on `target`, and moves `count` on.
async fn one_record(store: &SqlStore, count: &mut i64, operation: &str, target: impl ToString) {
    *count += 1;
    assert_eq!(audit_count(store).await, *count, "after {operation}");
    let last = audit_log(store).await.pop().unwrap();
    assert_eq!(last.seq, *count);
    assert_eq!(last.operation, operation);
    assert_eq!(last.target_id, target.to_string());
}

contract!(every_mutation_writes_exactly_one_record, |store, _db| {
    let n = &mut 0;
    let t = partner(&store, "Contoso").await;
    one_record(&store, n, "tenant.create", t.id).await;
    let c = ctx(5_000);
    store
        .update_tenant(&c, t.id, None, TenantPatch::default())
        .await
        .unwrap();
    one_record(&store, n, "tenant.update", t.id).await;
    let u = user(&store, t.id, "alice@contoso.com").await;
    one_record(&store, n, "user.create", u.id).await;
    store
        .update_user(&c, t.id, u.id, None, UserPatch::default())
        .await
        .unwrap();
    one_record(&store, n, "user.update", u.id).await;
    let g = group(&store, t.id, "Helpdesk").await;
    one_record(&store, n, "group.create", g.id).await;
    store
        .update_group(&c, t.id, g.id, None, GroupPatch::default())
        .await
        .unwrap();
    one_record(&store, n, "group.update", g.id).await;
    store.add_member(&c, t.id, g.id, u.id).await.unwrap();
    one_record(&store, n, "group.member.add", g.id).await;
    store.remove_member(&c, t.id, g.id, u.id).await.unwrap();
    one_record(&store, n, "group.member.remove", g.id).await;
    store.delete_group(&c, t.id, g.id, None).await.unwrap();
    one_record(&store, n, "group.delete", g.id).await;
    store.delete_user(&c, t.id, u.id, None).await.unwrap();
    one_record(&store, n, "user.delete", u.id).await;
    let tok = token(&store, None, "hash").await;
    one_record(&store, n, "token.create", tok.id).await;
    store.revoke_token(&c, tok.id).await.unwrap();
    one_record(&store, n, "token.revoke", tok.id).await;
    store.delete_tenant(&c, t.id, None).await.unwrap();
    one_record(&store, n, "tenant.delete", t.id).await;
    assert_eq!(store.verify_audit().await.unwrap(), Ok(*n));
});

contract!(failed_mutations_write_no_record, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let u = user(&store, t.id, "alice@contoso.com").await;
    let c = ctx(5_000);
    let errors = [
        store
            .create_tenant(
                &c,
                NewTenant {
                    id: t.id,
                    kind: TenantKind::Partner,
                    display_name: name("Again"),
                },
            )
            .await
            .map(drop),
        store
            .update_tenant(&c, t.id, Some(9), TenantPatch::default())
            .await
            .map(drop),
        store.delete_tenant(&c, t.id, None).await,
        store
            .update_user(&c, TenantId::generate(), u.id, None, UserPatch::default())
            .await
            .map(drop),
        store.revoke_token(&c, TokenId::generate()).await.map(drop),
    ];
    for result in errors {
        assert!(
            matches!(
                result,
                Err(StoreError::Conflict(_)
                    | StoreError::VersionMismatch { .. }
                    | StoreError::NotFound)
            ),
            "{result:?}"
        );
    }
    assert_eq!(audit_count(&store).await, 2);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(2));
    // The chain goes on from where it was.
    partner(&store, "Fabrikam").await;
    assert_eq!(store.verify_audit().await.unwrap(), Ok(3));
});

contract!(records_carry_who_when_where_and_the_change, |store, _db| {
    let t = partner(&store, "Contoso").await;
    let token_id = TokenId::generate();
    let admin = Principal::new(PrincipalKind::PartnerAdmin, Some(t.id), Some(token_id)).unwrap();
    let c = AuditContext::new(
        &admin,
        ms(7_000),
        Some("203.0.113.7".into()),
        Some("req-42".into()),
    );
    let patch = TenantPatch {
        display_name: Some(name("Contoso Ltd")),
    };
    let updated = store.update_tenant(&c, t.id, Some(1), patch).await.unwrap();
    let quiet = AuditContext::new(&Principal::local_operator(), ms(8_000), None, None);
    store.delete_tenant(&quiet, t.id, None).await.unwrap();

    let log = audit_log(&store).await;
    assert_eq!(log.len(), 3);
    let (create, update, delete) = (&log[0], &log[1], &log[2]);
    assert_eq!(create.actor, "operator cli");
    assert_eq!(create.source_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(create.request_id.as_deref(), Some("req-test"));
    assert_eq!(create.before, None);
    assert_eq!(json(&create.after), serde_json::to_value(&t).unwrap());

    assert_eq!(update.actor, format!("partner_admin token:{token_id}"));
    assert_eq!(update.actor_kind, "partner_admin");
    assert_eq!(update.at, ms(7_000));
    assert_eq!(update.tenant_id, Some(t.id.to_string()));
    assert_eq!(update.source_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(update.request_id.as_deref(), Some("req-42"));
    assert_eq!(json(&update.before), serde_json::to_value(&t).unwrap());
    assert_eq!(json(&update.after), serde_json::to_value(&updated).unwrap());
    assert_eq!(json(&update.after)["display_name"], "Contoso Ltd");

    assert_eq!(delete.actor_kind, "operator");
    assert_eq!(
        (delete.source_ip.as_deref(), delete.request_id.as_deref()),
        (None, None)
    );
    assert_eq!(
        json(&delete.before),
        serde_json::to_value(&updated).unwrap()
    );
    assert_eq!(delete.after, None);
});

fn json(state: &Option<String>) -> serde_json::Value {
    serde_json::from_str(state.as_deref().unwrap()).unwrap()
}

fn seqs(records: &[AuditRecord]) -> Vec<i64> {
    records.iter().map(|r| r.seq).collect()
}

contract!(
    list_filters_by_actor_tenant_operation_and_time,
    |store, _db| {
        let service =
            Principal::new(PrincipalKind::Service, None, Some(TokenId::generate())).unwrap();
        let as_service = |at| AuditContext::new(&service, ms(at), None, None);
        let a = partner(&store, "A").await; // seq 1 at 1000, operator
        let b = partner(&store, "B").await; // seq 2 at 1000, operator
        let rename = || TenantPatch::default();
        store
            .update_tenant(&as_service(2_000), a.id, None, rename())
            .await
            .unwrap(); // 3
        store
            .update_tenant(&as_service(3_000), b.id, None, rename())
            .await
            .unwrap(); // 4
        store
            .update_tenant(&ctx(4_000), a.id, None, rename())
            .await
            .unwrap(); // 5

        let by = async |filter: AuditFilter| seqs(&audit_where(&store, &filter).await);
        let service_name = service.audit_name();
        assert_eq!(by(AuditFilter::default()).await, vec![1, 2, 3, 4, 5]);
        let actor = |name: &str| AuditFilter {
            actor: Some(name.to_owned()),
            ..AuditFilter::default()
        };
        assert_eq!(by(actor(&service_name)).await, vec![3, 4]);
        assert_eq!(by(actor("operator cli")).await, vec![1, 2, 5]);
        assert_eq!(by(actor("nobody")).await, Vec::<i64>::new());
        let of_tenant = |id| AuditFilter {
            tenant_id: Some(id),
            ..AuditFilter::default()
        };
        assert_eq!(by(of_tenant(a.id)).await, vec![1, 3, 5]);
        assert_eq!(by(of_tenant(b.id)).await, vec![2, 4]);
        let operation = AuditFilter {
            operation: Some("tenant.update".into()),
            ..AuditFilter::default()
        };
        assert_eq!(by(operation.clone()).await, vec![3, 4, 5]);
        let window = |since: Option<i64>, until: Option<i64>| AuditFilter {
            since: since.map(ms),
            until: until.map(ms),
            ..AuditFilter::default()
        };
        // Since is inclusive, until exclusive.
        assert_eq!(by(window(Some(2_000), Some(4_000))).await, vec![3, 4]);
        assert_eq!(by(window(Some(2_001), None)).await, vec![4, 5]);
        assert_eq!(by(window(None, Some(2_000))).await, vec![1, 2]);
        assert_eq!(
            by(window(Some(3_000), Some(3_000))).await,
            Vec::<i64>::new()
        );
        let combined = AuditFilter {
            tenant_id: Some(a.id),
            since: Some(ms(2_000)),
            ..operation
        };
        assert_eq!(by(combined).await, vec![3, 5]);
    }
);

contract!(audit_pages_follow_the_cursor, |store, _db| {
    for n in 0..7 {
        partner(&store, &format!("Partner {n}")).await;
    }
    let (records, pages) = all_pages(3, async |page| {
        store
            .list_audit(&AuditFilter::default(), &page)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(pages, 3);
    assert_eq!(seqs(&records), (1..=7).collect::<Vec<_>>());
    // A filtered list pages within the filter.
    let creates = AuditFilter {
        operation: Some("tenant.create".into()),
        since: Some(ms(1_000)),
        ..AuditFilter::default()
    };
    let (filtered, pages) = all_pages(4, async |page| {
        store.list_audit(&creates, &page).await.unwrap()
    })
    .await;
    assert_eq!((filtered.len(), pages), (7, 2));
    let bad = PageRequest::new(Some(3), Some(portcullis_domain::Cursor("x".into()))).unwrap();
    assert!(
        store
            .list_audit(&AuditFilter::default(), &bad)
            .await
            .is_err()
    );
});

contract!(
    concurrent_mutations_keep_one_verifiable_chain,
    |store, _db| {
        let tasks: Vec<_> = (0..20)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let new = NewTenant {
                        id: TenantId::generate(),
                        kind: TenantKind::Customer,
                        display_name: name(&format!("Customer {n}")),
                    };
                    store.create_tenant(&ctx(1_000 + n), new).await.unwrap().id
                })
            })
            .collect();
        let mut ids = BTreeSet::new();
        for task in tasks {
            ids.insert(task.await.unwrap());
        }
        assert_eq!(ids.len(), 20);
        assert_eq!(store.verify_audit().await.unwrap(), Ok(20));
        let log = audit_log(&store).await;
        assert_eq!(seqs(&log), (1..=20).collect::<Vec<_>>());
        let targets: BTreeSet<_> = log.iter().map(|r| r.target_id.clone()).collect();
        assert_eq!(targets, ids.iter().map(|id| id.to_string()).collect());
    }
);

contract!(
    concurrent_updates_of_one_version_have_one_winner,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let tasks: Vec<_> = (0..10)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let patch = TenantPatch {
                        display_name: Some(name(&format!("Name {n}"))),
                    };
                    store.update_tenant(&ctx(2_000), t.id, Some(1), patch).await
                })
            })
            .collect();
        let mut won = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(updated) => {
                    won += 1;
                    assert_eq!(updated.version, 2);
                }
                Err(StoreError::VersionMismatch { current: 2 }) => {}
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(won, 1);
        assert_eq!(store.get_tenant(t.id).await.unwrap().unwrap().version, 2);
        assert_eq!(store.verify_audit().await.unwrap(), Ok(2));
    }
);
