//! Webhook events announced with a change are enqueued in the change's own
//! transaction: committed with it, to the audience it names, and not at all
//! when the change is refused.

use portcullis_domain::WebhookSubscription;
use portcullis_domain::{AuditOperation, PageRequest, RelationshipStatus, Timestamp, WebhookId};
use portcullis_store::{AccessChange, AccessStore, Announcement, StoreError, WebhookStore};
use serde_json::json;

use crate::access_fixtures::{approved, customer, drafted};
use crate::contract;
use crate::support::{ctx, partner};

fn subscription(tenant: Option<portcullis_domain::TenantId>) -> WebhookSubscription {
    WebhookSubscription {
        id: WebhookId::generate(),
        url: "http://127.0.0.1:9/hook".into(),
        description: None,
        event_types: Vec::new(),
        enabled: true,
        created_at: Timestamp::from_unix_millis(1_000),
        updated_at: Timestamp::from_unix_millis(1_000),
        version: 1,
        tenant_id: tenant,
    }
}

async fn events(store: &portcullis_store::SqlStore, sub: WebhookId) -> Vec<String> {
    store
        .list_deliveries(sub, &PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| d.event_type)
        .collect()
}

contract!(
    announcements_commit_with_their_change_or_not_at_all,
    |store, _db| {
        let p = partner(&store, "Contoso").await.id;
        let mine = customer(&store, "Fabrikam").await.id;
        let theirs = customer(&store, "Northwind").await.id;
        let operator = subscription(None);
        let customer_sub = subscription(Some(mine));
        let other_sub = subscription(Some(theirs));
        for s in [&operator, &customer_sub, &other_sub] {
            store
                .create_webhook(&ctx(1_000), s, "whsec_x")
                .await
                .unwrap();
        }
        let announce = |event: &str| Announcement {
            event_type: event.to_owned(),
            payload: json!({"customer_tenant_id": mine}),
            dedupe_key: None,
            concerns: vec![mine],
            operators: true,
        };
        let first = approved(p, mine, "Fabrikam helpdesk", 10_000);
        store
            .apply(
                &ctx(10_000).announcing(vec![announce("relationship.create")]),
                vec![AccessChange::Relationship {
                    operation: AuditOperation::RelationshipCreate,
                    before: None,
                    after: Some(first.clone()),
                }],
            )
            .await
            .unwrap();
        assert_eq!(
            events(&store, customer_sub.id).await,
            ["relationship.create"]
        );
        assert_eq!(events(&store, operator.id).await, ["relationship.create"]);
        assert!(events(&store, other_sub.id).await.is_empty());

        // A batch refused as a whole (the second relationship reuses the
        // first's name) enqueues nothing.
        let twin = drafted(p, mine, "Fabrikam helpdesk", 11_000);
        let mut ended = first.clone();
        ended
            .request_termination(Timestamp::from_unix_millis(11_000))
            .unwrap();
        ended.version += 1;
        assert_eq!(ended.status, RelationshipStatus::TerminationRequested);
        let refused = store
            .apply(
                &ctx(11_000).announcing(vec![
                    announce("relationship.terminate"),
                    announce("relationship.create"),
                ]),
                vec![
                    AccessChange::Relationship {
                        operation: AuditOperation::RelationshipTerminate,
                        before: Some(first.clone()),
                        after: Some(ended),
                    },
                    AccessChange::Relationship {
                        operation: AuditOperation::RelationshipCreate,
                        before: None,
                        after: Some(twin),
                    },
                ],
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert_eq!(
            events(&store, customer_sub.id).await,
            ["relationship.create"]
        );
        assert_eq!(events(&store, operator.id).await, ["relationship.create"]);
    }
);
