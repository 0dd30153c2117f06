//! Cluster-wide settings: one JSON value per [`SettingName`], changed with
//! its `setting.update` audit record in one transaction; the audit log
//! carries the change to every node.

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, Setting, SettingName};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::{AuditContext, SqlStore, StoreError, rows};

#[async_trait]
pub trait SettingStore {
    async fn get_setting(&self, name: SettingName) -> Result<Option<Setting>, StoreError>;
    /// Every stored setting, by name.
    async fn list_settings(&self) -> Result<Vec<Setting>, StoreError>;
    /// Stores `value` as `name`'s new version. With `if_version`, refuses
    /// (version mismatch) unless that is the stored version (0: none stored).
    async fn put_setting(
        &self,
        ctx: &AuditContext,
        name: SettingName,
        value: &serde_json::Value,
        if_version: Option<i64>,
    ) -> Result<Setting, StoreError>;
}

fn setting(row: &AnyRow) -> Result<Setting, StoreError> {
    Ok(Setting {
        name: rows::parsed(row, "name", |text| SettingName::parse("name", text))?,
        value: rows::json(row, "value")?,
        version: rows::int(row, "version")?,
        updated_at: rows::time(row, "updated_at")?,
    })
}

async fn fetch(conn: &mut AnyConnection, name: SettingName) -> Result<Option<Setting>, StoreError> {
    let row = sqlx::query(
        "SELECT name, value, version, updated_at FROM cluster_settings WHERE name = $1",
    )
    .bind(name.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(setting).transpose()
}

#[async_trait]
impl SettingStore for SqlStore {
    async fn get_setting(&self, name: SettingName) -> Result<Option<Setting>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        fetch(&mut conn, name).await
    }

    async fn list_settings(&self) -> Result<Vec<Setting>, StoreError> {
        sqlx::query("SELECT name, value, version, updated_at FROM cluster_settings ORDER BY name")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(setting)
            .collect()
    }

    async fn put_setting(
        &self,
        ctx: &AuditContext,
        name: SettingName,
        value: &serde_json::Value,
        if_version: Option<i64>,
    ) -> Result<Setting, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), name).await?;
        let current = before.as_ref().map_or(0, |s| s.version);
        if if_version.is_some_and(|expected| expected != current) {
            return Err(StoreError::VersionMismatch { current });
        }
        let after = Setting {
            name,
            value: value.clone(),
            version: current + 1,
            updated_at: ctx.at,
        };
        sqlx::query(
            "INSERT INTO cluster_settings (name, value, version, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, version = excluded.version, \
             updated_at = excluded.updated_at",
        )
        .bind(name.as_str())
        .bind(rows::to_json(value)?)
        .bind(after.version)
        .bind(ctx.at.unix_millis())
        .execute(m.conn())
        .await?;
        m.commit(ctx.draft(
            AuditOperation::SettingUpdate,
            None,
            name,
            before.as_ref(),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }
}
