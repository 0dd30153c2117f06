//! The engine: routes each event through the rules over per-entity state and
//! groups hits into findings.

use std::collections::HashSet;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use serde::{Deserialize, Serialize};

use crate::baseline::{Admins, TenantBaseline};
use crate::config::Config;
use crate::context::EventContext;
use crate::departures::Departures;
use crate::detection::{Detection, RuleId, Severity};
use crate::entity_map::BoundedMap;
use crate::event::{Event, EventClass, Status};
use crate::intel::{IntelLookup, NoIntel};
use crate::rules::risk::Signal;
use crate::rules::{self, Hit, SourceKey};
use crate::state::{OpenDetection, SourceState, UserState};

mod grouping;
mod user;

/// Seed of the hash that stands for customer tenants and users inside state
/// (fixed so that a snapshot restores on another process).
const STATE_HASH_SEED: u64 = 0x7063_6473_7461_7465;
const STATE_VERSION: u32 = 2;

/// The streaming detection engine. Deterministic: the same events in the
/// same order give the same findings.
pub struct Engine {
    config: Config,
    privileged: HashSet<String, FixedState>,
    escalation: HashSet<String, FixedState>,
    /// Hashes of the escalation operations (as baselines store them).
    escalation_keys: Vec<u32>,
    intel: Box<dyn IntelLookup + Send + Sync>,
    hasher: FixedState,
    users: BoundedMap<Box<str>, UserState>,
    tenants: BoundedMap<Box<str>, TenantBaseline>,
    sources: BoundedMap<SourceKey, SourceState>,
    open: BoundedMap<String, OpenDetection>,
    departed: Departures,
    /// Every partner's administrators (the prior of each partner's).
    admins: Admins,
}

/// Everything the engine remembers, to persist and restore across restarts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    version: u32,
    users: Vec<(Box<str>, UserState)>,
    tenants: Vec<(Box<str>, TenantBaseline)>,
    sources: Vec<(SourceKey, SourceState)>,
    open: Vec<(String, OpenDetection)>,
    /// Last idle sweep of users, tenants, sources, open findings.
    sweeps: [i64; 4],
    /// (user hash, last seen) of users whose state was evicted.
    #[serde(default)]
    departed: Vec<(u64, i64)>,
    /// Every partner's administrators.
    #[serde(default)]
    admins: Admins,
}

impl Engine {
    /// An engine without threat intelligence.
    pub fn new(config: Config) -> Self {
        Self::with_intel(config, Box::new(NoIntel))
    }

    /// An engine that checks source IPs and domains against `intel`.
    pub fn with_intel(config: Config, intel: Box<dyn IntelLookup + Send + Sync>) -> Self {
        let set = |ops: &[String]| ops.iter().cloned().collect::<HashSet<_, FixedState>>();
        let hasher = FixedState::with_seed(STATE_HASH_SEED);
        let escalation_keys = config
            .escalation
            .operations
            .iter()
            .map(|op| hasher.hash_one(op.as_str()) as u32)
            .collect();
        Self {
            escalation_keys,
            privileged: set(&config.privileged_operations),
            escalation: set(&config.escalation.operations),
            intel,
            hasher,
            users: BoundedMap::new(config.max_users, config.idle_evict_ms).keeping_evicted(),
            departed: Departures::new(config.max_users.saturating_mul(4), Vec::new()),
            tenants: BoundedMap::new(config.max_tenants, config.idle_evict_ms),
            sources: BoundedMap::new(config.max_sources, config.idle_evict_ms),
            open: BoundedMap::new(config.max_users, config.idle_evict_ms),
            admins: Admins::default(),
            config,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Partner users currently held in state.
    pub fn tracked_users(&self) -> usize {
        self.users.len()
    }

    /// A copy of the whole state (entries sorted, so equal states serialize
    /// equally).
    pub fn snapshot(&self) -> State {
        State {
            version: STATE_VERSION,
            users: self.users.entries(),
            tenants: self.tenants.entries(),
            sources: self.sources.entries(),
            open: self.open.entries(),
            departed: self.departed.entries(),
            admins: self.admins,
            sweeps: [
                self.users.last_sweep_ms(),
                self.tenants.last_sweep_ms(),
                self.sources.last_sweep_ms(),
                self.open.last_sweep_ms(),
            ],
        }
    }

    /// Replaces the state with `state` (from [`Engine::snapshot`]); open
    /// findings stay open, so evidence already alerted on is an update.
    pub fn restore(&mut self, state: State) {
        let c = &self.config;
        let [users, tenants, sources, open] = state.sweeps;
        let idle = c.idle_evict_ms;
        self.users =
            BoundedMap::from_entries(c.max_users, idle, state.users, users).keeping_evicted();
        self.departed = Departures::new(c.max_users.saturating_mul(4), state.departed);
        self.tenants = BoundedMap::from_entries(c.max_tenants, idle, state.tenants, tenants);
        self.sources = BoundedMap::from_entries(c.max_sources, idle, state.sources, sources);
        self.open = BoundedMap::from_entries(c.max_users, idle, state.open, open);
        self.admins = state.admins;
    }

    /// Runs one event through every rule; returns new and updated findings.
    /// Offline, the engine learns everything from the stream.
    pub fn process(&mut self, event: &Event) -> Vec<Detection> {
        self.process_in(event, &EventContext::default())
    }

    /// As [`Engine::process`], weighing what the caller knows about the
    /// event (reachability, the partner's standing) into each detection
    /// about its user.
    pub fn process_in(&mut self, event: &Event, context: &EventContext) -> Vec<Detection> {
        let mut hits = self.source_hits(event);
        let outcome = self.user_hits(event, &mut hits);
        for (user, last_seen) in self.users.drain_evicted() {
            let user = self.hasher.hash_one(&*user);
            self.departed.record(user, last_seen);
        }
        if hits.is_empty() && !outcome.weak {
            return Vec::new();
        }
        let (weight, why) = context.weight();
        let mut findings = Vec::new();
        let mut signals = Vec::new();
        for mut hit in hits {
            if hit.source.is_none()
                && let Some(why) = why
            {
                hit.adjust(weight, why);
            }
            if self.passes(&hit, outcome.learning) {
                let finding = self.raise(hit, event);
                if !finding.is_update && finding.user().is_some() {
                    signals.push(Signal {
                        rule: finding.rule,
                        severity: finding.severity,
                        confidence: Some(finding.confidence),
                        raised: true,
                    });
                }
                findings.push(finding);
            } else if hit.source.is_none() {
                signals.push(Signal {
                    rule: hit.rule,
                    severity: Severity::Medium.min(hit.severity),
                    confidence: Some(hit.confidence),
                    raised: false,
                });
            }
        }
        if outcome.weak {
            signals.push(Signal {
                rule: RuleId::NewInfrastructure,
                severity: Severity::Low,
                confidence: None,
                raised: false,
            });
        }
        let risk = &self.config.risk;
        let combined = self.users.get_mut(event.user.as_str()).and_then(|user| {
            signals
                .into_iter()
                .find_map(|s| rules::risk::add(risk, user, s, event.time_ms))
        });
        if let Some(hit) = combined
            && self.passes(&hit, outcome.learning)
        {
            findings.push(self.raise(hit, event));
        }
        findings
    }

    /// Whether a hit is sure enough to raise: Medium, or High while the
    /// user's baseline is learned for a rule that reads it.
    fn passes(&self, hit: &Hit, learning: bool) -> bool {
        let cfg = &self.config.learning;
        let needed = if learning && hit.rule.learns() {
            cfg.min_confidence_learning
        } else {
            cfg.min_confidence
        };
        hit.confidence >= needed
    }

    /// Rules keyed by source: password spray and threat intelligence.
    fn source_hits(&mut self, event: &Event) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let (Some(ip), EventClass::Authentication, Status::Failure) =
            (event.src_ip, event.class, event.status)
        {
            let user = self.hasher.hash_one(event.user.as_str());
            let cfg = &self.config.spray;
            let mut keys = vec![(SourceKey::Ip(ip), cfg.min_users)];
            if let Some(asn) = event.asn.filter(|_| cfg.min_users_per_asn > 0) {
                keys.push((SourceKey::Asn(asn), cfg.min_users_per_asn));
            }
            for (key, min_users) in keys {
                let now = event.time_ms;
                if let Some(source) =
                    self.sources
                        .get_or_insert(&key, now, |k| *k, SourceState::default)
                {
                    hits.extend(rules::spray::check(cfg, source, key, min_users, user, now));
                }
            }
        }
        let matched = event
            .src_ip
            .and_then(|ip| self.intel.ip(ip).map(|m| (ip.to_string(), m)))
            .or_else(|| {
                event
                    .src_domain
                    .as_deref()
                    .and_then(|d| self.intel.domain(d).map(|m| (d.to_owned(), m)))
            });
        if let Some((value, m)) = matched {
            hits.push(Hit::user(
                RuleId::ThreatIntel,
                Severity::High,
                0.95,
                format!(
                    "Partner activity from `{value}`, an active indicator ({})",
                    m.description
                ),
                format!("`{value}` matches indicator `{}`", m.indicator),
            ));
        }
        hits
    }
}
