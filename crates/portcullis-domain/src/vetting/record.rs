//! What vetting records about a case besides its state: check results, the
//! domain challenge, screening outcomes and the concerns a person should
//! look at.

use serde::{Deserialize, Serialize};

use crate::vetting::{CaseId, CaseState};
use crate::{RecordId, TenantId, Timestamp};

/// Which cases to list; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub tenant_id: Option<TenantId>,
    pub state: Option<CaseState>,
}

/// The recorded result of one check of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckRecord {
    pub id: RecordId,
    pub case_id: CaseId,
    /// `domain_ownership`, `contact_email`, `watchlist`, `threat_intel`,
    /// `country` or `risk`.
    pub kind: String,
    /// The outcome in one word (`verified`, `record_missing`, `hit`, `clear`, …).
    pub outcome: String,
    /// The full result, as the check produced it.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    pub at: Timestamp,
}

/// The DNS challenge of a case: publish `token=<token>` in a TXT record at
/// `_portcullis-challenge.<domain>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DomainChallenge {
    pub case_id: CaseId,
    pub domain: String,
    pub token: String,
    pub issued_at: Timestamp,
    pub verified_at: Option<Timestamp>,
    pub last_checked_at: Option<Timestamp>,
    pub last_outcome: Option<String>,
}

/// One screening outcome of a partner against one source; stored only when
/// it differs from the previous one, so the history answers "since when".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScreeningOutcome {
    pub id: RecordId,
    pub tenant_id: TenantId,
    pub case_id: CaseId,
    /// `watchlist` or `intel`.
    pub source: String,
    pub digest: String,
    #[schema(value_type = Object)]
    pub hits: serde_json::Value,
    pub at: Timestamp,
}

/// Something vetting found about a partner that a person should look at (a
/// watchlist or intelligence hit, a vanished domain record). Not a detection
/// [`Finding`](crate::Finding): that one is about activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VettingConcern {
    pub id: RecordId,
    pub tenant_id: TenantId,
    pub case_id: Option<CaseId>,
    /// `watchlist_hit`, `intel_hit`, `domain_record_vanished`.
    pub kind: String,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    pub summary: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// `open` or `resolved`.
    pub status: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
