//! The contract for vetting data: cases and their history, check results,
//! domain challenges, screening outcomes and findings. Implemented by
//! `SqlStore` in `sql.rs`.

mod sql;

use async_trait::async_trait;
use portcullis_domain::vetting::{
    CaseFilter, CaseId, CaseTransition, CheckRecord, DomainChallenge, ScreeningOutcome,
    VettingCase, VettingConcern,
};
use portcullis_domain::{AuditOperation, Page, PageRequest, TenantId};

use crate::{AuditContext, StoreError};

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
    pub findings: Vec<VettingConcern>,
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
    ) -> Result<Page<VettingConcern>, StoreError>;
}
