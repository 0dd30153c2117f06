//! Threat-intelligence indicators in SQL. An import upserts by STIX id (a
//! newer `modified` wins, an older one is ignored) in one transaction with
//! its audit record, which names the source and the counts, not the rows.

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, IntelSource, IntelUpsert, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::{AuditContext, SqlStore, StoreError, rows};

/// One stored indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredIndicator {
    pub id: String,
    pub source: String,
    pub name: Option<String>,
    pub pattern: String,
    pub observable_type: String,
    pub valid_from: Timestamp,
    pub valid_until: Option<Timestamp>,
    pub revoked: bool,
    pub confidence: Option<i64>,
    pub modified: Option<Timestamp>,
    /// JSON with `indicator_types`, `labels` and `producer`.
    pub attributes: String,
}

#[async_trait]
pub trait IntelStore {
    async fn upsert_indicators(
        &self,
        ctx: &AuditContext,
        source: &str,
        indicators: &[StoredIndicator],
    ) -> Result<IntelUpsert, StoreError>;
    async fn all_indicators(&self) -> Result<Vec<StoredIndicator>, StoreError>;
    async fn intel_sources(&self) -> Result<Vec<IntelSource>, StoreError>;
}

const COLUMNS: &str = "id, source, name, pattern, observable_type, valid_from, valid_until, \
     revoked, confidence, modified, attributes, imported_at";

fn from_row(row: &AnyRow) -> Result<StoredIndicator, StoreError> {
    Ok(StoredIndicator {
        id: rows::text(row, "id")?,
        source: rows::text(row, "source")?,
        name: rows::opt_text(row, "name")?,
        pattern: rows::text(row, "pattern")?,
        observable_type: rows::text(row, "observable_type")?,
        valid_from: rows::time(row, "valid_from")?,
        valid_until: rows::opt_time(row, "valid_until")?,
        revoked: rows::flag(row, "revoked")?,
        confidence: rows::opt_int(row, "confidence")?,
        modified: rows::opt_time(row, "modified")?,
        attributes: rows::text(row, "attributes")?,
    })
}

#[async_trait]
impl IntelStore for SqlStore {
    async fn upsert_indicators(
        &self,
        ctx: &AuditContext,
        source: &str,
        indicators: &[StoredIndicator],
    ) -> Result<IntelUpsert, StoreError> {
        let mut m = self.begin_mutation().await?;
        let mut done = IntelUpsert::default();
        for i in indicators {
            let stored = sqlx::query("SELECT modified FROM intel_indicators WHERE id = $1")
                .bind(&i.id)
                .fetch_optional(m.conn())
                .await?;
            let newer = match &stored {
                None => true,
                Some(row) => {
                    let before = rows::opt_time(row, "modified")?;
                    match (before, i.modified) {
                        (Some(before), Some(after)) => after > before,
                        (None, Some(_)) => true,
                        (_, None) => false,
                    }
                }
            };
            if !newer {
                done.unchanged += 1;
                continue;
            }
            sqlx::query(&format!(
                "INSERT INTO intel_indicators ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                 $8, $9, $10, $11, $12) ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
                 name = excluded.name, pattern = excluded.pattern, \
                 observable_type = excluded.observable_type, valid_from = excluded.valid_from, \
                 valid_until = excluded.valid_until, revoked = excluded.revoked, \
                 confidence = excluded.confidence, modified = excluded.modified, \
                 attributes = excluded.attributes, imported_at = excluded.imported_at"
            ))
            .bind(&i.id)
            .bind(source)
            .bind(i.name.as_deref())
            .bind(&i.pattern)
            .bind(&i.observable_type)
            .bind(i.valid_from.unix_millis())
            .bind(i.valid_until.map(|t| t.unix_millis()))
            .bind(i64::from(i.revoked))
            .bind(i.confidence)
            .bind(i.modified.map(|t| t.unix_millis()))
            .bind(&i.attributes)
            .bind(ctx.at.unix_millis())
            .execute(m.conn())
            .await?;
            if stored.is_some() {
                done.updated += 1;
            } else {
                done.inserted += 1;
            }
        }
        #[derive(Serialize)]
        struct Import<'a> {
            source: &'a str,
            #[serde(flatten)]
            counts: IntelUpsert,
        }
        let after = Import {
            source,
            counts: done,
        };
        m.commit(ctx.draft(
            AuditOperation::IntelImport,
            None,
            source,
            None::<&Import>,
            Some(&after),
        ))
        .await?;
        Ok(done)
    }

    async fn all_indicators(&self) -> Result<Vec<StoredIndicator>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM intel_indicators ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    async fn intel_sources(&self) -> Result<Vec<IntelSource>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, COUNT(*) AS n, MAX(imported_at) AS last FROM intel_indicators \
             GROUP BY source ORDER BY source",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(IntelSource {
                    source: rows::text(row, "source")?,
                    indicators: rows::int(row, "n")?,
                    last_imported_at: rows::time(row, "last")?,
                })
            })
            .collect()
    }
}
