//! The contract for vetting data: cases and their history, check results,
//! domain challenges, screening outcomes and findings. Implemented by
//! `SqlStore` in `vetting_sql.rs`.

use async_trait::async_trait;
use portcullis_domain::AuditOperation;
use portcullis_domain::vetting::{CaseId, CaseState, CaseTransition, VettingCase};
use portcullis_domain::{Page, PageRequest, RecordId, TenantId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{AuditContext, StoreError};

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

/// Something vetting found about a partner that a person should look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VettingFinding {
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

/// A change of a case with everything it brings along, saved atomically.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    /// The audit operation when there is no transition (e.g.
    /// `vetting.case.review` for an approval that awaits a second reviewer);
    /// `vetting.case.update` when unset.
    pub operation: Option<AuditOperation>,
    pub transitions: Vec<CaseTransition>,
    pub checks: Vec<CheckRecord>,
    pub challenge: Option<DomainChallenge>,
    pub outcomes: Vec<ScreeningOutcome>,
    pub findings: Vec<VettingFinding>,
}

#[async_trait]
pub trait VettingStore {
    /// Stores a new case with its challenge. Conflict when the tenant
    /// already has a case that is not final (rejected and revoked are).
    async fn create_case(
        &self,
        ctx: &AuditContext,
        case: &VettingCase,
        challenge: &DomainChallenge,
    ) -> Result<(), StoreError>;

    async fn get_case(&self, id: CaseId) -> Result<Option<VettingCase>, StoreError>;

    /// Cases in id order.
    async fn list_cases(
        &self,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<VettingCase>, StoreError>;

    /// Cases `in_review`, riskiest first.
    async fn review_queue(&self, page: &PageRequest) -> Result<Page<VettingCase>, StoreError>;

    /// Writes `case` (version-checked against `expected_version`, stored as
    /// `expected_version + 1`) with its transitions, checks, challenge,
    /// outcomes and findings; when the case's authorization changes, the
    /// partner's authorization changes in the same transaction. Each
    /// transition is one audit record `vetting.case.<state>`.
    async fn save_case(
        &self,
        ctx: &AuditContext,
        case: &VettingCase,
        expected_version: i64,
        update: CaseUpdate,
    ) -> Result<VettingCase, StoreError>;

    async fn case_transitions(&self, id: CaseId) -> Result<Vec<CaseTransition>, StoreError>;
    async fn case_checks(&self, id: CaseId) -> Result<Vec<CheckRecord>, StoreError>;
    async fn domain_challenge(&self, id: CaseId) -> Result<Option<DomainChallenge>, StoreError>;

    /// The latest stored outcome of a partner against a source.
    async fn latest_outcome(
        &self,
        tenant: TenantId,
        source: &str,
    ) -> Result<Option<ScreeningOutcome>, StoreError>;
    /// Every stored outcome of a partner, oldest first.
    async fn outcome_history(&self, tenant: TenantId) -> Result<Vec<ScreeningOutcome>, StoreError>;

    async fn list_findings(
        &self,
        tenant: Option<TenantId>,
        page: &PageRequest,
    ) -> Result<Page<VettingFinding>, StoreError>;
}
