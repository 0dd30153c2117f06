//! Tenant security posture: a partner's Entra ID configuration snapshot
//! (CISA ScubaGear's export plus Portcullis' partner-program fields) judged
//! against a versioned baseline of Rego requirements, evaluated in-process
//! with `regorus`.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use portcullis_posture::{Baseline, PostureConfig, Snapshot, evaluate};
//! let baseline = Baseline::default_partner()?;
//! let snapshot = Snapshot::parse(&std::fs::read("export.json")?)?;
//! let now = time::macros::datetime!(2026-11-25 00:00 UTC);
//! let report = evaluate(&baseline, &snapshot, now, &PostureConfig::default());
//! println!("{}", serde_json::to_string_pretty(&report)?);
//! # Ok(()) }
//! ```

mod baseline;
mod baseline_set;
mod error;
mod evaluate;
mod freshness;
mod report;
mod requirement;
mod snapshot;
mod state;
mod version;

pub use baseline::{Baseline, read_sources};
pub use baseline_set::BaselineSet;
pub use error::{BaselineError, SnapshotError};
pub use evaluate::{PostureConfig, evaluate};
pub use freshness::FRESHNESS_ID;
pub use report::{Report, RequirementResult, Status};
pub use requirement::{Criticality, Requirement};
pub use snapshot::{PARTNER_PROGRAM, Snapshot};
pub use state::{PostureState, posture_state};
pub use version::BaselineVersion;
