//! Webhooks: audited subscriptions whose secret never leaves the store
//! except to the delivery worker, and a delivery log that enqueues once per
//! dedupe key, leases due deliveries and records attempts.

use portcullis_domain::{DeliveryStatus, WebhookId, WebhookPatch, WebhookSubscription};
use portcullis_domain::{PageRequest, Timestamp};
use portcullis_store::{AttemptOutcome, AuditStore, StoreError, WebhookStore};
use serde_json::json;

use crate::contract;
use crate::support::{all_pages, audit_log, ctx};

fn sub(id: WebhookId, types: &[&str]) -> WebhookSubscription {
    WebhookSubscription {
        id,
        url: "http://127.0.0.1:9/hook".into(),
        description: Some("siem".into()),
        event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        enabled: true,
        created_at: Timestamp::from_unix_millis(1_000),
        updated_at: Timestamp::from_unix_millis(1_000),
        version: 1,
        tenant_id: None,
    }
}

const A: WebhookId = WebhookId::from_uuid(uuid::Uuid::from_u128(
    0x0000_0000_0000_4000_8000_0000_0000_000a,
));
const B: WebhookId = WebhookId::from_uuid(uuid::Uuid::from_u128(
    0x0000_0000_0000_4000_8000_0000_0000_000b,
));

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

contract!(
    webhook_changes_are_audited_without_the_secret,
    |store, _db| {
        store
            .create_webhook(&ctx(1_000), &sub(A, &[]), "whsec_topsecret")
            .await
            .unwrap();
        let patch = WebhookPatch {
            enabled: Some(false),
            description: Some(None),
            ..WebhookPatch::default()
        };
        let stale = store
            .update_webhook(&ctx(2_000), A, Some(7), patch.clone())
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::VersionMismatch { current: 1 }));
        let after = store
            .update_webhook(&ctx(2_000), A, Some(1), patch)
            .await
            .unwrap();
        assert_eq!(
            (after.enabled, after.version, after.description.clone()),
            (false, 2, None)
        );
        assert_eq!(store.get_webhook(A).await.unwrap(), Some(after));
        store.delete_webhook(&ctx(3_000), A, None).await.unwrap();
        assert_eq!(store.get_webhook(A).await.unwrap(), None);
        let missing = store
            .delete_webhook(&ctx(3_000), A, None)
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::NotFound));
        let log = audit_log(&store).await;
        let ops: Vec<&str> = log.iter().map(|r| r.operation.as_str()).collect();
        assert_eq!(ops, ["webhook.create", "webhook.update", "webhook.delete"]);
        for record in &log {
            let text = format!("{:?}{:?}", record.before, record.after);
            assert!(
                !text.contains("topsecret"),
                "secret leaked into the audit log"
            );
        }
        assert!(store.verify_audit().await.unwrap().is_ok());
    }
);

contract!(
    enqueue_matches_enabled_filters_and_dedupes_by_key,
    |store, _db| {
        store
            .create_webhook(
                &ctx(1_000),
                &sub(A, &["relationship.expiry_warning"]),
                "s-a",
            )
            .await
            .unwrap();
        store
            .create_webhook(&ctx(1_000), &sub(B, &["ping"]), "s-b")
            .await
            .unwrap();
        let payload = json!({"days": 7});
        let made = store
            .enqueue_deliveries(
                "relationship.expiry_warning",
                &payload,
                Some("w1"),
                at(5_000),
            )
            .await
            .unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].subscription_id, A);
        let again = store
            .enqueue_deliveries(
                "relationship.expiry_warning",
                &payload,
                Some("w1"),
                at(6_000),
            )
            .await
            .unwrap();
        assert!(again.is_empty(), "the same dedupe key enqueued twice");
        store
            .update_webhook(
                &ctx(2_000),
                A,
                None,
                WebhookPatch {
                    enabled: Some(false),
                    ..WebhookPatch::default()
                },
            )
            .await
            .unwrap();
        let disabled = store
            .enqueue_deliveries(
                "relationship.expiry_warning",
                &payload,
                Some("w2"),
                at(7_000),
            )
            .await
            .unwrap();
        assert!(
            disabled.is_empty(),
            "a disabled subscription got a delivery"
        );
        let ping = store
            .enqueue_delivery_to(A, "webhook.ping", &json!({}), at(7_000))
            .await
            .unwrap();
        assert_eq!(ping.status, DeliveryStatus::Pending);
        let unknown = store
            .enqueue_delivery_to(
                WebhookId::from_uuid(uuid::Uuid::nil()),
                "webhook.ping",
                &json!({}),
                at(7_000),
            )
            .await
            .unwrap_err();
        assert!(matches!(unknown, StoreError::NotFound));
    }
);

contract!(
    due_deliveries_are_leased_and_attempts_recorded,
    |store, _db| {
        store
            .create_webhook(&ctx(1_000), &sub(A, &[]), "s-a")
            .await
            .unwrap();
        let d = store
            .enqueue_deliveries("ping", &json!({"n": 1}), None, at(10_000))
            .await
            .unwrap()
            .remove(0);
        assert!(
            store
                .claim_due_deliveries(at(9_999), 60_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let claimed = store
            .claim_due_deliveries(at(10_000), 60_000, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(
            (claimed[0].secret.as_str(), claimed[0].delivery.id),
            ("s-a", d.id)
        );
        // Leased: a second worker finds nothing until the lease ends.
        assert!(
            store
                .claim_due_deliveries(at(10_000), 60_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .claim_due_deliveries(at(70_000), 60_000, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let retry = AttemptOutcome {
            status: DeliveryStatus::Pending,
            next_attempt_at: Some(at(80_000)),
            http_status: Some(500),
            error: Some("answered 500".into()),
            at: at(70_000),
        };
        let after = store.record_attempt(d.id, &retry).await.unwrap();
        assert_eq!(
            (after.attempts, after.last_status, after.next_attempt_at),
            (1, Some(500), Some(at(80_000)))
        );
        let done = AttemptOutcome {
            status: DeliveryStatus::Delivered,
            next_attempt_at: None,
            http_status: Some(204),
            error: None,
            at: at(80_000),
        };
        let delivered = store.record_attempt(d.id, &done).await.unwrap();
        assert_eq!(
            (delivered.attempts, delivered.status, delivered.delivered_at),
            (2, DeliveryStatus::Delivered, Some(at(80_000)))
        );
        assert!(
            store
                .claim_due_deliveries(at(1_000_000), 60_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let missing = store
            .record_attempt(portcullis_domain::DeliveryId::generate(), &done)
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::NotFound));
    }
);

contract!(delivery_log_pages_in_order, |store, _db| {
    store
        .create_webhook(&ctx(1_000), &sub(A, &[]), "s-a")
        .await
        .unwrap();
    store
        .create_webhook(&ctx(1_000), &sub(B, &[]), "s-b")
        .await
        .unwrap();
    for i in 0..7 {
        store
            .enqueue_deliveries("ping", &json!({"n": i}), None, at(10_000 + i * 1_000))
            .await
            .unwrap();
    }
    let (items, pages) = all_pages(3, async |page| {
        store.list_deliveries(A, &page).await.unwrap()
    })
    .await;
    assert_eq!(pages, 3);
    let ns: Vec<i64> = items
        .iter()
        .map(|d| d.payload["n"].as_i64().unwrap())
        .collect();
    assert_eq!(ns, [0, 1, 2, 3, 4, 5, 6]);
    assert!(items.iter().all(|d| d.subscription_id == A));
    let bad = PageRequest::new(Some(3), Some(portcullis_domain::Cursor("x".into()))).unwrap();
    assert!(matches!(
        store.list_deliveries(A, &bad).await.unwrap_err(),
        StoreError::InvalidCursor(_)
    ));
    let (subs, _) = all_pages(1, async |page| store.list_webhooks(&page).await.unwrap()).await;
    assert_eq!(subs.len(), 2);
});
