//! Portcullis use cases.
//!
//! [`Portcullis`] is what the interfaces call: each use case authorizes the
//! [`Caller`], validates what the store cannot, and makes the change through
//! the store, which records it in the audit chain in the same transaction.
//!
//! The use cases are grouped by the defence they serve, each in its folder:
//! `directory` (tenants, partner users, groups, tokens), `vetting`,
//! `posture`, `least_privilege` (relationships, assignments, activations,
//! decisions and the decision cache), `activity` (events, detection,
//! findings, containment) and `webhooks`. Who may call what is decided in
//! [`caller_rules`], the only place that looks at a caller's kind; the
//! background loops run in [`workers`], audited as the `system` principal.

mod access_reviews;
mod activity;
mod audit;
mod background;
mod caller;
pub mod caller_rules;
mod cluster;
mod directory;
mod error;
mod file_config;
mod integrity;
mod least_privilege;
mod overview;
mod posture;
mod vetting;
pub mod webhooks;
pub mod workers;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use portcullis_domain::{Clock, RoleCatalog};
use portcullis_store::Store;

pub use access_reviews::{ItemDecision, NewAccessReview, ReviewPolicyInput, ReviewRound};
pub use activity::{
    ActivityPublisher, DEFAULT_PARTITIONS, DetectionCounts, PartitionDetector, partition_of,
};
pub use activity::{
    ContainmentRule, DecisionRecords, DetectionConfig, DetectionRound, DetectionSettings,
    EventTimeBounds, IngestReport, LineRejection, MAX_BATCH_EVENTS, decision_event,
};
pub use caller::Caller;
pub use cluster::{
    Campaign, ContainmentPolicy, DetectionMembership, Membership, NodeStatus, RoleCatalogSetting,
    VettingPolicy,
};
pub use directory::{
    NewToken, SIGN_IN_LINK_MINUTES, TOKEN_PREFIX, csrf_matches, csrf_token, hash_secret, keyed_hash,
};
pub use error::ServiceError;
pub use file_config::{AuditConfig, FileConfig};
pub use integrity::{
    AuditVerification, CheckpointConfig, CheckpointRound, TailCheck, verify_audit_chain,
};
pub use least_privilege::{
    ABANDONED_AFTER_MS, BulkJob, FINISHED_RUNS_KEPT_MS, LeastPrivilegeConfig, NewTemplate, Progress,
};
pub use least_privilege::{
    ActivationDecision, AssignmentPatch, DecisionCache, ELIGIBLE_MAX_ACTIVATION,
    LIFECYCLE_OPERATIONS, MAX_REPORT_RELATIONSHIPS, NewActivation, NewAssignment, NewRelationship,
    RelationshipPatch, SweepReport, UsageFlush, UsageQuery,
};
pub use least_privilege::{MAX_DECISION_BATCH, MAX_SEARCH_PAGE, SearchQuery};
pub use overview::{EXPIRY_WINDOWS_DAYS, OverviewCounts};
pub use portcullis_domain::{ContainmentFilter, ContainmentKind, ContainmentMode};
pub use portcullis_store::FindingAnswer;
/// A node's partition ownership (PostgreSQL advisory locks), for the
/// interfaces that run partitioned detection.
pub use portcullis_store::PartitionLocks;
pub use posture::{
    BaselineInfo, BaselineReload, PostureConfig, PostureRound, PostureUpload, ReassessReport,
};
pub use vetting::{
    CaseDetail, ChallengeInstructions, DEFAULT_HIT_THRESHOLD, IntelHit, IntelImportReport,
    RescreenReport, ReviewResult, TaxiiPull, TaxiiPullReport, VettingConfig, VettingRound,
    WatchlistFormat, WatchlistHit, WatchlistLoadReport,
};
pub use webhooks::{DeliveryRound, DestinationPolicy, NewWebhook, WebhookConfig, WebhookSettings};
pub use workers::{WorkerSchedule, WorkerStats};

/// How long activity events are kept unless configured otherwise.
pub const DEFAULT_EVENT_RETENTION_DAYS: i64 = 90;

/// The application: a store, a clock, the decision cache, and each
/// defence's runtime state.
#[derive(Debug, Clone)]
pub struct Portcullis {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    decisions: Arc<DecisionCache>,
    /// The last audit sequence number reflected in the index.
    synced: Arc<AtomicI64>,
    /// Decision events on their way to the activity stream.
    events: Arc<activity::events::EventQueue>,
    /// Recently authenticated tokens.
    token_cache: Arc<directory::token_cache::TokenCache>,
    /// The key of stored secret hashes (`None`: none available, fail closed).
    token_key: Option<Arc<portcullis_store::TokenKey>>,
    /// Signs audit checkpoints, when configured.
    checkpoints: Option<Arc<integrity::Checkpointer>>,
    /// How long activity events are kept, in milliseconds (`None`: for ever).
    event_retention_ms: Option<i64>,
    /// The times an ingested event may carry.
    event_time: activity::EventTimeBounds,
    /// The detection engine and its position in the event stream.
    detection: Arc<activity::DetectionRuntime>,
    /// Vetting's configuration, resolver and watchlist index.
    vetting: Arc<vetting::VettingRuntime>,
    /// Posture's configuration and the baseline in force.
    posture: Arc<posture::PostureRuntime>,
    /// Webhook delivery settings and HTTP client.
    webhooks: Arc<webhooks::WebhookRuntime>,
    /// Runs and failures of each background worker.
    workers: Arc<workers::WorkerMetrics>,
    /// This node's id, membership and leadership.
    cluster: Arc<cluster::ClusterNode>,
    /// Bulk cap, score floor and this node's background bulk runs.
    tightening: Arc<least_privilege::tightening::Tightening>,
    /// Where stored events are published for partitioned detection
    /// (`None`: this node runs detection over the stored stream itself).
    activity_stream: Option<Arc<dyn activity::ActivityPublisher>>,
    /// Where background work is spawned.
    background: background::Background,
}

impl Portcullis {
    /// An application with the default role catalog and an empty decision
    /// index, which the use cases keep current from here on. On a database
    /// that already holds data, call [`Portcullis::load`] instead: until the
    /// index is loaded, decisions about older data deny.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self::with_catalog(store, clock, RoleCatalog::default_entra())
    }

    pub fn with_catalog(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        catalog: RoleCatalog,
    ) -> Self {
        Self {
            store,
            clock,
            decisions: Arc::new(DecisionCache::new(catalog)),
            synced: Arc::new(AtomicI64::new(0)),
            events: Arc::new(activity::events::EventQueue::default()),
            token_cache: Arc::new(directory::token_cache::TokenCache::default()),
            token_key: directory::ephemeral_key().map(Arc::new),
            checkpoints: None,
            vetting: Arc::new(vetting::VettingRuntime::new(VettingConfig::default())),
            event_retention_ms: Some(DEFAULT_EVENT_RETENTION_DAYS * 86_400_000),
            event_time: activity::EventTimeBounds::default(),
            detection: Arc::new(activity::DetectionRuntime::new(DetectionConfig::default())),
            posture: Arc::new(posture::PostureRuntime::new(PostureConfig::default())),
            webhooks: Arc::new(webhooks::WebhookRuntime::default()),
            workers: Arc::new(workers::WorkerMetrics::default()),
            cluster: Arc::new(cluster::ClusterNode::default()),
            tightening: Arc::new(least_privilege::tightening::Tightening::default()),
            activity_stream: None,
            background: background::Background::default(),
        }
    }

    /// The same application with these least-privilege settings (bulk cap,
    /// security-score floor).
    #[must_use]
    pub fn with_least_privilege(mut self, config: LeastPrivilegeConfig) -> Self {
        self.tightening = Arc::new(least_privilege::tightening::Tightening::new(config));
        self
    }

    /// Hashes token, session and sign-in link secrets under `key` (the key
    /// directory's); without it, a key for this process only.
    #[must_use]
    pub fn with_token_key(mut self, key: portcullis_store::TokenKey) -> Self {
        self.token_key = Some(Arc::new(key));
        self
    }

    /// The same application with these detection settings.
    #[must_use]
    pub fn with_detection(mut self, config: DetectionConfig) -> Self {
        self.detection = Arc::new(activity::DetectionRuntime::new(config));
        self
    }

    /// Keeps activity events for `days` (0: for ever); the sweep deletes older ones.
    #[must_use]
    pub fn with_event_retention_days(mut self, days: u32) -> Self {
        self.event_retention_ms = (days > 0).then(|| i64::from(days) * 86_400_000);
        self
    }

    /// Accepts ingested events whose `time` lies within `bounds`.
    #[must_use]
    pub fn with_event_time_bounds(mut self, bounds: activity::EventTimeBounds) -> Self {
        self.event_time = bounds;
        self
    }

    /// The same application with these vetting settings.
    #[must_use]
    pub fn with_vetting(mut self, config: VettingConfig) -> Self {
        let lists = self.vetting.watchlists();
        let intel = self.vetting.intel();
        let runtime = vetting::VettingRuntime::new(config);
        runtime.replace_watchlists_arc(lists);
        runtime.replace_intel_arc(intel);
        self.vetting = Arc::new(runtime);
        self
    }

    /// An application whose decision index is built from the store.
    pub async fn load(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        catalog: RoleCatalog,
    ) -> Result<Self, ServiceError> {
        let app = Self::with_catalog(store, clock, catalog);
        app.reload_index().await?;
        app.reload_watchlists().await?;
        app.reload_intel().await?;
        Ok(app)
    }

    /// The decision cache: the decision index every request of this
    /// process reads.
    pub fn decisions(&self) -> &Arc<DecisionCache> {
        &self.decisions
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Succeeds when the store answers (readiness).
    pub async fn ping(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
