//! Changing the audit log behind the store's back is found by `verify_audit`,
//! which names the first sequence number that does not verify.

use portcullis_domain::AuditOperation;
use portcullis_domain::TenantPatch;
use portcullis_domain::{AuditDraft, AuditRecord, ChainHead, PrincipalKind};
use portcullis_store::{AuditStore, GroupStore, SqlStore, TenantStore};
use portcullis_testkit::forgery::{insert_audit_record, overwrite_audit_record, set_audit_head};

use crate::contract;
use crate::support::{audit_log, ctx, group, ms, partner, user};

/// Five audited mutations: tenant.create, tenant.update, user.create,
/// group.create, group.member.add.
async fn five_records(store: &SqlStore) -> Vec<AuditRecord> {
    let t = partner(store, "Contoso").await;
    store
        .update_tenant(&ctx(1_500), t.id, Some(1), TenantPatch::default())
        .await
        .unwrap();
    let u = user(store, t.id, "alice@contoso.com").await;
    let g = group(store, t.id, "Helpdesk").await;
    store
        .add_member(&ctx(4_000), t.id, g.id, u.id)
        .await
        .unwrap();
    let log = audit_log(store).await;
    assert_eq!(log.len(), 5);
    assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
    log
}

/// The sequence number `verify_audit` names as the first bad one.
async fn first_bad_seq(store: &SqlStore) -> i64 {
    match store.verify_audit().await.unwrap() {
        Ok(n) => panic!("the tampered chain verified as {n} records"),
        Err(broken) => {
            assert!(!broken.reason.is_empty());
            broken.seq
        }
    }
}

/// Runs one statement of plain SQL that must change exactly one row.
async fn tamper(store: &SqlStore, sql: &str) {
    let done = sqlx::query(sql).execute(store.pool()).await.unwrap();
    assert_eq!(done.rows_affected(), 1, "{sql}");
}

/// Writes every column of `record` but `seq` over the row numbered `seq`.
async fn overwrite(store: &SqlStore, seq: i64, record: &AuditRecord) {
    let done = overwrite_audit_record(seq, record)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

async fn insert(store: &SqlStore, record: &AuditRecord) {
    insert_audit_record(record)
        .execute(store.pool())
        .await
        .unwrap();
}

contract!(intact_chain_verifies_with_its_length, |store, _db| {
    assert_eq!(store.verify_audit().await.unwrap(), Ok(0));
    five_records(&store).await;
    assert_eq!(store.verify_audit().await.unwrap(), Ok(5));
});

contract!(altered_field_is_found_at_its_seq, |store, _db| {
    let log = five_records(&store).await;
    // Record 3 is the user.create of alice, in a tenant, from 127.0.0.1.
    let alterations = [
        ("at", "at + 1"),
        ("actor", "'operator token:forged'"),
        ("actor_kind", "'service'"),
        ("tenant_id", "NULL"),
        ("operation", "'user.update'"),
        ("target_id", "'00000000-0000-0000-0000-000000000000'"),
        ("before_state", "'{}'"),
        ("after_state", "REPLACE(after_state, 'alice', 'mallory')"),
        ("after_state", "after_state || ' '"),
        ("source_ip", "'10.0.0.1'"),
        ("request_id", "NULL"),
        ("prev_hash", "hash"),
        ("hash", "prev_hash"),
    ];
    for (column, value) in alterations {
        tamper(
            &store,
            &format!("UPDATE audit_log SET {column} = {value} WHERE seq = 3"),
        )
        .await;
        let changed = audit_log(&store).await;
        assert_ne!(changed[2], log[2], "{column} = {value} changed nothing");
        assert_eq!(first_bad_seq(&store).await, 3, "{column} = {value}");
        overwrite(&store, 3, &log[2]).await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5), "restored");
    }
});

contract!(deleted_record_is_found_at_its_seq, |store, _db| {
    let log = five_records(&store).await;
    for seq in [2, 1, 4] {
        tamper(&store, &format!("DELETE FROM audit_log WHERE seq = {seq}")).await;
        assert_eq!(first_bad_seq(&store).await, seq);
        insert(&store, &log[seq as usize - 1]).await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(5), "restored");
    }
});

contract!(emptied_log_is_found_through_the_head, |store, _db| {
    five_records(&store).await;
    let done = sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 5);
    assert_eq!(first_bad_seq(&store).await, 1);
});

contract!(swapped_records_are_found_at_the_first, |store, _db| {
    let log = five_records(&store).await;
    overwrite(&store, 2, &log[3]).await;
    overwrite(&store, 4, &log[1]).await;
    let swapped = audit_log(&store).await;
    assert_eq!(swapped[1].operation, log[3].operation);
    assert_eq!(first_bad_seq(&store).await, 2);
});

contract!(
    deleted_last_record_is_found_through_the_head,
    |store, _db| {
        five_records(&store).await;
        tamper(&store, "DELETE FROM audit_log WHERE seq = 5").await;
        assert_eq!(first_bad_seq(&store).await, 5);
    }
);

contract!(rehashed_alteration_breaks_its_successor, |store, _db| {
    let log = five_records(&store).await;
    let mut forged = log[2].clone();
    forged.actor = "operator token:forged".into();
    forged.hash = forged.compute_hash();
    assert_ne!(forged.hash, log[2].hash);
    overwrite(&store, 3, &forged).await;
    // Record 3 is self-consistent now; record 4 no longer follows it.
    assert_eq!(first_bad_seq(&store).await, 4);
});

contract!(
    alteration_with_a_copied_hash_is_found_at_its_seq,
    |store, _db| {
        let log = five_records(&store).await;
        let mut forged = log[2].clone();
        forged.operation = "tenant.delete".into();
        forged.hash = log[1].hash.clone();
        overwrite(&store, 3, &forged).await;
        assert_eq!(first_bad_seq(&store).await, 3);
    }
);

contract!(rehashed_last_record_is_found_at_its_seq, |store, _db| {
    let log = five_records(&store).await;
    let mut forged = log[4].clone();
    forged.actor = "operator token:forged".into();
    forged.hash = forged.compute_hash();
    overwrite(&store, 5, &forged).await;
    assert_eq!(first_bad_seq(&store).await, 5);
});

contract!(
    appended_record_beyond_the_head_is_found_at_its_seq,
    |store, _db| {
        let log = five_records(&store).await;
        let forged = AuditRecord::seal(draft(6), 6, &log[4].hash);
        insert(&store, &forged).await;
        assert_eq!(first_bad_seq(&store).await, 6);
    }
);

contract!(altered_head_is_found, |store, _db| {
    let log = five_records(&store).await;
    let forged = AuditRecord::seal(draft(5), 5, &log[3].hash);
    tamper(
        &store,
        &format!(
            "UPDATE audit_head SET hash = '{}' WHERE id = 1",
            forged.hash
        ),
    )
    .await;
    assert!(store.verify_audit().await.unwrap().is_err());
});

fn draft(n: i64) -> AuditDraft {
    AuditDraft {
        at: ms(10_000 + n),
        actor: "operator cli".into(),
        actor_kind: PrincipalKind::Operator,
        tenant_id: None,
        operation: AuditOperation::TenantCreate,
        target_id: format!("target-{n}"),
        before: None,
        after: Some(serde_json::json!({ "n": n })),
        source_ip: None,
        request_id: Some(format!("req-{n}")),
    }
}

/// Writes a valid chain of `len` records straight into the tables.
async fn long_chain(store: &SqlStore, len: i64) {
    let mut tx = store.pool().begin().await.unwrap();
    let mut prev = portcullis_domain::GENESIS_HASH.to_owned();
    for seq in 1..=len {
        let record = AuditRecord::seal(draft(seq), seq, &prev);
        insert_audit_record(&record)
            .execute(&mut *tx)
            .await
            .unwrap();
        prev = record.hash;
    }
    let head = ChainHead {
        seq: len,
        hash: prev,
    };
    let done = set_audit_head(&head).execute(&mut *tx).await.unwrap();
    assert_eq!(done.rows_affected(), 1);
    tx.commit().await.unwrap();
}

contract!(
    tampering_past_the_first_verify_batch_is_found,
    |store, _db| {
        long_chain(&store, 2_100).await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(2_100));
        // The store keeps appending to a chain it did not write itself.
        partner(&store, "Contoso").await;
        assert_eq!(store.verify_audit().await.unwrap(), Ok(2_101));
        tamper(&store, "UPDATE audit_log SET actor = 'x' WHERE seq = 1500").await;
        assert_eq!(first_bad_seq(&store).await, 1_500);
        tamper(&store, "DELETE FROM audit_log WHERE seq = 1001").await;
        assert_eq!(first_bad_seq(&store).await, 1_001);
    }
);
