//! Operators manage subscriptions and read their delivery log; a customer
//! admin manages its own tenant's, which receive only events concerning
//! that tenant (another tenant's subscription is 404, as a missing one).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portcullis_domain::{Page, PageRequest, ValidationError};
use portcullis_domain::{WebhookDelivery, WebhookId, WebhookPatch, WebhookSubscription};
use serde_json::json;

use super::PING_EVENT;
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// Every signing secret starts with this, so secret scanners can find leaks.
const SECRET_PREFIX: &str = "whsec_";
const MAX_URL_LEN: usize = 2_048;
const MAX_DESCRIPTION_LEN: usize = 256;
const MAX_EVENT_TYPES: usize = 32;
const MAX_EVENT_TYPE_LEN: usize = 64;

/// What an operator asks for when subscribing.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub description: Option<String>,
    /// Empty subscribes to every event type.
    pub event_types: Vec<String>,
    pub enabled: bool,
}

fn new_secret() -> Result<String, ServiceError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness for a webhook secret: {e}")))?;
    Ok(format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// An absolute `http` or `https` URL with a host and no credentials.
fn check_url(url: &str) -> Result<reqwest::Url, ValidationError> {
    let refuse = |why: &str| ValidationError::new("url", format!("`{url}` {why}"));
    if url.len() > MAX_URL_LEN {
        return Err(ValidationError::new(
            "url",
            format!("is longer than {MAX_URL_LEN} bytes"),
        ));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| refuse("is not an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refuse("is not an `http` or `https` URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(refuse("has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse("carries credentials; use the signature instead"));
    }
    Ok(parsed)
}

/// At most 256 characters, and no control characters or bidirectional
/// overrides ([`portcullis_domain::free_text`]).
fn check_description(description: Option<&str>) -> Result<(), ValidationError> {
    match description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_LEN => Err(ValidationError::new(
            "description",
            format!("is longer than {MAX_DESCRIPTION_LEN} characters"),
        )),
        Some(d) if !d.trim().is_empty() => {
            portcullis_domain::free_text("description", d, MAX_DESCRIPTION_LEN).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// Event types are lowercase dotted names; duplicates are dropped.
fn check_event_types(types: Vec<String>) -> Result<Vec<String>, ValidationError> {
    if types.len() > MAX_EVENT_TYPES {
        return Err(ValidationError::new(
            "event_types",
            format!("lists more than {MAX_EVENT_TYPES} types"),
        ));
    }
    let mut kept: Vec<String> = Vec::with_capacity(types.len());
    for t in types {
        let valid = !t.is_empty()
            && t.len() <= MAX_EVENT_TYPE_LEN
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
        if !valid {
            return Err(ValidationError::new(
                "event_types",
                format!("`{t}` is not an event type such as `relationship.expiry_warning`"),
            ));
        }
        if !kept.contains(&t) {
            kept.push(t);
        }
    }
    Ok(kept)
}

/// Subscription ids are UUIDs; anything else names no subscription.
fn webhook_id(raw: &str) -> Result<WebhookId, ServiceError> {
    WebhookId::parse(raw).map_err(|_| not_found(raw))
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("webhook `{id}` not found"))
}

impl Portcullis {
    /// Subscribes a URL; returns the subscription and its signing secret,
    /// which is never shown again.
    pub async fn create_webhook(
        &self,
        caller: &Caller,
        new: NewWebhook,
    ) -> Result<(WebhookSubscription, String), ServiceError> {
        self.create_webhook_for(caller, new, None).await
    }

    /// As [`Self::create_webhook`], for the customer tenant `tenant`: an
    /// operator may subscribe on a customer's behalf; a customer admin only
    /// for its own tenant (its subscriptions always are; naming another
    /// tenant is 404, as an unknown one).
    pub async fn create_webhook_for(
        &self,
        caller: &Caller,
        new: NewWebhook,
        tenant: Option<portcullis_domain::TenantId>,
    ) -> Result<(WebhookSubscription, String), ServiceError> {
        let tenant_id = match (caller_rules::webhook_scope(&caller.principal)?, tenant) {
            (Some(own), Some(named)) if named != own => {
                return Err(caller_rules::tenant_not_found(named));
            }
            (Some(own), _) => Some(own),
            (None, Some(named)) => {
                self.tenant_of_kind(
                    named,
                    portcullis_domain::TenantKind::Customer,
                    "customer subscriptions belong to customer tenants",
                )
                .await?;
                Some(named)
            }
            (None, None) => None,
        };
        let url = check_url(&new.url)?;
        self.webhooks.config.destinations.check_url(&url).await?;
        check_description(new.description.as_deref())?;
        let event_types = check_event_types(new.event_types)?;
        let now = self.clock.now();
        let sub = WebhookSubscription {
            id: WebhookId::from_uuid(uuid::Uuid::new_v4()),
            url: new.url,
            description: new.description,
            event_types,
            enabled: new.enabled,
            created_at: now,
            updated_at: now,
            version: 1,
            tenant_id,
        };
        let secret = new_secret()?;
        self.store
            .create_webhook(&caller.audit(now), &sub, &secret)
            .await?;
        Ok((sub, secret))
    }

    pub async fn list_webhooks(
        &self,
        caller: &Caller,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, ServiceError> {
        let scope = caller_rules::webhook_scope(&caller.principal)?;
        Ok(self.store.list_tenant_webhooks(scope, page).await?)
    }

    pub async fn get_webhook(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<WebhookSubscription, ServiceError> {
        let scope = caller_rules::webhook_scope(&caller.principal)?;
        self.store
            .get_webhook(webhook_id(id)?)
            .await?
            .filter(|sub| scope.is_none_or(|own| sub.tenant_id == Some(own)))
            .ok_or_else(|| not_found(id))
    }

    pub async fn update_webhook(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        mut patch: WebhookPatch,
    ) -> Result<WebhookSubscription, ServiceError> {
        let key = self.get_webhook(caller, id).await?.id;
        if let Some(url) = &patch.url {
            let url = check_url(url)?;
            self.webhooks.config.destinations.check_url(&url).await?;
        }
        if let Some(description) = &patch.description {
            check_description(description.as_deref())?;
        }
        if let Some(types) = patch.event_types.take() {
            patch.event_types = Some(check_event_types(types)?);
        }
        let ctx = caller.audit(self.clock.now());
        self.store
            .update_webhook(&ctx, key, expected_version, patch)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("webhook `{id}` not found")))
    }

    /// Deletes the subscription and its delivery log.
    pub async fn delete_webhook(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<(), ServiceError> {
        let key = self.get_webhook(caller, id).await?.id;
        let ctx = caller.audit(self.clock.now());
        self.store
            .delete_webhook(&ctx, key, expected_version)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("webhook `{id}` not found")))
    }

    /// The delivery log of one subscription, oldest first.
    pub async fn list_webhook_deliveries(
        &self,
        caller: &Caller,
        id: &str,
        page: &PageRequest,
    ) -> Result<Page<WebhookDelivery>, ServiceError> {
        let sub = self.get_webhook(caller, id).await?;
        Ok(self.store.list_deliveries(sub.id, page).await?)
    }

    /// Enqueues a `webhook.ping` to this subscription, whatever its filter.
    pub async fn test_webhook(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<WebhookDelivery, ServiceError> {
        let sub = self.get_webhook(caller, id).await?;
        let now = self.clock.now();
        let payload = json!({"webhook_id": sub.id, "requested_by": caller.principal.audit_name()});
        self.store
            .enqueue_delivery_to(sub.id, PING_EVENT, &payload, now)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("webhook `{id}` not found")))
    }

    /// Enqueues an event for every enabled subscription that wants its
    /// type; with a `dedupe_key`, an event already enqueued under that key
    /// is not enqueued again. Returns how many deliveries were created.
    pub async fn enqueue_webhook(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
    ) -> Result<usize, ServiceError> {
        self.enqueue_webhook_concerning(event_type, payload, dedupe_key, &[], true)
            .await
    }

    /// As [`Self::enqueue_webhook`], for an event concerning the customer
    /// tenants `concerns`: those customers' own subscriptions get it, and
    /// operators' when `operators`; no other customer's ever does.
    pub async fn enqueue_webhook_concerning(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        concerns: &[portcullis_domain::TenantId],
        operators: bool,
    ) -> Result<usize, ServiceError> {
        let now = self.clock.now();
        let made = self
            .store
            .enqueue_deliveries_concerning(
                event_type, payload, dedupe_key, concerns, operators, now,
            )
            .await?;
        Ok(made.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_absolute_http_without_credentials() {
        assert!(check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_url("https://siem.example.com/in?x=1").is_ok());
        for bad in [
            "",
            "/relative",
            "ftp://example.com/",
            "file:///etc/passwd",
            "http://user:pw@example.com/",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "accepted `{bad}`");
        }
        assert!(check_url(&format!("http://e.com/{}", "a".repeat(3_000))).is_err());
    }

    #[test]
    fn event_types_are_dotted_lowercase_and_deduplicated() {
        let kept = check_event_types(vec![
            "relationship.expiry_warning".into(),
            "webhook.ping".into(),
            "webhook.ping".into(),
        ])
        .unwrap();
        assert_eq!(kept, ["relationship.expiry_warning", "webhook.ping"]);
        for bad in ["", "Upper.Case", "with space", "semi;colon"] {
            assert!(
                check_event_types(vec![bad.into()]).is_err(),
                "accepted `{bad}`"
            );
        }
        assert!(check_event_types(vec!["a".into(); 33]).is_err());
    }

    #[test]
    fn secrets_are_prefixed_and_random() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a.len(), SECRET_PREFIX.len() + 43);
        assert_ne!(a, b);
    }
}
