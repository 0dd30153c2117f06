//! [`WebhookStore`] in SQL.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, DeliveryId, DeliveryStatus, Page, PageRequest, TenantId, Timestamp,
    WebhookDelivery, WebhookId, WebhookPatch, WebhookSubscription,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::{AttemptOutcome, DueDelivery, WebhookStore};
use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{Announcement, AuditContext, SqlStore, StoreError, rows};

const SUB_COLUMNS: &str =
    "id, url, description, event_types, enabled, created_at, updated_at, version, tenant_id";
const DELIVERY_COLUMNS: &str = "id, subscription_id, event_type, payload, attempts, status, \
     next_attempt_at, last_status, last_error, created_at, delivered_at";

fn sub_from_row(row: &AnyRow) -> Result<WebhookSubscription, StoreError> {
    Ok(WebhookSubscription {
        id: rows::parsed(row, "id", WebhookId::parse)?,
        url: rows::text(row, "url")?,
        description: rows::opt_text(row, "description")?,
        event_types: rows::json(row, "event_types")?,
        enabled: rows::flag(row, "enabled")?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
        tenant_id: rows::opt_parsed(row, "tenant_id", TenantId::parse)?,
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<WebhookDelivery, StoreError> {
    Ok(WebhookDelivery {
        id: rows::parsed(row, "id", DeliveryId::parse)?,
        subscription_id: rows::parsed(row, "subscription_id", WebhookId::parse)?,
        event_type: rows::text(row, "event_type")?,
        payload: rows::json(row, "payload")?,
        attempts: rows::int(row, "attempts")?,
        status: rows::named(row, "status", DeliveryStatus::parse)?,
        next_attempt_at: rows::opt_time(row, "next_attempt_at")?,
        last_status: rows::opt_int(row, "last_status")?,
        last_error: rows::opt_text(row, "last_error")?,
        created_at: rows::time(row, "created_at")?,
        delivered_at: rows::opt_time(row, "delivered_at")?,
    })
}

/// The subscription as stored, read inside a mutation.
async fn stored_sub(
    m: &mut crate::mutation::Mutation,
    id: WebhookId,
    expected_version: Option<i64>,
) -> Result<WebhookSubscription, StoreError> {
    let before = sqlx::query(&format!(
        "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(m.conn())
    .await?
    .as_ref()
    .map(sub_from_row)
    .transpose()?
    .ok_or(StoreError::NotFound)?;
    check_version(before.version, expected_version)?;
    Ok(before)
}

/// A time-ordered id (UUID v7) for a delivery made at `at`.
fn delivery_id(at: Timestamp) -> DeliveryId {
    let millis = u64::try_from(at.unix_millis()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        millis / 1_000,
        u32::try_from((millis % 1_000) * 1_000_000).unwrap_or(0),
    );
    DeliveryId::from_uuid(uuid::Uuid::new_v7(ts))
}

async fn insert_delivery(
    conn: &mut AnyConnection,
    subscription_id: WebhookId,
    event_type: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
    at: Timestamp,
) -> Result<Option<WebhookDelivery>, StoreError> {
    let delivery = WebhookDelivery {
        id: delivery_id(at),
        subscription_id,
        event_type: event_type.to_owned(),
        payload: payload.clone(),
        attempts: 0,
        status: DeliveryStatus::Pending,
        next_attempt_at: Some(at),
        last_status: None,
        last_error: None,
        created_at: at,
        delivered_at: None,
    };
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (id, subscription_id, event_type, payload, dedupe_key, \
         attempts, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8) \
         ON CONFLICT DO NOTHING",
    )
    .bind(delivery.id.to_string())
    .bind(delivery.subscription_id.to_string())
    .bind(&delivery.event_type)
    .bind(rows::to_json(&delivery.payload)?)
    .bind(dedupe_key)
    .bind(delivery.status.as_str())
    .bind(at.unix_millis())
    .bind(at.unix_millis())
    .execute(&mut *conn)
    .await?;
    Ok((done.rows_affected() > 0).then_some(delivery))
}

/// Enqueues an event for every enabled subscription that wants it and
/// whose audience it reaches (see [`WebhookStore::enqueue_deliveries_concerning`]),
/// on `conn` — the pool's, or a mutation's transaction.
pub(crate) async fn enqueue_on(
    conn: &mut AnyConnection,
    announcement: &Announcement,
    at: Timestamp,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE enabled = 1 ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut created = Vec::new();
    for row in &rows {
        let sub = sub_from_row(row)?;
        let audience = match sub.tenant_id {
            None => announcement.operators,
            Some(own) => announcement.concerns.contains(&own),
        };
        if !sub.wants(&announcement.event_type) || !audience {
            continue;
        }
        if let Some(d) = insert_delivery(
            conn,
            sub.id,
            &announcement.event_type,
            &announcement.payload,
            announcement.dedupe_key.as_deref(),
            at,
        )
        .await?
        {
            created.push(d);
        }
    }
    Ok(created)
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn create_webhook(
        &self,
        ctx: &AuditContext,
        sub: &WebhookSubscription,
        secret: &str,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(
            "INSERT INTO webhook_subscriptions (id, url, description, event_types, secret, \
             enabled, created_at, updated_at, version, tenant_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(sub.id.to_string())
        .bind(&sub.url)
        .bind(sub.description.as_deref())
        .bind(rows::to_json(&sub.event_types)?)
        .bind(secret)
        .bind(i64::from(sub.enabled))
        .bind(sub.created_at.unix_millis())
        .bind(sub.updated_at.unix_millis())
        .bind(sub.version)
        .bind(sub.tenant_id.map(|t| t.to_string()))
        .execute(m.conn())
        .await?;
        // The audit record describes the subscription, never its secret.
        m.commit(ctx.draft(
            AuditOperation::WebhookCreate,
            sub.tenant_id,
            sub.id,
            None,
            Some(sub),
        ))
        .await
    }

    async fn get_webhook(&self, id: WebhookId) -> Result<Option<WebhookSubscription>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(sub_from_row).transpose()
    }

    async fn list_webhooks(
        &self,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, StoreError> {
        self.list_tenant_webhooks(None, page).await
    }

    async fn list_tenant_webhooks(
        &self,
        tenant: Option<TenantId>,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {SUB_COLUMNS} FROM webhook_subscriptions WHERE ($1 IS NULL OR id > $1) \
             AND ($2 IS NULL OR tenant_id = $2) ORDER BY id LIMIT $3"
        ))
        .bind(keys.after())
        .bind(tenant.map(|t| t.to_string()))
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, sub_from_row, |s| s.id.to_string())
    }

    async fn update_webhook(
        &self,
        ctx: &AuditContext,
        id: WebhookId,
        expected_version: Option<i64>,
        patch: WebhookPatch,
    ) -> Result<WebhookSubscription, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = stored_sub(&mut m, id, expected_version).await?;
        let after = WebhookSubscription {
            url: patch.url.unwrap_or_else(|| before.url.clone()),
            description: patch
                .description
                .unwrap_or_else(|| before.description.clone()),
            event_types: patch
                .event_types
                .unwrap_or_else(|| before.event_types.clone()),
            enabled: patch.enabled.unwrap_or(before.enabled),
            updated_at: ctx.at,
            version: before.version + 1,
            ..before.clone()
        };
        sqlx::query(
            "UPDATE webhook_subscriptions SET url = $1, description = $2, event_types = $3, \
             enabled = $4, updated_at = $5, version = $6 WHERE id = $7",
        )
        .bind(&after.url)
        .bind(after.description.as_deref())
        .bind(rows::to_json(&after.event_types)?)
        .bind(i64::from(after.enabled))
        .bind(after.updated_at.unix_millis())
        .bind(after.version)
        .bind(id.to_string())
        .execute(m.conn())
        .await?;
        m.commit(ctx.draft(
            AuditOperation::WebhookUpdate,
            None,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_webhook(
        &self,
        ctx: &AuditContext,
        id: WebhookId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = stored_sub(&mut m, id, expected_version).await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE subscription_id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::WebhookDelete,
            None,
            id,
            Some(&before),
            None::<&WebhookSubscription>,
        ))
        .await
    }

    async fn enqueue_deliveries(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.enqueue_deliveries_concerning(event_type, payload, dedupe_key, &[], true, at)
            .await
    }

    async fn enqueue_deliveries_concerning(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        concerns: &[TenantId],
        operators: bool,
        at: Timestamp,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let announcement = Announcement {
            event_type: event_type.to_owned(),
            payload: payload.clone(),
            dedupe_key: dedupe_key.map(str::to_owned),
            concerns: concerns.to_vec(),
            operators,
        };
        let mut conn = self.pool().acquire().await?;
        enqueue_on(&mut conn, &announcement, at).await
    }

    async fn enqueue_delivery_to(
        &self,
        subscription_id: WebhookId,
        event_type: &str,
        payload: &serde_json::Value,
        at: Timestamp,
    ) -> Result<WebhookDelivery, StoreError> {
        if self.get_webhook(subscription_id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut conn = self.pool().acquire().await?;
        insert_delivery(&mut conn, subscription_id, event_type, payload, None, at)
            .await?
            .ok_or_else(|| StoreError::Conflict("the delivery already exists".into()))
    }

    async fn claim_due_deliveries(
        &self,
        now: Timestamp,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let columns = DELIVERY_COLUMNS
            .split(", ")
            .map(|c| format!("d.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {columns}, s.url AS sub_url, s.secret AS sub_secret \
             FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND s.enabled = 1 \
             ORDER BY d.next_attempt_at, d.id LIMIT $2"
        ))
        .bind(now.unix_millis())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        let lease_until = now.saturating_add_millis(lease_ms);
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut delivery = delivery_from_row(row)?;
            // Only the worker whose update finds the row unchanged claims it.
            let done = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at = $1 \
                 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
            )
            .bind(lease_until.unix_millis())
            .bind(delivery.id.to_string())
            .bind(delivery.next_attempt_at.map(Timestamp::unix_millis))
            .execute(self.pool())
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            delivery.next_attempt_at = Some(lease_until);
            claimed.push(DueDelivery {
                delivery,
                url: rows::text(row, "sub_url")?,
                secret: rows::text(row, "sub_secret")?,
            });
        }
        Ok(claimed)
    }

    async fn record_attempt(
        &self,
        delivery_id: DeliveryId,
        outcome: &AttemptOutcome,
    ) -> Result<WebhookDelivery, StoreError> {
        let delivered_at =
            (outcome.status == DeliveryStatus::Delivered).then_some(outcome.at.unix_millis());
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, \
             next_attempt_at = $2, last_status = $3, last_error = $4, delivered_at = $5 \
             WHERE id = $6",
        )
        .bind(outcome.status.as_str())
        .bind(outcome.next_attempt_at.map(Timestamp::unix_millis))
        .bind(outcome.http_status)
        .bind(outcome.error.as_deref())
        .bind(delivered_at)
        .bind(delivery_id.to_string())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"
        ))
        .bind(delivery_id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        delivery_from_row(&row)
    }

    async fn list_deliveries(
        &self,
        subscription_id: WebhookId,
        page: &PageRequest,
    ) -> Result<Page<WebhookDelivery>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE subscription_id = $1 \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
        ))
        .bind(subscription_id.to_string())
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, delivery_from_row, |d| d.id.to_string())
    }
}
