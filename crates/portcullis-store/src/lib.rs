//! Portcullis persistence.
//!
//! [`Store`] is the contract every backend fulfils; [`SqlStore`] fulfils it
//! on SQLite (the embedded default, one file) and on PostgreSQL (several
//! nodes), through sqlx's `Any` driver, with migrations kept per backend.
//! Every mutation runs in one transaction that also appends its record to
//! the audit hash chain.

mod audit;
mod backend;
mod context;
mod error;
mod groups;
mod mutation;
mod rows;
mod store;
mod tenants;
mod tokens;
mod users;

pub use backend::{Backend, DEFAULT_DATABASE_URL, SqlStore};
pub use context::AuditContext;
pub use error::StoreError;
pub use store::{
    AuditFilter, AuditStore, GroupPatch, GroupStore, NewGroup, NewTenant, NewUser, Store,
    TenantPatch, TenantStore, TokenStore, UserPatch, UserStore,
};
