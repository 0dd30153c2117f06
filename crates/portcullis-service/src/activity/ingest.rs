//! Receiving activity events: OCSF NDJSON batches from the platform's own
//! sign-in and audit logs, stored beside the decisions' events.

use portcullis_domain::{ActivityEvent, Page, PageRequest, Timestamp};
use portcullis_domain::{EventFilter, StoredEvent};
use serde::Serialize;

use crate::caller_rules::{self, TenantScope};
use crate::{Caller, Portcullis, ServiceError};

/// The most events one batch may carry.
pub const MAX_BATCH_EVENTS: usize = 10_000;

/// The instants an ingested event's `time` may take: from `earliest` to
/// `max_ahead_seconds` after now. A clock far off, or a forged line, is
/// refused instead of stored where it would sort before or after every
/// real event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventTimeBounds {
    /// The earliest accepted `time` (default 2000-01-01T00:00:00Z).
    pub earliest: Timestamp,
    /// How far past now a `time` may lie, in seconds (default 86400, one day).
    pub max_ahead_seconds: u32,
}

impl Default for EventTimeBounds {
    fn default() -> Self {
        Self {
            earliest: Timestamp::from_unix_millis(946_684_800_000),
            max_ahead_seconds: 86_400,
        }
    }
}

impl EventTimeBounds {
    /// Refuses `time` outside the bounds at `now`, naming the bound.
    pub fn check(&self, time: Timestamp, now: Timestamp) -> Result<(), String> {
        let latest = now.saturating_add_seconds(i64::from(self.max_ahead_seconds));
        if time < self.earliest {
            Err(format!(
                "time: {} ms is before {}, the earliest accepted",
                time.unix_millis(),
                self.earliest
            ))
        } else if time > latest {
            Err(format!(
                "time: {} ms is after {latest}, the latest accepted (now plus {})",
                time.unix_millis(),
                ahead(self.max_ahead_seconds)
            ))
        } else {
            Ok(())
        }
    }
}

/// `1 day`, `2 days`, else seconds.
fn ahead(seconds: u32) -> String {
    match seconds {
        86_400 => "1 day".to_owned(),
        s if s % 86_400 == 0 => format!("{} days", s / 86_400),
        s => format!("{s} seconds"),
    }
}

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
    /// and reports every bad one with its line number (a `time` outside
    /// the [`EventTimeBounds`] is bad); duplicates by
    /// `metadata.uid` are ignored. Services and operators send events.
    pub async fn ingest_events(
        &self,
        caller: &Caller,
        batch: &str,
    ) -> Result<IngestReport, ServiceError> {
        caller_rules::may_send_events(&caller.principal)?;
        let now = self.clock.now();
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
            let checked = ActivityEvent::from_ocsf_line(line)
                .map_err(|err| err.to_string())
                .and_then(|event| self.event_time.check(event.time, now).map(|()| event));
            match checked {
                Ok(event) => events.push(event),
                Err(reason) => rejected.push(LineRejection {
                    line: n + 1,
                    reason,
                }),
            }
        }
        let offered = u64::try_from(events.len()).unwrap_or(u64::MAX);
        let accepted = if events.is_empty() {
            0
        } else {
            self.append_activity(&events).await?
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
