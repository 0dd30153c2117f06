//! Streaming detection over the stored activity stream: every event (the
//! decisions' own, HTTP and NATS batches) goes through the detection engine
//! in arrival order, with what the decision index knows about each
//! ([`super::event_context`]); new and grown findings are stored, and the
//! containment policy ([`super::policy`]) contains the user or partner a
//! finding names, or records that it would have. The engine's state
//! and position are saved after each round, so a restart resumes without
//! re-alerting.

use portcullis_domain::AuditOperation;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use portcullis_detection::{
    Detection as Detected, DetectionSubject, Engine, IntelLookup, IntelMatch, RuleId,
};
use portcullis_domain::{ContainmentMode, EventFilter, Finding, FindingStatus};
use portcullis_domain::{Cursor, PageRequest, RecordId, Timestamp};
use serde::{Deserialize, Serialize};

use super::coalesce::{Coalescer, FLUSH_EVENTS};
use super::policy::ContainmentRule;
use crate::{Caller, Portcullis, ServiceError};

/// Detection settings (the `[detection]` table).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectionConfig {
    /// Whether this node runs detection (run it on one node of several).
    pub enabled: bool,
    /// Milliseconds between rounds (default 500: a finding contains within a second).
    pub every_ms: u64,
    /// The engine's thresholds (documented in `portcullis-detection`).
    pub engine: portcullis_detection::Config,
    /// `enforced` (default) or `shadow`: the mode of every rule in
    /// `containment` that names none.
    pub containment_mode: ContainmentMode,
    /// Containment per rule id (`PCD-001` …): what to contain, from which
    /// severity (3 medium, 4 high, 5 critical) and confidence (default High).
    pub containment: BTreeMap<String, ContainmentRule>,
    /// Partitions of the activity stream when several nodes share
    /// detection over NATS JetStream (default 16; the same on every node,
    /// and kept for the life of the stream).
    pub partitions: u32,
    /// The JetStream stream of partitioned detection (default
    /// `PORTCULLIS_ACTIVITY`): one per database.
    pub activity_stream: String,
    /// Its subjects are `<activity_subject>.<partition>` (default
    /// `portcullis.activity.p`).
    pub activity_subject: String,
}

impl Default for DetectionConfig {
    /// On, every 500 ms; by default a high-severity, High-confidence tenant
    /// fan-out (PCD-001), threat-intel hit (PCD-008) or combined risk
    /// (PCD-010) contains the user; every other finding alerts.
    fn default() -> Self {
        let user = ContainmentRule::user();
        Self {
            enabled: true,
            every_ms: 500,
            engine: portcullis_detection::Config::default(),
            containment_mode: ContainmentMode::Enforced,
            containment: [("PCD-001", user), ("PCD-008", user), ("PCD-010", user)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            partitions: DEFAULT_PARTITIONS,
            activity_stream: "PORTCULLIS_ACTIVITY".to_owned(),
            activity_subject: "portcullis.activity.p".to_owned(),
        }
    }
}

/// Partitions of the activity stream unless configured otherwise.
pub const DEFAULT_PARTITIONS: u32 = 16;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DetectionRound {
    pub events: u64,
    pub findings_new: u64,
    pub findings_updated: u64,
    /// Containments the policy made.
    pub contained: u64,
    /// Containments the policy recorded in shadow mode.
    pub shadowed: u64,
}

/// The engine and how far it has read.
pub(crate) struct DetectionRuntime {
    pub(crate) config: DetectionConfig,
    /// The thresholds and period in force (the file's, or the cluster's).
    pub(crate) tuning: super::tuning::Tuning,
    pub(crate) engine: tokio::sync::Mutex<Option<(super::tuning::TunedEngine, i64)>>,
    /// Events this node ran through detection.
    pub(crate) events_total: AtomicU64,
    /// Partitions this node owns (partitioned detection).
    pub(crate) partitions_owned: AtomicU64,
}

impl std::fmt::Debug for DetectionRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetectionRuntime")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DetectionRuntime {
    pub(crate) fn new(config: DetectionConfig) -> Self {
        let tuning = super::tuning::Tuning::new(super::DetectionSettings {
            every_ms: config.every_ms,
            engine: config.engine.clone(),
        });
        Self {
            config,
            tuning,
            engine: tokio::sync::Mutex::new(None),
            events_total: AtomicU64::new(0),
            partitions_owned: AtomicU64::new(0),
        }
    }
}

/// The engine's view of the loaded threat intelligence, judged at the
/// service clock's time.
struct Intel(
    std::sync::Arc<crate::vetting::VettingRuntime>,
    std::sync::Arc<dyn portcullis_domain::Clock>,
);

impl IntelLookup for Intel {
    fn ip(&self, ip: std::net::IpAddr) -> Option<IntelMatch> {
        self.lookup(&portcullis_intel::Observable::ip(ip))
    }

    fn domain(&self, domain: &str) -> Option<IntelMatch> {
        self.lookup(&portcullis_intel::Observable::domain(domain))
    }
}

impl Intel {
    fn lookup(&self, observable: &portcullis_intel::Observable) -> Option<IntelMatch> {
        let now = self.1.now().to_offset_date_time();
        self.0
            .intel()
            .lookup(observable, now)
            .into_iter()
            .next()
            .map(|hit| IntelMatch {
                indicator: hit.indicator_id,
                description: hit.name.unwrap_or_default(),
            })
    }
}

fn stored(detected: &Detected, now: Timestamp) -> Finding {
    let id = RecordId::from_uuid(uuid::Uuid::new_v5(
        &FINDING_NAMESPACE,
        detected.uid.as_bytes(),
    ));
    let (user, partner) = match &detected.subject {
        DetectionSubject::User {
            uid,
            partner_tenant,
        } => (Some(uid.clone()), partner_tenant.clone()),
        DetectionSubject::Source { .. } | DetectionSubject::Network { .. } => (None, None),
    };
    Finding {
        id,
        rule_id: detected.rule.id().to_owned(),
        severity_id: detected.severity as i64,
        status: FindingStatus::New,
        status_reason: None,
        partner_tenant_id: partner,
        user_id: user,
        title: detected.title.clone(),
        first_seen: Timestamp::from_unix_millis(detected.first_seen_ms),
        last_seen: Timestamp::from_unix_millis(detected.last_seen_ms),
        evidence_count: i64::from(detected.evidence_count),
        confidence: detected.confidence,
        explanation: detected.explanation.clone(),
        body: detected.to_ocsf(),
        created_at: now,
        updated_at: now,
        version: 0,
        customers: evidence_customers(detected),
    }
}

/// The customer tenants the detection's evidence names (ids that are not
/// tenant ids name no customer Portcullis knows).
fn evidence_customers(detected: &Detected) -> Vec<portcullis_domain::TenantId> {
    let mut customers: Vec<_> = detected
        .evidence
        .iter()
        .filter_map(|e| e.customer_tenant.as_deref())
        .filter_map(|c| portcullis_domain::TenantId::parse(c).ok())
        .collect();
    customers.sort();
    customers.dedup();
    customers
}

/// Finding ids are UUID v5 of the engine's stable finding uid.
const FINDING_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x3c8e_41d2_9b6a_4f0e_8d27_5a1c_e9b4_7f63);

impl Portcullis {
    /// A tenant fan-out (`PCD-001`) is raised by the event that crossed the
    /// threshold, so its first evidence names one customer: the customers
    /// the user reached in the rule's window before it are read from the
    /// stored events. Other rules' evidence names what they concern.
    async fn fanned_out_to(
        &self,
        finding: &Finding,
        window_ms: i64,
    ) -> Result<Vec<portcullis_domain::TenantId>, ServiceError> {
        let user = finding
            .user_id
            .as_deref()
            .and_then(|u| portcullis_domain::UserId::parse(u).ok());
        let (true, Some(user)) = (finding.rule_id == RuleId::FanOut.id(), user) else {
            return Ok(Vec::new());
        };
        let filter = EventFilter {
            user_id: Some(user),
            since: Some(Timestamp::from_unix_millis(
                finding.first_seen.unix_millis().saturating_sub(window_ms),
            )),
            until: Some(Timestamp::from_unix_millis(
                finding.last_seen.unix_millis().saturating_add(1),
            )),
            ..EventFilter::default()
        };
        let mut customers = Vec::new();
        let mut cursor = None;
        loop {
            let page = PageRequest::new(Some(PageRequest::MAX_LIMIT), cursor)?;
            let events = self.store.list_events(&filter, &page).await?;
            customers.extend(
                events
                    .items
                    .iter()
                    .filter_map(|e| e.event.customer_tenant_id.as_deref())
                    .filter_map(|c| portcullis_domain::TenantId::parse(c).ok()),
            );
            customers.sort();
            customers.dedup();
            // The detection's own cap on customers remembered in a window.
            if events.next.is_none() || customers.len() >= 1024 {
                break;
            }
            cursor = events.next;
        }
        Ok(customers)
    }

    /// A fresh engine with this node's settings and threat intelligence.
    pub(crate) fn new_engine(&self) -> Engine {
        Engine::with_intel(
            self.detection.tuning.get().engine.clone(),
            Box::new(Intel(
                std::sync::Arc::clone(&self.vetting),
                std::sync::Arc::clone(&self.clock),
            )),
        )
    }

    /// Runs the engine over every event stored since the last round (on
    /// one node; with partitioned detection, the partition owners do it).
    pub async fn detect_pending(&self) -> Result<DetectionRound, ServiceError> {
        if self.activity_stream.is_some() {
            return Ok(DetectionRound::default());
        }
        let caller = Caller::system();
        let mut guard = self.detection.engine.lock().await;
        if guard.is_none() {
            let mut engine = self.tuned_engine();
            let mut cursor = 0;
            if let Some((saved, state)) = self.store.load_detection_state().await? {
                match serde_json::from_str(&state) {
                    Ok(state) => {
                        engine.engine.restore(state);
                        cursor = saved;
                    }
                    Err(err) => {
                        tracing::error!(%err, "saved detection state unreadable; starting afresh")
                    }
                }
            }
            *guard = Some((engine, cursor));
        }
        let Some((tuned, cursor)) = guard.as_mut() else {
            return Ok(DetectionRound::default());
        };
        self.retune(tuned);
        let engine = &mut tuned.engine;
        let mut round = DetectionRound::default();
        let mut gathered = Coalescer::default();
        let mut unflushed = 0;
        let mut longest = std::time::Duration::ZERO;
        loop {
            let page = PageRequest::new(
                Some(PageRequest::MAX_LIMIT),
                Some(Cursor(cursor.to_string())),
            )?;
            let events = self
                .store
                .list_events(&EventFilter::default(), &page)
                .await?;
            let busy = std::time::Instant::now();
            for stored_event in &events.items {
                *cursor = stored_event.seq;
                round.events += 1;
                self.detection.events_total.fetch_add(1, Ordering::Relaxed);
                let Ok(event) = portcullis_detection::Event::try_from(&stored_event.event) else {
                    continue;
                };
                let context = self.event_context(&event);
                for detected in engine.process_in(&event, &context) {
                    gathered.push(detected);
                }
                unflushed += 1;
            }
            longest = longest.max(busy.elapsed());
            let done = events.next.is_none();
            if done || unflushed >= FLUSH_EVENTS {
                for detected in gathered.take() {
                    self.record_detected(&caller, &detected, &mut round, Replays::Update)
                        .await?;
                }
                unflushed = 0;
            }
            if done {
                break;
            }
        }
        if round.events > 0 {
            let serializing = std::time::Instant::now();
            let state = serde_json::to_string(&engine.snapshot())
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            tracing::debug!(
                events = round.events,
                longest_page_us = longest.as_micros(),
                state_bytes = state.len(),
                serialize_us = serializing.elapsed().as_micros(),
                "detection round"
            );
            self.store
                .save_detection_state(*cursor, &state, self.clock.now())
                .await?;
        }
        Ok(round)
    }

    /// Stores a new or grown finding, queues its webhook and applies the
    /// containment policy. With [`Replays::Skip`], a finding already stored
    /// with as much evidence is a replay of events a previous owner of the
    /// partition ran (it died before saving its position): only the
    /// (idempotent) containment policy runs again.
    pub(crate) async fn record_detected(
        &self,
        caller: &Caller,
        detected: &Detected,
        round: &mut DetectionRound,
        replays: Replays,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let mut found = stored(detected, now);
        if replays == Replays::Skip
            && let Some(known) = self.store.get_finding(found.id).await?
            && known.evidence_count >= found.evidence_count
            && known.last_seen >= found.last_seen
        {
            self.contain_for(caller, &known).await;
            return Ok(());
        }
        if !detected.is_update {
            let window = self.detection.tuning.get().engine.fan_out.window_ms;
            found.add_customers(self.fanned_out_to(&found, window).await?);
        }
        let finding = self
            .store
            .upsert_finding(&caller.audit(now), &found)
            .await?;
        // Alerts out: the OCSF finding to every subscribed webhook, once
        // per version of the finding.
        // New to the store, not only to this engine: when several nodes run
        // detection over the same stream, the first to store a finding
        // opens it; the others only update it.
        let created = finding.version == 1;
        let event_type = if !created {
            AuditOperation::FindingUpdate.as_str()
        } else {
            AuditOperation::FindingCreate.as_str()
        };
        let key = format!("{}:{}", finding.id, finding.version);
        self.announce_finding(event_type, &finding, &key).await;
        if created {
            round.findings_new += 1;
        } else {
            round.findings_updated += 1;
        }
        // New or grown: the policy contains the first time the finding
        // qualifies (e.g. an update raising it to High).
        match self.contain_for(caller, &finding).await {
            Some(ContainmentMode::Enforced) => round.contained += 1,
            Some(ContainmentMode::Shadow) => round.shadowed += 1,
            None => {}
        }
        Ok(())
    }

    /// Events this node ran through detection, and partitions it owns.
    pub fn detection_counts(&self) -> DetectionCounts {
        DetectionCounts {
            events: self.detection.events_total.load(Ordering::Relaxed),
            partitions_owned: self.detection.partitions_owned.load(Ordering::Relaxed),
        }
    }
}

/// What to do with a finding already stored with as much evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replays {
    /// Store it again as an update (every node runs the whole stream).
    Update,
    /// Skip it (partitioned detection replaying after a takeover).
    Skip,
}

/// This node's detection counters (for `/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DetectionCounts {
    /// Events this node ran through detection since it started.
    pub events: u64,
    /// Partitions of the activity stream this node owns now.
    pub partitions_owned: u64,
}
