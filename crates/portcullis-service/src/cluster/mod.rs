//! This node among the others on one database: its id, whether it has
//! joined, whether it is the leader that runs the cluster's background
//! work (see [`leadership`]), and the cluster-wide settings it puts in
//! force (see [`settings`]).

mod leadership;
mod policies;
mod settings;

use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};

use portcullis_store::Lease;
use serde::Serialize;

pub use leadership::Campaign;
pub use policies::{RoleCatalogSetting, VettingPolicy};
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

/// Where a node stands in partitioned detection (the detection group on
/// NATS JetStream, see `docs/scale.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DetectionMembership {
    /// This node runs no partitioned detection (SQLite, no NATS, or
    /// detection off here).
    None,
    /// A member of the group: every partition it owns is being read.
    Member,
    /// A member owning partitions of which at least one had no running
    /// consumer at the last look (NATS unreachable, or the partition's
    /// consumer failed): their events wait. Not ready.
    Stalled,
    /// The node left the group against its will (its ownership connection
    /// to PostgreSQL closed); it runs no detection until restarted. Not
    /// ready.
    Left,
}

impl DetectionMembership {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Member => "member",
            Self::Stalled => "stalled",
            Self::Left => "left",
        }
    }

    const fn from_u8(value: u8) -> Self {
        match value {
            1 => Self::Member,
            2 => Self::Stalled,
            3 => Self::Left,
            _ => Self::None,
        }
    }

    const fn to_u8(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Member => 1,
            Self::Stalled => 2,
            Self::Left => 3,
        }
    }

    /// Whether a node in this place may take requests.
    pub const fn is_ready(self) -> bool {
        matches!(self, Self::None | Self::Member)
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
    /// Its place in partitioned detection.
    pub detection: DetectionMembership,
    /// Partitions of the activity stream it owns now.
    pub partitions_owned: u64,
}

impl NodeStatus {
    /// Whether the node may take requests: it has joined (or runs no
    /// background work) and, in partitioned detection, reads every
    /// partition it owns. (The store is asked separately.)
    pub fn ready(&self) -> bool {
        self.membership != Membership::Joining && self.detection.is_ready()
    }
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
    /// Its place in partitioned detection ([`DetectionMembership`]).
    detection: AtomicU8,
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
            detection: AtomicU8::new(0),
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
            detection: DetectionMembership::from_u8(self.cluster.detection.load(Ordering::SeqCst)),
            partitions_owned: self.detection_counts().partitions_owned,
        }
    }

    /// Records this node's place in partitioned detection (the detection
    /// group's loop, at each look).
    pub fn set_detection_membership(&self, membership: DetectionMembership) {
        self.cluster
            .detection
            .store(membership.to_u8(), Ordering::SeqCst);
    }

    /// Whether this node runs the cluster's background work now.
    pub fn is_leader(&self) -> bool {
        self.cluster.is_leader()
    }
}
