//! Activity and findings: the activity stream (each decision's own event,
//! and OCSF batches sent by the platform), streaming detection over it,
//! and the findings and containments detection leads to.

mod coalesce;
mod decision_document;
mod detection;
mod event_context;
pub(crate) mod events;
mod finding_answers;
mod findings;
mod ingest;
mod partitions;
mod policy;
mod tuning;

pub use decision_document::decision_event;
pub(crate) use detection::DetectionRuntime;
pub use detection::{DEFAULT_PARTITIONS, DetectionConfig, DetectionCounts, DetectionRound};
pub use events::DecisionRecords;
pub use ingest::{EventTimeBounds, IngestReport, LineRejection, MAX_BATCH_EVENTS};
pub use partitions::{ActivityPublisher, PartitionDetector, partition_of};
pub use policy::ContainmentRule;
pub use tuning::DetectionSettings;
