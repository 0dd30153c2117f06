//! Partner vetting: applications and the case each becomes.

mod application;
mod case;
mod record;

pub use application::{Address, Application, MAX_OFFICERS, Officer};
pub use case::{
    CaseId, CaseState, CaseTransition, ReviewDecision, ReviewOutcome, RiskLevel, VettingCase,
};
pub use record::{CaseFilter, CheckRecord, DomainChallenge, ScreeningOutcome, VettingConcern};
