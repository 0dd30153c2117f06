//! The access snapshot: everything a decision depends on, read in one
//! consistent snapshot of the database.

use portcullis_domain::{AccessSnapshot, TenantId};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::{SqlStore, StoreError, rows};

/// Reads every row of `sql` (no parameters) with `from_row`.
async fn read_all<T>(
    conn: &mut AnyConnection,
    sql: &str,
    from_row: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = sqlx::query(sql).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

impl SqlStore {
    pub(crate) async fn snapshot(&self) -> Result<AccessSnapshot, StoreError> {
        // One snapshot for every table.
        let mut tx = self.read_transaction().await?;
        let conn: &mut AnyConnection = &mut tx;
        let tenants = read_all(
            conn,
            &format!(
                "SELECT {} FROM tenants ORDER BY id",
                crate::tenants::COLUMNS
            ),
            crate::tenants::from_row,
        )
        .await?;
        let authorized_partners = read_all(
            conn,
            "SELECT tenant_id FROM partner_authorizations WHERE authorized = 1 ORDER BY tenant_id",
            |row| rows::parsed(row, "tenant_id", TenantId::parse),
        )
        .await?;
        let posture_suspensions = read_all(
            conn,
            &format!(
                "SELECT {} FROM partner_postures \
                 WHERE state IN ('noncompliant', 'suspended') ORDER BY tenant_id",
                crate::posture::STATE_COLUMNS
            ),
            crate::posture::state_from_row,
        )
        .await?
        .into_iter()
        .filter_map(|p| Some((p.tenant_id, p.suspended_from()?)))
        .collect();
        let users = read_all(
            conn,
            &format!(
                "SELECT {} FROM partner_users ORDER BY id",
                crate::users::COLUMNS
            ),
            crate::users::from_row,
        )
        .await?;
        let contained_users = read_all(
            conn,
            "SELECT target_id FROM containments WHERE kind = 'user' AND mode = 'enforced' \
             AND lifted_at IS NULL \
             ORDER BY target_id",
            |row| rows::parsed(row, "target_id", portcullis_domain::UserId::parse),
        )
        .await?;
        let contained_relationships = read_all(
            conn,
            "SELECT target_id FROM containments WHERE kind = 'relationship' AND mode = 'enforced' \
             AND lifted_at IS NULL \
             ORDER BY target_id",
            |row| rows::parsed(row, "target_id", portcullis_domain::RelationshipId::parse),
        )
        .await?;
        let memberships = read_all(
            conn,
            "SELECT group_id, user_id, added_at FROM group_members ORDER BY group_id, user_id",
            crate::groups::member_from_row,
        )
        .await?;
        let relationships = read_all(
            conn,
            &format!(
                "SELECT {} FROM relationships ORDER BY id",
                super::relationships::COLUMNS
            ),
            super::relationships::from_row,
        )
        .await?;
        let assignments = read_all(
            conn,
            &format!(
                "SELECT {} FROM access_assignments ORDER BY id",
                super::assignments::COLUMNS
            ),
            super::assignments::from_row,
        )
        .await?;
        let activations = read_all(
            conn,
            &format!(
                "SELECT {} FROM activations WHERE status IN ('pending_approval', 'active') \
                 ORDER BY id",
                super::activations::COLUMNS
            ),
            super::activations::from_row,
        )
        .await?;
        let restrictions = read_all(
            conn,
            "SELECT tenant_id, document FROM customer_restrictions ORDER BY tenant_id",
            |row| {
                Ok((
                    rows::parsed(row, "tenant_id", TenantId::parse)?,
                    rows::json(row, "document")?,
                ))
            },
        )
        .await?;
        tx.rollback().await?;
        Ok(AccessSnapshot {
            tenants,
            authorized_partners,
            posture_suspensions,
            users,
            contained_users,
            contained_relationships,
            memberships,
            relationships,
            assignments,
            activations,
            restrictions,
        })
    }
}
