//! Partitioned detection for `serve`: on PostgreSQL with NATS configured,
//! this node publishes the events it stores to the partitioned activity
//! stream and runs detection for its share of the partitions; otherwise
//! it runs detection over the whole stored stream itself.

use anyhow::Context as _;
use portcullis_server::detection_group::{self, Group, PartitionConfig};
use portcullis_service::Portcullis;
use portcullis_store::{Backend, PartitionLocks, SqlStore, Store as _};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// This node's part in partitioned detection: the stream it publishes
/// to, and its membership of the detection group (`None` with detection
/// off on this node: it only publishes).
pub struct Partitioned {
    pub group: Group,
    locks: Option<PartitionLocks>,
}

/// Joins partitioned detection when `nats_url` is set and the store is
/// PostgreSQL; `None` otherwise.
pub async fn join(
    nats_url: Option<&str>,
    detection: &portcullis_service::DetectionConfig,
    store: &SqlStore,
) -> anyhow::Result<Option<Partitioned>> {
    let Some(url) = nats_url else {
        return Ok(None);
    };
    if store.backend() != Backend::Postgres {
        return Ok(None);
    }
    let locks = if detection.enabled {
        store
            .partition_locks()
            .await
            .context("cannot join the detection group")?
    } else {
        None
    };
    let group = Group::join(PartitionConfig::new(url, detection))
        .await
        .with_context(|| format!("cannot open the partitioned activity stream on `{url}`"))?;
    tracing::info!(%url, partitions = detection.partitions, stream = %detection.activity_stream,
        member = ?locks.as_ref().map(PartitionLocks::member),
        "partitioned detection: stored events are published; members run their share of the partitions");
    Ok(Some(Partitioned { group, locks }))
}

/// How far back a starting node publishes stored events again (inside the
/// stream's two-minute duplicate window, with room for a slow start).
const REPUBLISH_WINDOW: std::time::Duration = std::time::Duration::from_secs(100);

/// Publishes the events of the last [`REPUBLISH_WINDOW`] again: those a
/// node that died between storing and publishing left out.
pub async fn republish(portcullis: &Portcullis) {
    match portcullis.republish_recent_events(REPUBLISH_WINDOW).await {
        Ok(offered) => tracing::info!(
            offered,
            "recent events published again (the stream drops those it holds)"
        ),
        Err(err) => tracing::warn!(%err, "cannot publish recent events again"),
    }
}

impl Partitioned {
    /// Runs this node's share until `stop` changes (nothing with detection
    /// off on this node).
    pub fn spawn(
        self,
        portcullis: Portcullis,
        owner: String,
        mut stop: watch::Receiver<bool>,
    ) -> Option<JoinHandle<()>> {
        let locks = self.locks?;
        let group = self.group;
        Some(portcullis.clone().spawn_background(async move {
            let stopped = async move {
                let _ = stop.changed().await;
            };
            if let Err(err) = detection_group::run(group, locks, portcullis, owner, stopped).await {
                tracing::error!(%err, "partitioned detection stopped on this node");
            }
        }))
    }
}
