//! Least privilege: delegated admin relationships, the access assignments
//! made under them, just-in-time activations, and the decisions taken from
//! all of it.
//!
//! Decisions read the in-memory [`DecisionCache`]; the use cases update it
//! after each commit, `sync` applies commits made on other nodes, and the
//! sweep stores what time has already decided.

mod access_writes;
mod activation_views;
mod activations;
mod assignments;
mod bulk;
mod bulk_runs;
mod decision_cache;
mod decisions;
mod narrowing;
mod partner_vetting;
mod recommendations;
mod relationship_closing;
mod relationship_views;
mod relationships;
mod searches;
mod sweep;
mod sync;
mod templates;
pub(crate) mod tightening;
mod usage;
mod usage_report;

pub(crate) use access_writes::check_if_match;
pub use activations::{ActivationDecision, NewActivation};
pub use assignments::{AssignmentPatch, NewAssignment};
pub use bulk::BulkJob;
pub use bulk_runs::{ABANDONED_AFTER_MS, FINISHED_RUNS_KEPT_MS};
pub use decision_cache::DecisionCache;
pub use decisions::MAX_BATCH as MAX_DECISION_BATCH;
pub use recommendations::ELIGIBLE_MAX_ACTIVATION;
pub use relationship_views::LIFECYCLE_OPERATIONS;
pub use relationships::{NewRelationship, RelationshipPatch};
pub use searches::{MAX_SEARCH_PAGE, SearchQuery};
pub use sweep::SweepReport;
pub use templates::{NewTemplate, Progress};
pub use tightening::LeastPrivilegeConfig;
pub use usage::{MAX_REPORT_RELATIONSHIPS, UsageFlush, UsageQuery};
