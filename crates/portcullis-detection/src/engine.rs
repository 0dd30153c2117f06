//! The engine: routes each event through the rules over per-entity state and
//! groups hits into findings.

use std::collections::HashSet;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::departures::Departures;
use crate::detection::{Detection, DetectionSubject, Evidence, RuleId, Severity};
use crate::entity_map::BoundedMap;
use crate::event::{Event, EventClass, Status};
use crate::intel::{IntelLookup, NoIntel};
use crate::rules::{self, Hit, SourceKey, new_infra};
use crate::state::{GeoFix, OpenDetection, SourceState, TenantState, UserState};

/// Seed of the hash that stands for customer tenants and users inside state
/// (fixed so that a snapshot restores on another process).
const STATE_HASH_SEED: u64 = 0x7063_6473_7461_7465;
const STATE_VERSION: u32 = 1;

/// The streaming detection engine. Deterministic: the same events in the
/// same order give the same findings.
pub struct Engine {
    config: Config,
    privileged: HashSet<String, FixedState>,
    escalation: HashSet<String, FixedState>,
    intel: Box<dyn IntelLookup + Send + Sync>,
    hasher: FixedState,
    users: BoundedMap<Box<str>, UserState>,
    tenants: BoundedMap<Box<str>, TenantState>,
    sources: BoundedMap<SourceKey, SourceState>,
    open: BoundedMap<String, OpenDetection>,
    departed: Departures,
}

/// Everything the engine remembers, to persist and restore across restarts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    version: u32,
    users: Vec<(Box<str>, UserState)>,
    tenants: Vec<(Box<str>, TenantState)>,
    sources: Vec<(SourceKey, SourceState)>,
    open: Vec<(String, OpenDetection)>,
    /// Last idle sweep of users, tenants, sources, open findings.
    sweeps: [i64; 4],
    /// (user hash, last seen) of users whose state was evicted.
    #[serde(default)]
    departed: Vec<(u64, i64)>,
}

impl Engine {
    /// An engine without threat intelligence.
    pub fn new(config: Config) -> Self {
        Self::with_intel(config, Box::new(NoIntel))
    }

    /// An engine that checks source IPs and domains against `intel`.
    pub fn with_intel(config: Config, intel: Box<dyn IntelLookup + Send + Sync>) -> Self {
        let set = |ops: &[String]| ops.iter().cloned().collect::<HashSet<_, FixedState>>();
        Self {
            privileged: set(&config.privileged_operations),
            escalation: set(&config.escalation.operations),
            intel,
            hasher: FixedState::with_seed(STATE_HASH_SEED),
            users: BoundedMap::new(config.max_users, config.idle_evict_ms).keeping_evicted(),
            departed: Departures::new(config.max_users.saturating_mul(4), Vec::new()),
            tenants: BoundedMap::new(config.max_tenants, config.idle_evict_ms),
            sources: BoundedMap::new(config.max_sources, config.idle_evict_ms),
            open: BoundedMap::new(config.max_users, config.idle_evict_ms),
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
    }

    /// Runs one event through every rule; returns new and updated findings.
    pub fn process(&mut self, event: &Event) -> Vec<Detection> {
        let mut hits = self.source_hits(event);
        let weak = self.user_hits(event, &mut hits);
        for (user, last_seen) in self.users.drain_evicted() {
            let user = self.hasher.hash_one(&*user);
            self.departed.record(user, last_seen);
        }
        if event.class == EventClass::Authentication
            && event.status == Status::Success
            && let Some(tenant) = event.partner_tenant.as_deref()
        {
            let now = event.time_ms;
            if let Some(t) = self.tenants.get_or_insert(
                tenant,
                now,
                |k: &str| Box::from(k),
                TenantState::default,
            ) {
                t.record(now, event.country, event.asn);
            }
        }
        if hits.is_empty() && !weak {
            return Vec::new();
        }
        let mut findings: Vec<Detection> = hits.into_iter().map(|h| self.raise(h, event)).collect();
        let mut signals: Vec<Severity> = findings
            .iter()
            .filter(|f| !f.is_update && f.user().is_some())
            .map(|f| f.severity)
            .collect();
        if weak {
            signals.push(Severity::Low);
        }
        let combined = self.users.get_mut(event.user.as_str()).and_then(|user| {
            signals
                .into_iter()
                .find_map(|s| rules::risk::add(&self.config.risk, user, s, event.time_ms))
        });
        if let Some(hit) = combined {
            findings.push(self.raise(hit, event));
        }
        findings
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
                format!(
                    "Partner activity from `{value}`, an active indicator ({})",
                    m.description
                ),
            ));
        }
        hits
    }

    /// Rules keyed by the user. Returns whether a weak signal was seen.
    fn user_hits(&mut self, event: &Event, hits: &mut Vec<Hit>) -> bool {
        let now = event.time_ms;
        let success = event.status == Status::Success;
        let operation = event
            .operation
            .as_deref()
            .filter(|_| event.class == EventClass::ApiActivity);
        let privileged = success && operation.is_some_and(|op| self.privileged.contains(op));
        let customer = event
            .customer_tenant
            .as_deref()
            .filter(|_| event.is_delegated())
            .map(|c| self.hasher.hash_one(c));
        // A user whose state was evicted returns with its last-seen time.
        let returning = if self.departed.is_empty() || self.users.get(event.user.as_str()).is_some()
        {
            None
        } else {
            self.departed
                .take(self.hasher.hash_one(event.user.as_str()))
        };
        let cfg = &self.config;
        let tenant = event
            .partner_tenant
            .as_deref()
            .and_then(|t| self.tenants.get(t));
        let Some(user) = self.users.get_or_insert(
            event.user.as_str(),
            now,
            |k: &str| Box::from(k),
            || UserState::new(now),
        ) else {
            return false;
        };
        let previous = returning.unwrap_or(user.last_seen_ms);
        hits.extend(rules::dormant::check(
            &cfg.dormant,
            user,
            previous,
            now,
            privileged,
        ));
        user.last_seen_ms = previous.max(now);
        let mut weak = false;
        match (event.class, event.status) {
            (EventClass::Authentication, Status::Success) => {
                match new_infra::check(&cfg.new_infra, user, tenant, event) {
                    new_infra::Outcome::Quiet => {}
                    new_infra::Outcome::Signal => weak = true,
                    new_infra::Outcome::Hit(hit) => hits.push(hit),
                }
                user.sign_ins = user.sign_ins.saturating_add(1);
                if let Some((lat, long)) = event.lat_long {
                    let fix = GeoFix {
                        time_ms: now,
                        lat,
                        long,
                        asn: event.asn,
                    };
                    hits.extend(rules::travel::check(&cfg.travel, user, fix));
                }
                if let Some(c) = customer {
                    rules::escalation::sign_in(&cfg.escalation, user, c, now);
                }
            }
            (EventClass::ApiActivity, Status::Success) => {
                if let (Some(op), Some(c)) = (operation, customer)
                    && self.escalation.contains(op)
                {
                    hits.extend(rules::escalation::action(&cfg.escalation, user, c, op, now));
                }
                if let (Some(op), true) = (operation, privileged) {
                    hits.extend(rules::off_hours::check(&cfg.off_hours, user, op, now));
                }
            }
            (EventClass::ApiActivity, Status::Failure) => {
                hits.extend(rules::denied::check(&cfg.denied_burst, user, now));
            }
            _ => {}
        }
        if success {
            if let Some(c) = customer {
                hits.extend(rules::fan_out::check(&cfg.fan_out, user, c, now));
            }
            rules::off_hours::record(user, now);
        }
        weak
    }

    /// Opens a finding for `hit`, or updates the open one of its subject.
    fn raise(&mut self, hit: Hit, event: &Event) -> Detection {
        let now = event.time_ms;
        let (subject, key) = match hit.source {
            Some(SourceKey::Ip(ip)) => (
                DetectionSubject::Source { ip },
                format!("{}:ip:{ip}", hit.rule.id()),
            ),
            Some(SourceKey::Asn(asn)) => (
                DetectionSubject::Network { asn },
                format!("{}:asn:{asn}", hit.rule.id()),
            ),
            None => (
                DetectionSubject::User {
                    uid: event.user.clone(),
                    partner_tenant: event.partner_tenant.clone(),
                },
                format!("{}:user:{}", hit.rule.id(), event.user),
            ),
        };
        let evidence = Evidence {
            event_uid: event.uid.clone(),
            time_ms: now,
            user: event.user.clone(),
            partner_tenant: event.partner_tenant.clone(),
            customer_tenant: event.customer_tenant.clone(),
            src_ip: event.src_ip,
        };
        let close_ms = self.config.finding_close_ms;
        let max_evidence = self.config.max_evidence.max(1);
        if let Some(OpenDetection(open)) = self.open.get_mut(key.as_str())
            && now.saturating_sub(open.last_seen_ms) < close_ms
        {
            open.time_ms = now;
            open.last_seen_ms = open.last_seen_ms.max(now);
            open.evidence_count = open.evidence_count.saturating_add(1);
            open.severity = open.severity.max(hit.severity);
            open.title = hit.title;
            if open.evidence.len() >= max_evidence {
                open.evidence.remove(0);
            }
            open.evidence.push(evidence);
            open.is_update = true;
            return open.clone();
        }
        let finding = Detection {
            uid: format!("{key}:{now}"),
            rule: hit.rule,
            severity: hit.severity,
            title: hit.title,
            subject,
            time_ms: now,
            first_seen_ms: now,
            last_seen_ms: now,
            evidence_count: 1,
            evidence: vec![evidence],
            is_update: false,
        };
        if let Some(slot) = self.open.get_or_insert(
            key.as_str(),
            now,
            |k: &str| k.to_owned(),
            || OpenDetection(finding.clone()),
        ) {
            *slot = OpenDetection(finding.clone());
        }
        finding
    }
}
