//! Just-in-time activations in SQL.

use async_trait::async_trait;
use portcullis_domain::{
    Activation, ActivationFilter, ActivationId, ActivationStatus, AssignmentId, Description,
    IsoDuration, Page, PageRequest, TenantId, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use super::apply::{AccessRecord, StoredRecord};
use crate::paging::Keyset;
use crate::{SqlStore, StoreError, rows};

pub(crate) const COLUMNS: &str = "id, assignment_id, user_id, justification, duration, status, \
     requested_at, decided_by, starts_at, ends_at, version, requested_by";

/// Every status, in the order of the table's check.
const STATUSES: [ActivationStatus; 4] = [
    ActivationStatus::PendingApproval,
    ActivationStatus::Active,
    ActivationStatus::Denied,
    ActivationStatus::Revoked,
];

/// The stored name of a status: its serde name. (The domain type has no
/// `as_str` of its own, unlike the other statuses.)
pub(crate) const fn status_str(status: ActivationStatus) -> &'static str {
    match status {
        ActivationStatus::PendingApproval => "pending_approval",
        ActivationStatus::Active => "active",
        ActivationStatus::Denied => "denied",
        ActivationStatus::Revoked => "revoked",
    }
}

fn parse_status(input: &str) -> Option<ActivationStatus> {
    STATUSES.into_iter().find(|s| status_str(*s) == input)
}

pub(crate) fn from_row(row: &AnyRow) -> Result<Activation, StoreError> {
    Ok(Activation {
        id: rows::parsed(row, "id", ActivationId::parse)?,
        assignment_id: rows::parsed(row, "assignment_id", AssignmentId::parse)?,
        user_id: rows::parsed(row, "user_id", UserId::parse)?,
        justification: rows::parsed(row, "justification", Description::parse)?,
        duration: rows::parsed(row, "duration", IsoDuration::parse)?,
        status: rows::named(row, "status", parse_status)?,
        requested_at: rows::time(row, "requested_at")?,
        requested_by: rows::opt_text(row, "requested_by")?,
        decided_by: rows::opt_text(row, "decided_by")?,
        starts_at: rows::opt_time(row, "starts_at")?,
        ends_at: rows::opt_time(row, "ends_at")?,
        version: rows::int(row, "version")?,
    })
}

async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: ActivationId,
) -> Result<Option<Activation>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM activations WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(from_row).transpose()
}

#[async_trait]
impl AccessRecord for Activation {
    const WHAT: &'static str = "activation";

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn keeps_fixed_fields(&self, after: &Self) -> bool {
        self.id == after.id
            && self.assignment_id == after.assignment_id
            && self.user_id == after.user_id
            && self.requested_at == after.requested_at
    }

    async fn stored(
        conn: &mut AnyConnection,
        id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT v.version AS version, r.partner_tenant_id AS partner_tenant_id \
             FROM activations v JOIN access_assignments a ON a.id = v.assignment_id \
             JOIN relationships r ON r.id = a.relationship_id WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await?;
        StoredRecord::read(row.as_ref())
    }

    /// The assignment must exist, and the user must be one of its partner's.
    async fn owner_of_new(&self, conn: &mut AnyConnection) -> Result<TenantId, StoreError> {
        let partner = super::assignments::partner_of(&mut *conn, self.assignment_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        crate::users::fetch(conn, partner, self.user_id)
            .await?
            .map(|_| partner)
            .ok_or(StoreError::NotFound)
    }

    async fn insert(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO activations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12)"
        ))
        .bind(self.id.to_string())
        .bind(self.assignment_id.to_string())
        .bind(self.user_id.to_string())
        .bind(self.justification.as_str())
        .bind(self.duration.as_str())
        .bind(status_str(self.status))
        .bind(self.requested_at.unix_millis())
        .bind(self.decided_by.as_deref())
        .bind(self.starts_at.map(|t| t.unix_millis()))
        .bind(self.ends_at.map(|t| t.unix_millis()))
        .bind(self.version)
        .bind(self.requested_by.as_deref())
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn update(&self, conn: &mut AnyConnection, expected: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE activations SET justification = $1, duration = $2, status = $3, \
             decided_by = $4, starts_at = $5, ends_at = $6, version = $7 \
             WHERE id = $8 AND version = $9",
        )
        .bind(self.justification.as_str())
        .bind(self.duration.as_str())
        .bind(status_str(self.status))
        .bind(self.decided_by.as_deref())
        .bind(self.starts_at.map(|t| t.unix_millis()))
        .bind(self.ends_at.map(|t| t.unix_millis()))
        .bind(self.version)
        .bind(self.id.to_string())
        .bind(expected)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    async fn delete(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM activations WHERE id = $1 AND version = $2")
            .bind(self.id.to_string())
            .bind(self.version)
            .execute(conn)
            .await?;
        Ok(done.rows_affected())
    }
}

impl SqlStore {
    pub(crate) async fn activation(
        &self,
        id: ActivationId,
    ) -> Result<Option<Activation>, StoreError> {
        fetch(self.pool(), id).await
    }

    pub(crate) async fn activations(
        &self,
        filter: &ActivationFilter,
        page: &PageRequest,
    ) -> Result<Page<Activation>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM activations WHERE ($1 IS NULL OR assignment_id = $1) \
             AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR id > $3) ORDER BY id LIMIT $4"
        ))
        .bind(filter.assignment_id.map(|a| a.to_string()))
        .bind(filter.user_id.map(|u| u.to_string()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |a| a.id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_status_names_are_the_serde_names() {
        for status in STATUSES {
            let serde = serde_json::to_value(status).unwrap();
            assert_eq!(serde.as_str(), Some(status_str(status)));
            assert_eq!(parse_status(status_str(status)), Some(status));
        }
        assert_eq!(parse_status("expired"), None);
    }
}
