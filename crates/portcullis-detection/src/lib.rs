//! The streaming detection engine (layer 2): OCSF partner activity in,
//! grouped OCSF Detection Findings out.
//!
//! Pure and deterministic: time comes from the events, never the wall clock.
//! Per-entity state (partner user, partner tenant, source IP) lives in bounded
//! maps that evict idle entities, and can be snapshotted and restored so that a
//! restart resumes without re-alerting.
//!
//! # Rules (defaults in [`Config`])
//!
//! | id | rule | severity | fires when (defaults) |
//! | --- | --- | --- | --- |
//! | `PCD-001` | tenant fan-out | High | customers new to the user in 1 h (½ when its partner serves them) ≥ 6, or distinct customers ≥ max(10, 3 × the learned window peak) at Low confidence |
//! | `PCD-002` | new infrastructure | Medium | successful sign-in from a country never seen for the user and < 2 % of its partner tenant's sign-ins, after 7 days and 5 sign-ins; a new ASN in a known country is a Low risk signal (a Low finding with `asn_only_finding`) |
//! | `PCD-003` | impossible travel | Medium | consecutive geolocated sign-ins > 900 km/h apart and ≥ 500 km, unless both on the same ASN |
//! | `PCD-004` | password spray | High | ≥ 10 distinct users failing from one IP (≥ 20 from one ASN) in 1 h, ≤ 3 attempts each on average |
//! | `PCD-005` | dormant account | Medium → High | first event after ≥ 45 days of silence; High if a privileged action follows within 24 h |
//! | `PCD-006` | escalation sequence | High | delegated sign-in to a customer, then within 1 h in that customer `applications.credentials.add`, `roles.assignments.create`, `relationships.create`, `federation.update`, `consents.grant`, `oauth2.permission_grants.create`, unless one of the user's habits (2+ uses) |
//! | `PCD-007` | denied burst | Medium | denied actions in a 10-min bucket ≥ max(15, 5 × EWMA(α 0.1) of earlier buckets) |
//! | `PCD-008` | threat-intel hit | High | source IP or `src_endpoint.domain` matches [`IntelLookup`] |
//! | `PCD-009` | off-hours privileged | Medium | privileged action ≥ 3 h (UTC hour of day) from any hour holding ≥ 2 % of the user's activity, after 60 events |
//! | `PCD-010` | combined risk | High | weak signals and Low-confidence hits (15, once per rule) and Medium findings (30) add to a per-user score halving every 24 h; ≥ 50 from two rules fires |
//! | `PCD-011` | accumulated novelty | High | over 7 days, 3 customers new to the user reached from networks new to it this week and not its partner's, on 2+ days (slow and low) |
//!
//! Every detection carries a confidence (0–1, [`ConfidenceLevel`]) and an
//! explanation with the baseline figures (`docs/detection.md`: baselines,
//! per-rule confidence, learning). Rules judge each event against per-user
//! and per-partner baselines before those learn from it; while a user is
//! learned only High confidence raises rules that read its baseline. The
//! service may pass an [`EventContext`] with [`Engine::process_in`].
//!
//! One finding is open per (rule, subject): further evidence returns it
//! again with `is_update`, raised severity, `last_seen` and evidence count,
//! until it has been quiet for 24 h.
//!
//! ```
//! use portcullis_detection::{Config, Engine, Event};
//! use portcullis_domain::ActivityEvent;
//! let mut engine = Engine::new(Config::default());
//! let line = r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"u1","org":{"uid":"p1"}}}"#;
//! let event = Event::try_from(&ActivityEvent::from_ocsf_line(line).unwrap()).unwrap();
//! assert!(engine.process(&event).is_empty());
//! ```

mod baseline;
mod confidence;
mod config;
mod context;
mod departures;
mod detection;
mod engine;
mod entity_map;
mod event;
mod intel;
mod novelty;
mod replay;
mod rules;
mod state;

pub use confidence::ConfidenceLevel;
pub use config::{
    Config, DeniedBurstConfig, DormantConfig, EscalationConfig, FanOutConfig, LearningConfig,
    NewInfraConfig, NoveltyConfig, OffHoursConfig, RiskConfig, SprayConfig, TravelConfig,
};
pub use context::{EventContext, PartnerStanding};
pub use detection::{Detection, DetectionSubject, Evidence, RuleId, Severity};
pub use engine::{Engine, State};
pub use event::{Event, EventClass, EventError, Status};
pub use intel::{IntelLookup, IntelMatch, NoIntel};
pub use replay::{DEFAULT_LATENESS_MS, Replay, ReplayCounts};
