//! Telling other nodes that something changed.
//!
//! On PostgreSQL every committed mutation sends `NOTIFY portcullis_changes`
//! with the audit sequence number it reached; the audit log is the change
//! feed, so a node that missed a notification catches up by reading the
//! records after the last sequence it applied.

use sqlx::postgres::PgListener;

use crate::{Backend, SqlStore, Store as _, StoreError};

/// The channel every commit notifies on PostgreSQL.
pub const CHANNEL: &str = "portcullis_changes";

/// Notifications of other nodes' (and this node's) commits.
#[derive(Debug)]
pub struct ChangeListener {
    inner: PgListener,
}

impl ChangeListener {
    /// Waits for the next commit and returns the audit sequence number it
    /// reached. The listener reconnects by itself after a lost connection
    /// (notifications sent meanwhile are lost; catch up from the audit log).
    pub async fn next(&mut self) -> Result<i64, StoreError> {
        loop {
            let notification = self.inner.recv().await?;
            if let Ok(seq) = notification.payload().parse() {
                return Ok(seq);
            }
        }
    }
}

impl SqlStore {
    /// A listener for commits, on PostgreSQL; `None` on SQLite, where one
    /// process owns the database.
    pub async fn listen_changes(&self) -> Result<Option<ChangeListener>, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut inner = PgListener::connect(self.url()).await?;
        inner.listen(CHANNEL).await?;
        Ok(Some(ChangeListener { inner }))
    }
}
