//! Thresholds of every rule, with their documented defaults. Every field has a
//! default, so a partial TOML/JSON table is a valid configuration.

use serde::{Deserialize, Serialize};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Engine configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Most partner users kept in state; the least recently seen are evicted
    /// beyond it. Default 1,000,000.
    pub max_users: usize,
    /// Most partner tenants kept. Default 100,000.
    pub max_tenants: usize,
    /// Most source IPs kept. Default 1,000,000.
    pub max_sources: usize,
    /// Entities idle longer than this are evicted (must exceed the dormancy
    /// gap). Default 90 days.
    pub idle_evict_ms: i64,
    /// An open finding with no new evidence for this long is closed; later
    /// evidence opens a new finding. Default 24 hours.
    pub finding_close_ms: i64,
    /// Evidence items kept per finding (the count keeps growing). Default 20.
    pub max_evidence: usize,
    /// Operations treated as privileged (dormant follow-up, off-hours).
    /// Default: the escalation operations plus `users.password.reset`,
    /// `mailboxes.export`, `policies.update`.
    pub privileged_operations: Vec<String>,
    pub learning: LearningConfig,
    pub fan_out: FanOutConfig,
    pub new_infra: NewInfraConfig,
    pub travel: TravelConfig,
    pub spray: SprayConfig,
    pub dormant: DormantConfig,
    pub escalation: EscalationConfig,
    pub denied_burst: DeniedBurstConfig,
    pub off_hours: OffHoursConfig,
    pub risk: RiskConfig,
    pub novelty: NoveltyConfig,
}

/// Baselines and the confidence a detection needs to be raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearningConfig {
    /// A user's baseline is being learned for this long after it is first
    /// seen. Default 7 days (a working week and a weekend).
    pub period_ms: i64,
    /// ... and until it has this many successful events. Default 30.
    pub min_events: u32,
    /// Confidence from which a detection is raised. Default 0.5 (Medium).
    pub min_confidence: f64,
    /// Confidence from which a detection of a rule that reads the baseline
    /// is raised while the baseline is being learned. Default 0.8 (High).
    pub min_confidence_learning: f64,
    /// A network carrying this share of a partner's sign-ins is the
    /// partner's own (as is one used by 3 or more of its users). Default 0.1.
    pub partner_network_share: f64,
}

/// `PCD-011` accumulated novelty (slow and low).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoveltyConfig {
    /// Sliding window, in whole days. Default 7 days.
    pub window_ms: i64,
    /// New customers reached from new, non-partner networks. Default 3.
    pub min_customers: u32,
    /// ... on at least this many distinct days. Default 2.
    pub min_days: u32,
}

/// `PCD-001` tenant fan-out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FanOutConfig {
    /// Sliding window. Default 1 hour.
    pub window_ms: i64,
    /// Distinct customers in the window never below which it fires. Default
    /// 10 (at Low confidence when they are all the user's usual customers).
    pub floor: u32,
    /// Customers new to the user in the window (weighted: ½ when the
    /// partner's staff serve them, 1 otherwise) from which it fires at
    /// Medium confidence, High at twice as many. Default 6.
    pub novel_floor: f64,
    /// Fires at `multiplier` × the user's usual window peak. Default 3.0.
    pub multiplier: f64,
    /// Per day, the learned peak decays by this factor before taking the
    /// day's peak. Default 0.95.
    pub peak_decay_per_day: f64,
}

/// `PCD-002` new infrastructure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewInfraConfig {
    /// Superseded by [`LearningConfig::period_ms`] (the engine-wide learning
    /// period); kept so that existing configuration files load. Default 7 days.
    pub learning_ms: i64,
    /// Sign-ins the user must have before a new country is judged. Default 5.
    pub min_sign_ins: u32,
    /// Rare for the tenant: below this share of its sign-ins. Default 0.02.
    pub rare_share: f64,
    /// Whether a new ASN in a known country is a finding (Low) or only a risk
    /// signal. Default false (a new office network is common).
    pub asn_only_finding: bool,
}

/// `PCD-003` impossible travel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TravelConfig {
    /// Fires above this speed. Default 900 km/h.
    pub max_speed_kmh: f64,
    /// Jumps shorter than this never fire (geo-IP noise). Default 500 km.
    pub min_distance_km: f64,
}

/// `PCD-004` password spray.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SprayConfig {
    /// Window. Default 1 hour.
    pub window_ms: i64,
    /// Distinct users failing from one IP. Default 10.
    pub min_users: u32,
    /// Distinct users failing from one ASN (0: off). Default 20.
    pub min_users_per_asn: u32,
    /// Average failures per user at most this (else it is brute force, not
    /// spray). Default 3.0.
    pub max_attempts_per_user: f64,
}

/// `PCD-005` dormant account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DormantConfig {
    /// Silence before activity counts as a return. Default 45 days.
    pub gap_ms: i64,
    /// A privileged action within this after the return raises the finding
    /// to High. Default 24 hours.
    pub follow_up_ms: i64,
}

/// `PCD-006` privilege-escalation sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationConfig {
    /// Window from delegated sign-in to the action. Default 1 hour.
    pub window_ms: i64,
    /// Persistence / escalation operations.
    pub operations: Vec<String>,
    /// Earlier uses after which an operation is one of the user's habits and
    /// no longer fires. Default 2.
    pub habitual_uses: u16,
    /// A user's first escalation operation is raised (Medium, 0.5) when the
    /// chance that the user is one of its partner's administrators not yet
    /// seen at work — from the partner's share of administrators and how
    /// often they act, learned, and the user's active days without one —
    /// is below this; each tenfold fall adds 0.15 (High at a hundredth).
    /// Default 0.05.
    pub admin_chance: f64,
    /// A partner's own administrators are weighed against every partner's
    /// as if every partner's were this many of its users (and, for how often
    /// they act, this many of its administrators). Default 10.
    pub partner_weight: f64,
    /// Superseded by `admin_chance`; kept so that existing configuration
    /// files load. Default 20.
    pub full_history_days: f64,
}

/// `PCD-007` denied burst.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeniedBurstConfig {
    /// Bucket length. Default 10 minutes.
    pub bucket_ms: i64,
    /// Denied decisions in a bucket never below which it fires. Default 15.
    pub floor: u32,
    /// Fires at `multiplier` × the EWMA of denied per bucket. Default 5.0.
    pub multiplier: f64,
    /// EWMA weight of each closed bucket. Default 0.1.
    pub alpha: f64,
}

/// `PCD-009` off-hours privileged activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OffHoursConfig {
    /// Events needed before the hours are learned. Default 60.
    pub min_events: u32,
    /// An hour (UTC) with at least this share of activity is a working hour.
    /// Default 0.02.
    pub working_hour_share: f64,
    /// Fires this many hours or more from the nearest working hour. Default 3.
    pub min_distance_hours: u32,
    /// ... and when the hours within 2 of it hold at most this share of the
    /// user's activity. Default 0.005 (1 event in 200).
    pub quiet_share: f64,
    /// Hours learned over less history than this count for less (−0.15):
    /// a weekly rota shows its other shift only in its second week, so an
    /// off-hours action then needs more (an operation new to the user, a
    /// network new to it) to be raised. Default 14 days.
    pub rota_ms: i64,
}

/// `PCD-010` combined risk: weak signals add points that decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskConfig {
    /// Points of a weak signal or of a hit below Medium confidence. Default 15.
    pub low_points: f64,
    /// Points of a raised Medium-severity finding. Default 30.
    pub medium_points: f64,
    /// Fires (High) at this score: two Mediums within ~14 hours. Default 50.
    pub threshold: f64,
    /// Half-life of the score. Default 24 hours.
    pub half_life_ms: i64,
}

impl Default for Config {
    fn default() -> Self {
        let escalation = EscalationConfig::default();
        let mut privileged = escalation.operations.clone();
        privileged.extend(
            [
                "users.password.reset",
                "mailboxes.export",
                "policies.update",
            ]
            .map(String::from),
        );
        Self {
            max_users: 1_000_000,
            max_tenants: 100_000,
            max_sources: 1_000_000,
            idle_evict_ms: 90 * DAY,
            finding_close_ms: DAY,
            max_evidence: 20,
            privileged_operations: privileged,
            learning: LearningConfig::default(),
            fan_out: FanOutConfig::default(),
            new_infra: NewInfraConfig::default(),
            travel: TravelConfig::default(),
            spray: SprayConfig::default(),
            dormant: DormantConfig::default(),
            escalation,
            denied_burst: DeniedBurstConfig::default(),
            off_hours: OffHoursConfig::default(),
            risk: RiskConfig::default(),
            novelty: NoveltyConfig::default(),
        }
    }
}

impl Default for LearningConfig {
    fn default() -> Self {
        Self {
            period_ms: 7 * DAY,
            min_events: 30,
            min_confidence: 0.5,
            min_confidence_learning: 0.8,
            partner_network_share: 0.1,
        }
    }
}

impl Default for NoveltyConfig {
    fn default() -> Self {
        Self {
            window_ms: 7 * DAY,
            min_customers: 3,
            min_days: 2,
        }
    }
}

impl Default for FanOutConfig {
    fn default() -> Self {
        Self {
            window_ms: HOUR,
            floor: 10,
            novel_floor: 6.0,
            multiplier: 3.0,
            peak_decay_per_day: 0.95,
        }
    }
}

impl Default for NewInfraConfig {
    fn default() -> Self {
        Self {
            learning_ms: 7 * DAY,
            min_sign_ins: 5,
            rare_share: 0.02,
            asn_only_finding: false,
        }
    }
}

impl Default for TravelConfig {
    fn default() -> Self {
        Self {
            max_speed_kmh: 900.0,
            min_distance_km: 500.0,
        }
    }
}

impl Default for SprayConfig {
    fn default() -> Self {
        Self {
            window_ms: HOUR,
            min_users: 10,
            min_users_per_asn: 20,
            max_attempts_per_user: 3.0,
        }
    }
}

impl Default for DormantConfig {
    fn default() -> Self {
        Self {
            gap_ms: 45 * DAY,
            follow_up_ms: DAY,
        }
    }
}

impl Default for EscalationConfig {
    fn default() -> Self {
        Self {
            window_ms: HOUR,
            operations: [
                "applications.credentials.add",
                "roles.assignments.create",
                "relationships.create",
                "federation.update",
                "consents.grant",
                "oauth2.permission_grants.create",
            ]
            .map(String::from)
            .to_vec(),
            habitual_uses: 2,
            admin_chance: 0.05,
            partner_weight: 10.0,
            full_history_days: 20.0,
        }
    }
}

impl Default for DeniedBurstConfig {
    fn default() -> Self {
        Self {
            bucket_ms: 10 * MINUTE,
            floor: 15,
            multiplier: 5.0,
            alpha: 0.1,
        }
    }
}

impl Default for OffHoursConfig {
    fn default() -> Self {
        Self {
            min_events: 60,
            working_hour_share: 0.02,
            min_distance_hours: 3,
            quiet_share: 0.005,
            rota_ms: 14 * DAY,
        }
    }
}

impl Default for RiskConfig {
    fn default() -> Self {
        Self {
            low_points: 15.0,
            medium_points: 30.0,
            threshold: 50.0,
            half_life_ms: DAY,
        }
    }
}
