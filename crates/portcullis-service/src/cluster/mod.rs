//! This node among the others on one database: its id, whether it has
//! joined, whether it is the leader that runs the cluster's background
//! work (see [`leadership`]), and the cluster-wide settings it puts in
//! force (see [`settings`]).

mod leadership;
mod settings;

use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};

use portcullis_store::Lease;
use serde::Serialize;

pub use leadership::Campaign;
pub use settings::ContainmentPolicy;

/// Where a node stands in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// No background work runs in this process (a library or a test): it
    /// serves requests and never leads.
    Standalone,
    /// The background workers started but the node does not yet know
    /// whether it leads: not ready.
    Joining,
    /// The node knows its place: leader or follower.
    Joined,
}

impl Membership {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Standalone => "standalone",
            Self::Joining => "joining",
            Self::Joined => "joined",
        }
    }

    const fn from_u8(value: u8) -> Self {
        match value {
            1 => Self::Joining,
            2 => Self::Joined,
            _ => Self::Standalone,
        }
    }
}

/// What a node says about itself (`/readyz`, `/metrics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NodeStatus {
    /// This process' id, new at each start.
    pub node_id: String,
    pub membership: Membership,
    /// Whether this node runs the cluster's background work.
    pub leader: bool,
    /// The last audit sequence number applied to this node's decision index.
    pub applied_seq: i64,
    /// Commits announced by other nodes (PostgreSQL notifications) and not
    /// yet applied here.
    pub change_feed_lag: i64,
}

/// This node's cluster state.
#[derive(Debug)]
pub(crate) struct ClusterNode {
    id: String,
    membership: AtomicU8,
    leader: tokio::sync::watch::Sender<bool>,
    lease: tokio::sync::Mutex<Option<Lease>>,
    /// The highest audit sequence number a commit notification announced.
    announced: AtomicI64,
    /// The stored containment policy, once there is one (see `settings`).
    containment: std::sync::RwLock<Option<std::sync::Arc<ContainmentPolicy>>>,
}

impl Default for ClusterNode {
    fn default() -> Self {
        Self::new(uuid::Uuid::new_v4().to_string())
    }
}

impl ClusterNode {
    pub(crate) fn new(id: String) -> Self {
        Self {
            id,
            membership: AtomicU8::new(0),
            leader: tokio::sync::watch::Sender::new(false),
            lease: tokio::sync::Mutex::new(None),
            announced: AtomicI64::new(0),
            containment: std::sync::RwLock::new(None),
        }
    }

    pub(crate) fn membership(&self) -> Membership {
        Membership::from_u8(self.membership.load(Ordering::SeqCst))
    }

    pub(crate) fn set_membership(&self, membership: Membership) {
        let value = match membership {
            Membership::Standalone => 0,
            Membership::Joining => 1,
            Membership::Joined => 2,
        };
        self.membership.store(value, Ordering::SeqCst);
    }

    pub(crate) fn is_leader(&self) -> bool {
        *self.leader.borrow()
    }

    /// Changes of the leader flag, for workers that wake when elected.
    pub(crate) fn elected(&self) -> tokio::sync::watch::Receiver<bool> {
        self.leader.subscribe()
    }

    /// Records the sequence number a commit notification announced.
    pub(crate) fn announce(&self, seq: i64) {
        self.announced.fetch_max(seq, Ordering::SeqCst);
    }
}

impl crate::Portcullis {
    /// The same application under another node id (the default is a random
    /// id per process).
    #[must_use]
    pub fn with_node_id(mut self, id: impl Into<String>) -> Self {
        self.cluster = std::sync::Arc::new(ClusterNode::new(id.into()));
        self
    }

    /// Where this node stands: id, membership, leadership, change feed.
    pub fn node_status(&self) -> NodeStatus {
        let applied_seq = self.synced.load(Ordering::SeqCst);
        let announced = self.cluster.announced.load(Ordering::SeqCst);
        NodeStatus {
            node_id: self.cluster.id.clone(),
            membership: self.cluster.membership(),
            leader: self.cluster.is_leader(),
            applied_seq,
            change_feed_lag: announced.saturating_sub(applied_seq).max(0),
        }
    }

    /// Whether this node runs the cluster's background work now.
    pub fn is_leader(&self) -> bool {
        self.cluster.is_leader()
    }
}
