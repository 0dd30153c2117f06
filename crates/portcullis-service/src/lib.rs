//! Portcullis use cases.
//!
//! [`Portcullis`] is what the interfaces call: each use case authorizes the
//! [`Caller`], validates what the store cannot, and makes the change through
//! the store, which records it in the audit chain in the same transaction.
//! The access rules of every use case live in [`access`].

pub mod access;
mod activations;
mod assignments;
mod audit;
mod caller;
mod decisions;
mod detection;
mod engine;
mod error;
mod events;
mod findings;
mod groups;
mod ingest;
mod partners;
mod posture;
mod relationship_views;
mod relationships;
mod sweep;
mod sync;
mod tenants;
mod token_cache;
mod tokens;
mod users;
mod vetting;
pub mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use portcullis_domain::{Clock, RoleCatalog};
use portcullis_store::Store;

pub use activations::{ActivationDecision, NewActivation};
pub use assignments::{AssignmentPatch, NewAssignment};
pub use caller::Caller;
pub use detection::{ContainmentRule, DetectionConfig, DetectionRound};
pub use engine::Engine;
pub use error::ServiceError;
pub use events::decision_event;
pub use ingest::{IngestReport, LineRejection, MAX_BATCH_EVENTS};
pub use portcullis_domain::ContainmentKind;
pub use posture::{
    BaselineInfo, BaselineReload, PostureConfig, PostureRound, PostureUpload, ReassessReport,
};
pub use relationship_views::LIFECYCLE_OPERATIONS;
pub use relationships::{NewRelationship, RelationshipPatch};
pub use sweep::SweepReport;
pub use tokens::{NewToken, TOKEN_PREFIX, hash_secret};
pub use vetting::{
    CaseDetail, ChallengeInstructions, DEFAULT_HIT_THRESHOLD, IntelHit, IntelImportReport,
    RescreenReport, ReviewResult, TaxiiPull, TaxiiPullReport, VettingConfig, VettingRound,
    WatchlistFormat, WatchlistHit, WatchlistLoadReport,
};
pub use webhooks::{DeliveryRound, NewWebhook, WebhookConfig};

/// How long activity events are kept unless configured otherwise.
pub const DEFAULT_EVENT_RETENTION_DAYS: i64 = 90;

/// The application: a store, a clock, and the decision engine.
#[derive(Debug, Clone)]
pub struct Portcullis {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    engine: Arc<Engine>,
    /// The last audit sequence number reflected in the index.
    synced: Arc<AtomicI64>,
    /// Decision events on their way to the activity stream.
    events: Arc<events::EventQueue>,
    /// Recently authenticated tokens.
    token_cache: Arc<token_cache::TokenCache>,
    /// How long activity events are kept, in milliseconds (`None`: for ever).
    event_retention_ms: Option<i64>,
    /// The detection engine and its position in the event stream.
    detection: Arc<detection::DetectionRuntime>,
    /// Vetting's configuration, resolver and watchlist index.
    vetting: Arc<vetting::VettingRuntime>,
    /// Posture's configuration and the baseline in force.
    posture: Arc<posture::PostureRuntime>,
    /// Webhook delivery settings and HTTP client.
    webhooks: Arc<webhooks::WebhookRuntime>,
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
            engine: Arc::new(Engine::new(catalog)),
            synced: Arc::new(AtomicI64::new(0)),
            events: Arc::new(events::EventQueue::default()),
            token_cache: Arc::new(token_cache::TokenCache::default()),
            vetting: Arc::new(vetting::VettingRuntime::new(VettingConfig::default())),
            event_retention_ms: Some(DEFAULT_EVENT_RETENTION_DAYS * 86_400_000),
            detection: Arc::new(detection::DetectionRuntime::new(DetectionConfig::default())),
            posture: Arc::new(posture::PostureRuntime::new(PostureConfig::default())),
            webhooks: Arc::new(webhooks::WebhookRuntime::default()),
        }
    }

    /// The same application with these detection settings.
    #[must_use]
    pub fn with_detection(mut self, config: DetectionConfig) -> Self {
        self.detection = Arc::new(detection::DetectionRuntime::new(config));
        self
    }

    /// Keeps activity events for `days` (0: for ever); the sweep deletes older ones.
    #[must_use]
    pub fn with_event_retention_days(mut self, days: u32) -> Self {
        self.event_retention_ms = (days > 0).then(|| i64::from(days) * 86_400_000);
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

    /// Rebuilds the decision index from the store. The audit sequence is
    /// read first, so that [`Portcullis::catch_up`] re-applies anything
    /// committed while the snapshot was read.
    pub async fn reload_index(&self) -> Result<(), ServiceError> {
        let seq = self.store.audit_head_seq().await?;
        let snapshot = self.store.access_snapshot().await?;
        self.engine.rebuild(&snapshot);
        self.synced.store(seq, Ordering::SeqCst);
        Ok(())
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
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
