//! Vetting data in SQL.

use async_trait::async_trait;
use portcullis_domain::vetting::{
    CaseFilter, CaseId, CaseState, CaseTransition, CheckRecord, DomainChallenge, RiskLevel,
    ScreeningOutcome, VettingCase, VettingConcern,
};
use portcullis_domain::{AuditOperation, Page, PageRequest, RecordId, TenantId, TenantKind};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use super::{CaseUpdate, VettingStore};
use crate::mutation::{Mutation, check_version};
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

const COLUMNS: &str = "id, tenant_id, state, application, submitted_by, risk_score, risk_level, \
     approvals, created_at, updated_at, version";

fn case_from_row(row: &AnyRow) -> Result<VettingCase, StoreError> {
    let score = rows::opt_int(row, "risk_score")?;
    Ok(VettingCase {
        id: rows::parsed(row, "id", CaseId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        state: rows::named(row, "state", CaseState::parse)?,
        application: rows::json(row, "application")?,
        submitted_by: rows::text(row, "submitted_by")?,
        risk_score: score
            .map(|s| u8::try_from(s).map_err(|e| StoreError::Corrupt(format!("risk_score: {e}"))))
            .transpose()?,
        risk_level: rows::opt_text(row, "risk_level")?
            .map(|l| {
                RiskLevel::parse(&l)
                    .ok_or_else(|| StoreError::Corrupt(format!("risk_level: `{l}` is not known")))
            })
            .transpose()?,
        approvals: rows::json(row, "approvals")?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

async fn fetch_case<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: CaseId,
) -> Result<Option<VettingCase>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM vetting_cases WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(case_from_row).transpose()
}

async fn write_case(
    conn: &mut AnyConnection,
    case: &VettingCase,
    expected: Option<i64>,
) -> Result<u64, StoreError> {
    let query = match expected {
        None => format!(
            "INSERT INTO vetting_cases ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ),
        Some(_) => "UPDATE vetting_cases SET tenant_id = $2, state = $3, application = $4, \
                    submitted_by = $5, risk_score = $6, risk_level = $7, approvals = $8, \
                    created_at = $9, updated_at = $10, version = $11 \
                    WHERE id = $1 AND version = $12"
            .to_owned(),
    };
    let done = sqlx::query(&query)
        .bind(case.id.to_string())
        .bind(case.tenant_id.to_string())
        .bind(case.state.as_str())
        .bind(rows::to_json(&case.application)?)
        .bind(&case.submitted_by)
        .bind(case.risk_score.map(i64::from))
        .bind(case.risk_level.map(RiskLevel::as_str))
        .bind(rows::to_json(&case.approvals)?)
        .bind(case.created_at.unix_millis())
        .bind(case.updated_at.unix_millis())
        .bind(case.version)
        .bind(expected.unwrap_or_default())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

async fn write_challenge(conn: &mut AnyConnection, c: &DomainChallenge) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO domain_challenges (case_id, domain, token, issued_at, verified_at, \
         last_checked_at, last_outcome) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (case_id) DO UPDATE SET domain = excluded.domain, token = excluded.token, \
         issued_at = excluded.issued_at, verified_at = excluded.verified_at, \
         last_checked_at = excluded.last_checked_at, last_outcome = excluded.last_outcome",
    )
    .bind(c.case_id.to_string())
    .bind(&c.domain)
    .bind(&c.token)
    .bind(c.issued_at.unix_millis())
    .bind(c.verified_at.map(|t| t.unix_millis()))
    .bind(c.last_checked_at.map(|t| t.unix_millis()))
    .bind(c.last_outcome.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

async fn write_update(
    m: &mut Mutation,
    case: &VettingCase,
    update: &CaseUpdate,
) -> Result<(), StoreError> {
    let next: i64 = {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) AS seq FROM vetting_transitions WHERE case_id = $1",
        )
        .bind(case.id.to_string())
        .fetch_one(m.conn())
        .await?;
        rows::int(&row, "seq")? + 1
    };
    for (t, seq) in update.transitions.iter().zip(next..) {
        sqlx::query(
            "INSERT INTO vetting_transitions (case_id, seq, from_state, to_state, actor, reason, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case.id.to_string())
        .bind(seq)
        .bind(t.from.as_str())
        .bind(t.to.as_str())
        .bind(&t.actor)
        .bind(&t.reason)
        .bind(t.at.unix_millis())
        .execute(m.conn())
        .await?;
    }
    for c in &update.checks {
        sqlx::query(
            "INSERT INTO vetting_checks (id, case_id, kind, outcome, result, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id.to_string())
        .bind(c.case_id.to_string())
        .bind(&c.kind)
        .bind(&c.outcome)
        .bind(rows::to_json(&c.result)?)
        .bind(c.at.unix_millis())
        .execute(m.conn())
        .await?;
    }
    if let Some(challenge) = &update.challenge {
        write_challenge(m.conn(), challenge).await?;
    }
    for o in &update.outcomes {
        sqlx::query(
            "INSERT INTO screening_outcomes (id, tenant_id, case_id, source, digest, hits, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(o.id.to_string())
        .bind(o.tenant_id.to_string())
        .bind(o.case_id.to_string())
        .bind(&o.source)
        .bind(&o.digest)
        .bind(rows::to_json(&o.hits)?)
        .bind(o.at.unix_millis())
        .execute(m.conn())
        .await?;
    }
    for f in &update.findings {
        sqlx::query(
            "INSERT INTO vetting_findings (id, tenant_id, case_id, kind, severity, summary, detail, \
             status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(f.id.to_string())
        .bind(f.tenant_id.to_string())
        .bind(f.case_id.map(|c| c.to_string()))
        .bind(&f.kind)
        .bind(&f.severity)
        .bind(&f.summary)
        .bind(rows::to_json(&f.detail)?)
        .bind(&f.status)
        .bind(f.created_at.unix_millis())
        .bind(f.updated_at.unix_millis())
        .execute(m.conn())
        .await?;
    }
    Ok(())
}

fn check_from_row(row: &AnyRow) -> Result<CheckRecord, StoreError> {
    Ok(CheckRecord {
        id: rows::parsed(row, "id", RecordId::parse)?,
        case_id: rows::parsed(row, "case_id", CaseId::parse)?,
        kind: rows::text(row, "kind")?,
        outcome: rows::text(row, "outcome")?,
        result: rows::json(row, "result")?,
        at: rows::time(row, "at")?,
    })
}

fn outcome_from_row(row: &AnyRow) -> Result<ScreeningOutcome, StoreError> {
    Ok(ScreeningOutcome {
        id: rows::parsed(row, "id", RecordId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        case_id: rows::parsed(row, "case_id", CaseId::parse)?,
        source: rows::text(row, "source")?,
        digest: rows::text(row, "digest")?,
        hits: rows::json(row, "hits")?,
        at: rows::time(row, "at")?,
    })
}

fn finding_from_row(row: &AnyRow) -> Result<VettingConcern, StoreError> {
    Ok(VettingConcern {
        id: rows::parsed(row, "id", RecordId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        case_id: rows::opt_parsed(row, "case_id", CaseId::parse)?,
        kind: rows::text(row, "kind")?,
        severity: rows::text(row, "severity")?,
        summary: rows::text(row, "summary")?,
        detail: rows::json(row, "detail")?,
        status: rows::text(row, "status")?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
    })
}

#[async_trait]
impl VettingStore for SqlStore {
    async fn create_case(
        &self,
        ctx: &AuditContext,
        case: &VettingCase,
        challenge: &DomainChallenge,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        crate::tenants::require_kind(m.conn(), case.tenant_id, TenantKind::Partner).await?;
        let open = sqlx::query(
            "SELECT id FROM vetting_cases WHERE tenant_id = $1 \
             AND state NOT IN ('rejected', 'revoked') LIMIT 1",
        )
        .bind(case.tenant_id.to_string())
        .fetch_optional(m.conn())
        .await?;
        if let Some(row) = open {
            let id = rows::text(&row, "id")?;
            return Err(StoreError::Conflict(format!(
                "partner tenant `{}` already has case `{id}` that is not rejected or revoked",
                case.tenant_id
            )));
        }
        write_case(m.conn(), case, None).await?;
        write_challenge(m.conn(), challenge).await?;
        m.commit(ctx.draft(
            AuditOperation::VettingCaseSubmitted,
            Some(case.tenant_id),
            case.id,
            None::<&VettingCase>,
            Some(case),
        ))
        .await
    }

    async fn get_case(&self, id: CaseId) -> Result<Option<VettingCase>, StoreError> {
        fetch_case(self.pool(), id).await
    }

    async fn list_cases(
        &self,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<VettingCase>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM vetting_cases WHERE ($1 IS NULL OR tenant_id = $1) \
             AND ($2 IS NULL OR state = $2) AND ($3 IS NULL OR id > $3) ORDER BY id LIMIT $4"
        ))
        .bind(filter.tenant_id.map(|t| t.to_string()))
        .bind(filter.state.map(CaseState::as_str))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, case_from_row, |c| c.id.to_string())
    }

    async fn review_queue(&self, page: &PageRequest) -> Result<Page<VettingCase>, StoreError> {
        // Riskiest first; the cursor is `<score>:<id>` of the last row seen.
        let keys = Keyset::new(page, |raw| {
            let (score, id) = raw.split_once(':')?;
            let id = uuid::Uuid::try_parse(id).ok()?;
            Some((score.parse::<i64>().ok()?, id.hyphenated().to_string()))
        })?;
        let (score, id) = keys.after().unzip();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM vetting_cases WHERE state = 'in_review' \
             AND ($1 IS NULL OR COALESCE(risk_score, 100) < $1 \
                  OR (COALESCE(risk_score, 100) = $1 AND id > $2)) \
             ORDER BY COALESCE(risk_score, 100) DESC, id LIMIT $3"
        ))
        .bind(score)
        .bind(id)
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, case_from_row, |c| {
            format!("{}:{}", c.risk_score.map_or(100, i64::from), c.id)
        })
    }

    async fn save_case(
        &self,
        ctx: &AuditContext,
        case: &VettingCase,
        expected_version: i64,
        update: CaseUpdate,
    ) -> Result<VettingCase, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch_case(m.conn(), case.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, Some(expected_version))?;
        if before.tenant_id != case.tenant_id || before.created_at != case.created_at {
            return Err(StoreError::InvalidChange(
                "a case's tenant and creation time never change".into(),
            ));
        }
        let mut after = case.clone();
        after.version = expected_version + 1;
        if write_case(m.conn(), &after, Some(expected_version)).await? != 1 {
            return Err(StoreError::VersionMismatch {
                current: before.version,
            });
        }
        write_update(&mut m, &after, &update).await?;
        let mut drafts = Vec::new();
        let mut previous = before.clone();
        for t in &update.transitions {
            let mut next = previous.clone();
            next.state = t.to;
            drafts.push(ctx.draft(
                AuditOperation::vetting_case_entered(t.to),
                Some(case.tenant_id),
                case.id,
                Some(&previous),
                Some(&next),
            ));
            previous = next;
        }
        if before.state.authorizes() != after.state.authorizes() {
            drafts.push(
                crate::access::authorization::set_authorized(
                    &mut m,
                    ctx,
                    case.tenant_id,
                    after.state.authorizes(),
                )
                .await?,
            );
        }
        let last = drafts.pop().unwrap_or_else(|| {
            ctx.draft(
                update
                    .operation
                    .unwrap_or(AuditOperation::VettingCaseUpdate),
                Some(case.tenant_id),
                case.id,
                Some(&before),
                Some(&after),
            )
        });
        for draft in drafts {
            m.record(draft).await?;
        }
        m.commit(last).await?;
        Ok(after)
    }

    async fn case_transitions(&self, id: CaseId) -> Result<Vec<CaseTransition>, StoreError> {
        let rows = sqlx::query(
            "SELECT from_state, to_state, actor, reason, at FROM vetting_transitions \
             WHERE case_id = $1 ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CaseTransition {
                    from: rows::named(row, "from_state", CaseState::parse)?,
                    to: rows::named(row, "to_state", CaseState::parse)?,
                    actor: rows::text(row, "actor")?,
                    reason: rows::text(row, "reason")?,
                    at: rows::time(row, "at")?,
                })
            })
            .collect()
    }

    async fn case_checks(&self, id: CaseId) -> Result<Vec<CheckRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, kind, outcome, result, at FROM vetting_checks \
             WHERE case_id = $1 ORDER BY at, id",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(check_from_row).collect()
    }

    async fn domain_challenge(&self, id: CaseId) -> Result<Option<DomainChallenge>, StoreError> {
        let row = sqlx::query(
            "SELECT case_id, domain, token, issued_at, verified_at, last_checked_at, last_outcome \
             FROM domain_challenges WHERE case_id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(DomainChallenge {
                case_id: rows::parsed(&row, "case_id", CaseId::parse)?,
                domain: rows::text(&row, "domain")?,
                token: rows::text(&row, "token")?,
                issued_at: rows::time(&row, "issued_at")?,
                verified_at: rows::opt_time(&row, "verified_at")?,
                last_checked_at: rows::opt_time(&row, "last_checked_at")?,
                last_outcome: rows::opt_text(&row, "last_outcome")?,
            })
        })
        .transpose()
    }

    async fn latest_outcome(
        &self,
        tenant: TenantId,
        source: &str,
    ) -> Result<Option<ScreeningOutcome>, StoreError> {
        let row = sqlx::query(
            "SELECT id, tenant_id, case_id, source, digest, hits, at FROM screening_outcomes \
             WHERE tenant_id = $1 AND source = $2 ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(tenant.to_string())
        .bind(source)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(outcome_from_row).transpose()
    }

    async fn outcome_history(&self, tenant: TenantId) -> Result<Vec<ScreeningOutcome>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, tenant_id, case_id, source, digest, hits, at FROM screening_outcomes \
             WHERE tenant_id = $1 ORDER BY at, id",
        )
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(outcome_from_row).collect()
    }

    async fn list_findings(
        &self,
        tenant: Option<TenantId>,
        page: &PageRequest,
    ) -> Result<Page<VettingConcern>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(
            "SELECT id, tenant_id, case_id, kind, severity, summary, detail, status, created_at, \
             updated_at FROM vetting_findings WHERE ($1 IS NULL OR tenant_id = $1) \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3",
        )
        .bind(tenant.map(|t| t.to_string()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, finding_from_row, |f| f.id.to_string())
    }
}
