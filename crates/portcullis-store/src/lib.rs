//! Portcullis persistence.
//!
//! [`Store`] is the contract every backend fulfils; [`SqlStore`] fulfils it
//! on SQLite (the embedded default, one file) and on PostgreSQL (several
//! nodes), through sqlx's `Any` driver, with migrations kept per backend.
//! Every mutation runs in one transaction that also appends its record to
//! the audit hash chain.
//!
//! One module per kind of data, each holding its trait and the `SqlStore`
//! implementation (a folder with `mod.rs` and `sql.rs` where one file would
//! be too long; `access/` has a module per kind of least-privilege record).
//! The records themselves are domain types (`portcullis_domain`); the
//! infrastructure is [`SqlStore`] (`backend`), the audited `mutation`
//! transaction, row reading (`rows`) and keyset paging (`paging`).

mod access;
mod access_reviews;
mod audit;
mod backend;
mod bulk_runs;
mod changes;
mod checkpoint_log;
mod cluster;
mod conditions;
mod containments;
mod context;
mod counts;
mod detection_partitions;
mod detection_state;
mod error;
mod events;
mod finding_responses;
mod findings;
mod groups;
mod intel;
mod keys;
mod mutation;
mod paging;
mod partition_locks;
mod posture;
mod rows;
mod scores;
mod sessions;
mod sign_in_links;
mod store;
mod templates;
mod tenants;
mod tokens;
mod usage;
mod users;
mod vetting;
mod watchlists;
mod webhooks;

pub use access::{AccessChange, AccessStore};
pub use access_reviews::AccessReviewStore;
pub use audit::AuditStore;
pub use backend::{Backend, DEFAULT_DATABASE_URL, SqlStore, sqlite_file};
pub use bulk_runs::{BulkRunStore, MAX_LISTED_RUNS};
pub use changes::{CHANNEL, ChangeListener};
pub use checkpoint_log::CheckpointLog;
pub use cluster::{Lease, LeaseKey, SettingStore};
pub use containments::ContainmentStore;
pub use context::{Announcement, AuditContext};
pub use counts::CountStore;
pub use detection_partitions::{DetectionPartitionStore, PartitionProgress, PartitionSnapshot};
pub use detection_state::DetectionStateStore;
pub use error::StoreError;
pub use events::EventStore;
pub use finding_responses::{FindingAnswer, FindingResponseStore, MAX_MEASURED_FINDINGS};
pub use findings::FindingStore;
pub use groups::GroupStore;
pub use intel::{IntelStore, StoredIndicator};
pub use keys::{
    CHECKPOINT_LOG_FILE, KeyDir, Keys, SIGNING_KEY_FILE, TOKEN_KEY_FILE, TokenKey, default_key_dir,
};
pub use partition_locks::PartitionLocks;
pub use posture::PostureStore;
pub use scores::{MAX_SCORE_DAYS, ScoreStore};
pub use sessions::SessionStore;
pub use sign_in_links::{LinkPrincipal, SignInLinkStore};
pub use store::Store;
pub use templates::{MAX_TEMPLATES_PER_PARTNER, TemplateStore};
pub use tenants::TenantStore;
pub use tokens::TokenStore;
pub use usage::UsageStore;
pub use users::UserStore;
pub use vetting::{CaseUpdate, VettingStore};
pub use watchlists::{StoredEntity, WatchlistStore};
pub use webhooks::{AttemptOutcome, DueDelivery, WebhookStore};
