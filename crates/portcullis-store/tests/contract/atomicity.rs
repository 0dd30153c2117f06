//! A change and its audit record stand or fall together: when the record
//! cannot be written, the change is undone; a verification never sees a
//! half-written chain.

use portcullis_domain::{NewTenant, TenantPatch};
use portcullis_domain::{PageRequest, TenantId, TenantKind};
use portcullis_store::{
    AuditStore, GroupStore, SqlStore, StoreError, TenantStore, TokenStore, UserStore,
};

use crate::contract;
use crate::support::{audit_count, audit_log, ctx, group, name, partner, token, user};

/// Occupies audit sequence number `seq` with a copy of record 1, behind the
/// head's back, so that the mutation that would write `seq` fails there.
pub(crate) async fn block_seq(store: &SqlStore, seq: i64) {
    let done = sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, actor_kind, tenant_id, operation, target_id, \
         before_state, after_state, source_ip, request_id, prev_hash, hash) \
         SELECT $1, at, actor, actor_kind, tenant_id, operation, target_id, before_state, \
         after_state, source_ip, request_id, prev_hash, hash FROM audit_log WHERE seq = 1",
    )
    .bind(seq)
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

contract!(
    change_is_undone_when_its_audit_record_fails,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let u = user(&store, t.id, "alice@contoso.com").await;
        let g = group(&store, t.id, "Helpdesk").await;
        store
            .add_member(&ctx(4_000), t.id, g.id, u.id)
            .await
            .unwrap();
        block_seq(&store, 5).await;

        let new = NewTenant {
            id: TenantId::generate(),
            kind: TenantKind::Customer,
            display_name: name("Fabrikam"),
        };
        assert!(store.create_tenant(&ctx(5_000), new.clone()).await.is_err());
        assert_eq!(store.get_tenant(new.id).await.unwrap(), None);

        let patch = TenantPatch {
            display_name: Some(name("Renamed")),
        };
        assert!(
            store
                .update_tenant(&ctx(5_000), t.id, None, patch)
                .await
                .is_err()
        );
        assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t.clone()));

        assert!(
            store
                .delete_user(&ctx(5_000), t.id, u.id, None)
                .await
                .is_err()
        );
        assert_eq!(store.get_user(t.id, u.id).await.unwrap(), Some(u.clone()));
        let members = store
            .list_members(t.id, g.id, &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(
            members.items.len(),
            1,
            "the membership was deleted without its record"
        );

        assert!(
            store
                .delete_group(&ctx(5_000), t.id, g.id, None)
                .await
                .is_err()
        );
        assert_eq!(store.get_group(t.id, g.id).await.unwrap(), Some(g));
        assert_eq!(audit_count(&store).await, 5);
    }
);

contract!(
    tenant_delete_keeps_tokens_when_its_own_record_fails,
    |store, _db| {
        let t = partner(&store, "Contoso").await;
        let tok = token(&store, Some(t.id), "hash").await;
        // The token.revoke record takes seq 3; the tenant.delete record fails at 4.
        block_seq(&store, 4).await;
        assert!(store.delete_tenant(&ctx(5_000), t.id, None).await.is_err());
        assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t));
        assert_eq!(
            store.get_token(tok.id).await.unwrap().unwrap().revoked_at,
            None
        );
        let log = audit_log(&store).await;
        assert!(log.iter().all(|r| r.operation != "token.revoke"), "{log:?}");
        assert_eq!(audit_count(&store).await, 3);
    }
);

contract!(mutations_refuse_without_a_chain_head, |store, _db| {
    partner(&store, "Contoso").await;
    let done = sqlx::query("DELETE FROM audit_head")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
    let broken = store.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 1);
    let new = NewTenant {
        id: TenantId::generate(),
        kind: TenantKind::Partner,
        display_name: name("Fabrikam"),
    };
    let err = store
        .create_tenant(&ctx(2_000), new.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert_eq!(store.get_tenant(new.id).await.unwrap(), None);
    assert_eq!(audit_count(&store).await, 1);
});

contract!(
    verify_during_writes_always_sees_a_whole_chain,
    |store, _db| {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for n in 0..10 {
                        partner(&store, &format!("Writer {w} tenant {n}")).await;
                    }
                })
            })
            .collect();
        let mut seen = 0;
        for _ in 0..30 {
            match store.verify_audit().await.unwrap() {
                Ok(n) => {
                    assert!(n >= seen, "the chain shrank from {seen} to {n}");
                    seen = n;
                }
                Err(broken) => panic!("a consistent read found {broken}"),
            }
        }
        for writer in writers {
            writer.await.unwrap();
        }
        assert_eq!(store.verify_audit().await.unwrap(), Ok(40));
    }
);
