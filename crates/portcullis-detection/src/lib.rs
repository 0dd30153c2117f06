//! The streaming detection engine (layer 2): OCSF partner activity in,
//! grouped OCSF Detection Findings out.
//!
//! Pure and deterministic: time comes from the events, never the wall clock.
//! Per-entity state (partner user, partner tenant, source IP) lives in bounded
//! maps that evict idle entities, and can be snapshotted and restored so that a
//! restart resumes without re-alerting.
//!
//! ```
//! use portcullis_detection::{Config, Engine, parse_line};
//! let mut engine = Engine::new(Config::default());
//! let event = parse_line(r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"u1","org":{"uid":"p1"}}}"#).unwrap();
//! assert!(engine.process(&event).is_empty());
//! ```

pub mod cli;
mod config;
mod engine;
mod entity_map;
mod event;
mod finding;
mod intel;
mod rules;
pub mod scenario;
mod state;

pub use config::{
    Config, DeniedBurstConfig, DormantConfig, EscalationConfig, FanOutConfig, NewInfraConfig,
    OffHoursConfig, RiskConfig, SprayConfig, TravelConfig,
};
pub use engine::{Engine, State};
pub use event::{Event, EventClass, EventError, Status, parse_line};
pub use finding::{Evidence, Finding, FindingSubject, RuleId, Severity};
pub use intel::{IntelLookup, IntelMatch, NoIntel};
