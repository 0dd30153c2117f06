//! The contract every backend fulfils: one trait per kind of data, each
//! in its own module with its SQL implementation, and [`Store`] over them all.

use async_trait::async_trait;

use crate::DetectionPartitionStore;
use crate::{
    AccessReviewStore, AccessStore, AuditStore, Backend, ContainmentStore, CountStore,
    DetectionStateStore, EventStore, FindingStore, GroupStore, IntelStore, PostureStore,
    SessionStore, SignInLinkStore, SqlStore, StoreError, TenantStore, TokenStore, UsageStore,
    UserStore, VettingStore, WatchlistStore, WebhookStore,
};
use crate::{BulkRunStore, FindingResponseStore, ScoreStore, TemplateStore};

/// Everything Portcullis keeps.
#[async_trait]
pub trait Store:
    TenantStore
    + UserStore
    + GroupStore
    + TokenStore
    + SessionStore
    + SignInLinkStore
    + AuditStore
    + AccessStore
    + EventStore
    + VettingStore
    + WatchlistStore
    + IntelStore
    + FindingStore
    + ContainmentStore
    + DetectionStateStore
    + PostureStore
    + WebhookStore
    + CountStore
    + UsageStore
    + crate::SettingStore
    + TemplateStore
    + BulkRunStore
    + FindingResponseStore
    + ScoreStore
    + AccessReviewStore
    + DetectionPartitionStore
    + Send
    + Sync
    + std::fmt::Debug
{
    fn backend(&self) -> Backend;
    /// Succeeds when the database answers a trivial query.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Notifications of commits (PostgreSQL); `None` where one process owns
    /// the database.
    async fn change_listener(&self) -> Result<Option<crate::ChangeListener>, StoreError>;
    /// Takes the lease `key` when no one holds it (see `cluster::lease`).
    async fn try_lease(&self, key: crate::LeaseKey) -> Result<Option<crate::Lease>, StoreError>;
    /// Membership of the detection group and partition ownership
    /// (PostgreSQL advisory locks); `None` where one process owns the
    /// database.
    async fn partition_locks(&self) -> Result<Option<crate::PartitionLocks>, StoreError>;
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    async fn change_listener(&self) -> Result<Option<crate::ChangeListener>, StoreError> {
        self.listen_changes().await
    }

    async fn try_lease(&self, key: crate::LeaseKey) -> Result<Option<crate::Lease>, StoreError> {
        SqlStore::try_lease(self, key).await
    }

    async fn partition_locks(&self) -> Result<Option<crate::PartitionLocks>, StoreError> {
        SqlStore::partition_locks(self).await
    }
}
