//! Access reviews and review policies: audited, versioned, listed per
//! customer, found by the worker when due; and customer webhook
//! subscriptions that receive only events concerning their tenant.

use portcullis_domain::{
    AccessReview, AccessReviewFilter, AccessReviewId, AuditOperation, PageRequest, ReviewDecision,
    ReviewPolicy, ReviewScope, ReviewStatus, TenantId, Timestamp, WebhookId, WebhookSubscription,
};
use portcullis_store::{AccessReviewStore, StoreError, WebhookStore};
use serde_json::json;

use crate::contract;
use crate::support::{all_pages, audit_log, ctx};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

fn review(customer: TenantId, partner: TenantId, created: i64, due: i64) -> AccessReview {
    AccessReview {
        id: AccessReviewId::generate(),
        customer_tenant_id: customer,
        partner_tenant_id: partner,
        scope: ReviewScope::All,
        remove_unreviewed: false,
        started_by: "customer_admin".into(),
        status: ReviewStatus::InProgress,
        created_at: at(created),
        due_at: at(due),
        reminded_at: None,
        completed_at: None,
        completed_by: None,
        items: Vec::new(),
        version: 1,
    }
}

contract!(
    reviews_are_audited_versioned_and_listed_per_customer,
    |store, _db| {
        let (c1, c2, p) = (
            TenantId::generate(),
            TenantId::generate(),
            TenantId::generate(),
        );
        let first = review(c1, p, 1_000, 50_000);
        let second = review(c2, p, 2_000, 9_000);
        store
            .create_access_review(&ctx(1_000), &first)
            .await
            .unwrap();
        store
            .create_access_review(&ctx(2_000), &second)
            .await
            .unwrap();
        assert_eq!(
            store.get_access_review(first.id).await.unwrap().as_ref(),
            Some(&first)
        );
        let filter = AccessReviewFilter {
            customer_tenant_id: Some(c1),
            ..AccessReviewFilter::default()
        };
        let (mine, _) = all_pages(1, async |page| {
            store.list_access_reviews(&filter, &page).await.unwrap()
        })
        .await;
        assert_eq!(mine, vec![first.clone()]);

        let mut after = first.clone();
        after.reminded_at = Some(at(3_000));
        after.version = 2;
        store
            .update_access_review(&ctx(3_000), AuditOperation::AccessReviewRemind, &after)
            .await
            .unwrap();
        // A writer that read version 1 loses.
        let stale = store
            .update_access_review(&ctx(3_500), AuditOperation::AccessReviewDecide, &after)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::VersionMismatch { current: 2 }));
        let mut done = after.clone();
        done.status = ReviewStatus::Completed;
        done.version = 3;
        store
            .update_access_review(&ctx(4_000), AuditOperation::AccessReviewComplete, &done)
            .await
            .unwrap();
        let completed = store
            .list_access_reviews(
                &AccessReviewFilter {
                    status: Some(ReviewStatus::Completed),
                    ..AccessReviewFilter::default()
                },
                &PageRequest::first(10),
            )
            .await
            .unwrap();
        assert_eq!(completed.items, vec![done]);
        assert_eq!(
            store.last_access_review_at(c1, p).await.unwrap(),
            Some(at(1_000))
        );
        assert_eq!(store.last_access_review_at(c1, c2).await.unwrap(), None);
        // Only the open review whose due date passed.
        let due = store.open_access_reviews_due(at(10_000), 10).await.unwrap();
        assert_eq!(due, vec![second]);
        let ops: Vec<String> = audit_log(&store)
            .await
            .iter()
            .map(|r| r.operation.clone())
            .collect();
        assert_eq!(
            ops,
            [
                "access_review.start",
                "access_review.start",
                "access_review.remind",
                "access_review.complete"
            ]
        );
        let missing = review(c1, p, 1, 2);
        let err = store
            .update_access_review(&ctx(5_000), AuditOperation::AccessReviewDecide, &missing)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound));
        assert_eq!(
            ReviewDecision::parse("deny"),
            Some(ReviewDecision::Deny),
            "the vocabulary is shared"
        );
    }
);

contract!(
    review_policies_are_one_per_customer_and_audited,
    |store, _db| {
        let c = TenantId::generate();
        let mut policy = ReviewPolicy {
            customer_tenant_id: c,
            every_days: 90,
            duration_days: 14,
            scope: ReviewScope::Privileged,
            remove_unreviewed: false,
            created_at: at(1_000),
            updated_at: at(1_000),
            version: 1,
        };
        store
            .put_review_policy(&ctx(1_000), &policy, None)
            .await
            .unwrap();
        policy.every_days = 30;
        policy.version = 2;
        let stale = store
            .put_review_policy(&ctx(2_000), &policy, Some(7))
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::VersionMismatch { current: 1 }));
        store
            .put_review_policy(&ctx(2_000), &policy, Some(1))
            .await
            .unwrap();
        assert_eq!(
            store.get_review_policy(c).await.unwrap(),
            Some(policy.clone())
        );
        assert_eq!(store.list_review_policies().await.unwrap(), vec![policy]);
        store.delete_review_policy(&ctx(3_000), c).await.unwrap();
        assert_eq!(store.get_review_policy(c).await.unwrap(), None);
        assert!(matches!(
            store
                .delete_review_policy(&ctx(3_000), c)
                .await
                .unwrap_err(),
            StoreError::NotFound
        ));
        let ops: Vec<String> = audit_log(&store)
            .await
            .iter()
            .map(|r| r.operation.clone())
            .collect();
        assert_eq!(
            ops,
            [
                "access_review.policy.set",
                "access_review.policy.set",
                "access_review.policy.delete"
            ]
        );
    }
);

fn subscription(tenant: Option<TenantId>) -> WebhookSubscription {
    WebhookSubscription {
        id: WebhookId::generate(),
        url: "http://127.0.0.1:9/hook".into(),
        description: None,
        event_types: Vec::new(),
        enabled: true,
        created_at: at(1_000),
        updated_at: at(1_000),
        version: 1,
        tenant_id: tenant,
    }
}

contract!(
    a_customer_subscription_receives_only_events_concerning_its_tenant,
    |store, _db| {
        let (mine, theirs) = (TenantId::generate(), TenantId::generate());
        let operator = subscription(None);
        let customer = subscription(Some(mine));
        let other = subscription(Some(theirs));
        for s in [&operator, &customer, &other] {
            store
                .create_webhook(&ctx(1_000), s, "whsec_x")
                .await
                .unwrap();
        }
        let payload = json!({"customer_tenant_id": mine});
        let sent = store
            .enqueue_deliveries_concerning(
                "relationship.create",
                &payload,
                None,
                &[mine],
                true,
                at(2_000),
            )
            .await
            .unwrap();
        let mut to: Vec<WebhookId> = sent.iter().map(|d| d.subscription_id).collect();
        to.sort();
        let mut want = vec![operator.id, customer.id];
        want.sort();
        assert_eq!(to, want);
        // A customer's own copy of an event reaches only that customer.
        let sent = store
            .enqueue_deliveries_concerning(
                "finding.create",
                &payload,
                None,
                &[mine],
                false,
                at(2_500),
            )
            .await
            .unwrap();
        assert_eq!(
            sent.iter().map(|d| d.subscription_id).collect::<Vec<_>>(),
            [customer.id]
        );
        // An event concerning no customer reaches operators only.
        let sent = store
            .enqueue_deliveries("relationship.expiry_warning", &payload, None, at(3_000))
            .await
            .unwrap();
        assert_eq!(
            sent.iter().map(|d| d.subscription_id).collect::<Vec<_>>(),
            [operator.id]
        );
        assert_eq!(
            store
                .get_webhook(customer.id)
                .await
                .unwrap()
                .unwrap()
                .tenant_id,
            Some(mine)
        );
        let listed = store
            .list_tenant_webhooks(Some(mine), &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(listed.items, vec![customer]);
        let all = store.list_webhooks(&PageRequest::first(10)).await.unwrap();
        assert_eq!(all.items.len(), 3);
        let audited = audit_log(&store).await;
        assert_eq!(
            audited
                .iter()
                .filter(|r| r.tenant_id.as_deref() == Some(mine.to_string().as_str()))
                .count(),
            1,
            "the customer's subscription is audited under its tenant"
        );
    }
);
