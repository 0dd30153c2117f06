//! Receiving activity events: OCSF NDJSON batches from the platform's own
//! sign-in and audit logs, stored beside the decisions' events.

use portcullis_domain::{ActivityEvent, Page, PageRequest};
use portcullis_domain::{EventFilter, StoredEvent};
use serde::Serialize;

use crate::caller_rules::{self, TenantScope};
use crate::{Caller, Portcullis, ServiceError};

/// The most events one batch may carry.
pub const MAX_BATCH_EVENTS: usize = 10_000;

/// A line that was not accepted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineRejection {
    /// 1-based line number in the batch.
    pub line: usize,
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IngestReport {
    /// Events newly stored.
    pub accepted: u64,
    /// Good events whose `metadata.uid` was already stored.
    pub duplicates: u64,
    pub rejected: Vec<LineRejection>,
}

impl Portcullis {
    /// Stores every good line of an NDJSON batch (at most 10,000 events)
    /// and reports every bad one with its line number; duplicates by
    /// `metadata.uid` are ignored. Services and operators send events.
    pub async fn ingest_events(
        &self,
        caller: &Caller,
        batch: &str,
    ) -> Result<IngestReport, ServiceError> {
        caller_rules::may_send_events(&caller.principal)?;
        let mut events = Vec::new();
        let mut rejected = Vec::new();
        for (n, line) in batch.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            if events.len() + rejected.len() >= MAX_BATCH_EVENTS {
                return Err(portcullis_domain::ValidationError::new(
                    "body",
                    format!(
                        "holds more than {MAX_BATCH_EVENTS} events; split it into smaller batches"
                    ),
                )
                .into());
            }
            match ActivityEvent::from_ocsf_line(line) {
                Ok(event) => events.push(event),
                Err(err) => rejected.push(LineRejection {
                    line: n + 1,
                    reason: err.to_string(),
                }),
            }
        }
        let offered = u64::try_from(events.len()).unwrap_or(u64::MAX);
        let accepted = if events.is_empty() {
            0
        } else {
            self.store.append_events(&events).await?
        };
        Ok(IngestReport {
            accepted,
            duplicates: offered.saturating_sub(accepted),
            rejected,
        })
    }

    /// Stored events: operators read all; a partner admin its partner's
    /// users' events; a customer admin the events in its tenant.
    pub async fn list_events(
        &self,
        caller: &Caller,
        mut filter: EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, ServiceError> {
        let (wanted, own) =
            match caller_rules::tenant_scope(&caller.principal, "read activity events")? {
                TenantScope::All => return Ok(self.store.list_events(&filter, page).await?),
                TenantScope::Partner(own) => (&mut filter.partner_tenant_id, own),
                TenantScope::Customer(own) => (&mut filter.customer_tenant_id, own),
            };
        if wanted.is_some_and(|w| w != own) {
            return Ok(Page::from_rows(
                Vec::new(),
                page.limit(),
                |_: &StoredEvent| String::new(),
            ));
        }
        *wanted = Some(own);
        Ok(self.store.list_events(&filter, page).await?)
    }
}
