//! Portcullis persistence.
//!
//! [`Store`] is the contract every backend fulfils; [`SqlStore`] fulfils it
//! on SQLite (the embedded default, one file) and on PostgreSQL (several
//! nodes), through sqlx's `Any` driver, with migrations kept per backend.
//! Every mutation runs in one transaction that also appends its record to
//! the audit hash chain.

mod access;
mod access_sql;
mod activations;
mod assignments;
mod audit;
mod authorization;
mod backend;
mod changes;
mod context;
mod error;
mod events;
mod findings;
mod groups;
mod intel;
mod mutation;
mod posture;
mod posture_sql;
mod relationships;
mod restrictions;
mod rows;
mod snapshot;
mod store;
mod tenants;
mod tokens;
mod users;
mod vetting;
mod vetting_sql;
mod watchlists;
mod webhooks;
mod webhooks_sql;

pub use access::{AccessChange, AccessStore};
pub use backend::{Backend, DEFAULT_DATABASE_URL, SqlStore};
pub use changes::{CHANNEL, ChangeListener};
pub use context::AuditContext;
pub use error::StoreError;
pub use events::EventStore;
pub use findings::FindingStore;
pub use intel::{IntelStore, StoredIndicator};
pub use posture::PostureStore;
pub use store::{AuditStore, GroupStore, Store, TenantStore, TokenStore, UserStore};
pub use vetting::{CaseUpdate, VettingStore};
pub use watchlists::{StoredEntity, WatchlistStore};
pub use webhooks::{AttemptOutcome, DueDelivery, WebhookStore};
