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
mod held_out;
mod look_alikes;
mod ocsf;
mod ordinary;
mod population;

use std::net::IpAddr;

use serde::Serialize;

use portcullis_detection::Event;
use portcullis_detection::RuleId;

pub use evaluate::{KindRecall, Report, evaluate};
pub use held_out::held_out_months;
pub use ocsf::{ocsf, write_ndjson};

/// Midnight UTC of the generated month's first day (a Monday), in Unix
/// milliseconds: subtract it to move the month elsewhere in time (the
/// demo replays it as the last weeks).
pub const MONTH_START_MS: i64 = population::START;

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
    /// Over days, customers the user never touched, from infrastructure it
    /// never used, a few at a time.
    SlowAndLow,
}

impl AttackKind {
    /// Every kind.
    pub const ALL: [AttackKind; 10] = [
        Self::FanOut,
        Self::NewInfrastructure,
        Self::ImpossibleTravel,
        Self::PasswordSpray,
        Self::DormantAccount,
        Self::EscalationSequence,
        Self::DeniedBurst,
        Self::ThreatIntel,
        Self::OffHours,
        Self::SlowAndLow,
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
            Self::SlowAndLow => RuleId::AccumulatedNovelty,
        }
    }
}

/// Benign behaviour that resembles an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum LookAlikeKind {
    /// 8–15 usual customers within an hour.
    PatchSweep,
    /// Routine role assignments, app credentials, federation changes.
    Administrator,
    /// Working hours that are someone else's night.
    NightShift,
    /// Day and evening shifts in alternate weeks.
    FollowTheSun,
    /// Everything new, from the partner's office, within its customers.
    NewHire,
    /// A flight to another office of the partner, work from there.
    OfficeTravel,
    /// The whole partner switches to a new office network.
    PartnerMove,
    /// Back after two or three weeks away.
    HolidayReturn,
    /// A forbidden action retried a few times.
    ForbiddenRetry,
    /// A new home ISP in the user's own country.
    NewIsp,
}

/// One labelled benign look-alike: any finding about one of its users
/// within its span (an hour before to a day after) is a false alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookAlike {
    pub kind: LookAlikeKind,
    pub users: Vec<String>,
    pub start_ms: i64,
    pub end_ms: i64,
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
    /// Customer tenants each partner serves.
    pub customers_per_tenant: usize,
    pub days: i64,
    /// Attacks injected per kind.
    pub attacks_per_kind: usize,
    /// Chance that an ordinary action of anyone is a benign
    /// `roles.assignments.create` (administrators do theirs routinely
    /// anyway). Default 0.
    pub benign_escalation_rate: f64,
    /// Who does what in the population.
    pub mix: Mix,
}

/// The make-up of the population: shares of users that behave a given way
/// and counts of the rarer behaviours. The defaults are the months the
/// engine was developed on; a held-out month varies them
/// (`examples/held_out.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// Users whose working day starts at 21:00–23:00 local time.
    pub night_shift: f64,
    /// Users on day and evening shifts in alternate weeks.
    pub follow_the_sun: f64,
    /// Users who assign roles, add credentials, change federation routinely.
    pub admins: f64,
    /// Users who sweep their usual customers on patch days.
    pub patchers: f64,
    /// Users who start mid-month.
    pub new_hires: f64,
    /// Users who switch to a new home ISP mid-month.
    pub new_isp: f64,
    /// Users who fly to another office of their partner.
    pub travellers: usize,
    /// Users back from two or three weeks away.
    pub holidays: usize,
    /// Partners whose staff move to a new office network together.
    pub partner_moves: usize,
    /// Partners whose staff move to a new home ISP together (a new
    /// consumer network that several of its users start using the same day).
    pub partner_isp_moves: usize,
}

impl Default for Mix {
    fn default() -> Self {
        Self {
            night_shift: 0.08,
            follow_the_sun: 0.05,
            admins: 0.12,
            patchers: 0.35,
            new_hires: 0.04,
            new_isp: 0.1,
            travellers: 5,
            holidays: 5,
            partner_moves: 2,
            partner_isp_moves: 0,
        }
    }
}

impl ScenarioConfig {
    /// The size of the month the engine is judged on: 40 partner tenants,
    /// 400 users, 3,000 customers, 60 days (about 217,000 events).
    pub fn full_month(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// The same month with nothing attacking.
    pub fn quiet(self) -> Self {
        Self {
            attacks_per_kind: 0,
            ..self
        }
    }
}

impl Default for ScenarioConfig {
    fn default() -> Self {
        Self {
            seed: 7,
            tenants: 40,
            users_per_tenant: 10,
            customers_per_tenant: 75,
            days: 60,
            attacks_per_kind: 4,
            benign_escalation_rate: 0.0,
            mix: Mix::default(),
        }
    }
}

/// A generated month: events in time order, labels, and the intel the
/// threat-intel attacks use.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub events: Vec<Event>,
    pub labels: Vec<Label>,
    /// Labelled benign look-alikes.
    pub look_alikes: Vec<LookAlike>,
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
    let (mut events, look_alikes) = world.look_alikes(&mut rng);
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
        look_alikes,
        users: world.users.len(),
        days: config.days,
        indicator_ips: injected.indicator_ips,
    }
}
