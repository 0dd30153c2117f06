//! A seeded, labelled month of partner activity for measuring the rules.
//!
//! [`generate`] builds partner tenants (one or two home countries each, an
//! office network per country, consumer ISPs per country) and their users
//! (home country, local working hours, usual networks, assigned customers),
//! then a month of ordinary work: on workdays a few delegated sign-ins to
//! assigned customers within working hours, each followed by a handful of
//! actions; the occasional mistyped password, denied action and benign
//! `roles.assignments.create` (see
//! [`ScenarioConfig::benign_escalation_rate`]). A few users are dormant (last seen 60 days
//! before the month).
//!
//! Into that it injects labelled attacks of every kind ([`AttackKind`]) from
//! day 10 (after the 7-day learning period), and benign look-alikes that are
//! *not* labelled, so any finding on them counts as false: technicians who
//! travel to another office of their partner, onboarding days touching 20
//! newly assigned customers, whole partners moving to a new office network,
//! and users back from a 3-week holiday.
//!
//! [`evaluate()`] runs the engine over the month and reports recall per kind and
//! false findings per 1,000 user-days. `cargo run --release -p
//! portcullis-scenario --example scenario` prints the figures.
//!
//! Kept out of the detection library: this crate is for tests, examples and
//! benchmarks only (`publish = false`).

mod attacks;
mod evaluate;
mod look_alikes;
mod population;

use std::net::IpAddr;

use serde::Serialize;

use portcullis_detection::Event;
use portcullis_detection::RuleId;

pub use evaluate::{KindRecall, Report, evaluate};

/// The injected attack kinds, one per rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AttackKind {
    FanOut,
    NewInfrastructure,
    ImpossibleTravel,
    PasswordSpray,
    DormantAccount,
    EscalationSequence,
    DeniedBurst,
    ThreatIntel,
    OffHours,
}

impl AttackKind {
    /// Every kind.
    pub const ALL: [AttackKind; 9] = [
        Self::FanOut,
        Self::NewInfrastructure,
        Self::ImpossibleTravel,
        Self::PasswordSpray,
        Self::DormantAccount,
        Self::EscalationSequence,
        Self::DeniedBurst,
        Self::ThreatIntel,
        Self::OffHours,
    ];

    /// The rule meant to catch it.
    pub fn rule(self) -> RuleId {
        match self {
            Self::FanOut => RuleId::FanOut,
            Self::NewInfrastructure => RuleId::NewInfrastructure,
            Self::ImpossibleTravel => RuleId::ImpossibleTravel,
            Self::PasswordSpray => RuleId::PasswordSpray,
            Self::DormantAccount => RuleId::DormantAccount,
            Self::EscalationSequence => RuleId::EscalationSequence,
            Self::DeniedBurst => RuleId::DeniedBurst,
            Self::ThreatIntel => RuleId::ThreatIntel,
            Self::OffHours => RuleId::OffHours,
        }
    }
}

/// Who an attack is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LabelSubject {
    User(String),
    Source(IpAddr),
}

/// One injected attack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub kind: AttackKind,
    pub subject: LabelSubject,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Size of the generated month.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioConfig {
    pub seed: u64,
    pub tenants: usize,
    pub users_per_tenant: usize,
    pub days: i64,
    /// Attacks injected per kind.
    pub attacks_per_kind: usize,
    /// Chance that an ordinary action is a benign `roles.assignments.create`
    /// (which the escalation rule flags when it follows a sign-in). Default
    /// 0.0005: about one user in six does one in a month.
    pub benign_escalation_rate: f64,
}

impl Default for ScenarioConfig {
    fn default() -> Self {
        Self {
            seed: 7,
            tenants: 20,
            users_per_tenant: 15,
            days: 30,
            attacks_per_kind: 5,
            benign_escalation_rate: 0.0005,
        }
    }
}

/// A generated month: events in time order, labels, and the intel the
/// threat-intel attacks use.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub events: Vec<Event>,
    pub labels: Vec<Label>,
    /// Partner users in the population.
    pub users: usize,
    pub days: i64,
    /// IPs the threat-intel attacks come from (the fake intel store).
    pub indicator_ips: Vec<IpAddr>,
}

/// Generates the month for `config`; the same seed gives the same month.
pub fn generate(config: &ScenarioConfig) -> Scenario {
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let mut world = population::World::new(&mut rng, config);
    let mut events = world.look_alikes(&mut rng);
    let injected = attacks::inject(&mut rng, &mut world, config);
    events.extend(injected.events);
    events.extend(world.ordinary_month(&mut rng));
    events.sort_by_key(|e| e.time_ms);
    for (n, e) in events.iter_mut().enumerate() {
        e.uid = Some(format!("ev-{n}"));
    }
    Scenario {
        events,
        labels: injected.labels,
        users: world.users.len(),
        days: config.days,
        indicator_ips: injected.indicator_ips,
    }
}
