//! Portcullis use cases.
//!
//! [`Portcullis`] is what the interfaces call: each use case authorizes the
//! [`Caller`], validates what the store cannot, and makes the change through
//! the store, which records it in the audit chain in the same transaction.
//! The access rules of every use case live in [`access`].

pub mod access;
mod audit;
mod caller;
mod error;
mod groups;
mod tenants;
mod tokens;
mod users;

use std::sync::Arc;

use portcullis_domain::Clock;
use portcullis_store::Store;

pub use caller::Caller;
pub use error::ServiceError;
pub use tokens::{NewToken, TOKEN_PREFIX, hash_secret};

/// The application: a store and a clock.
#[derive(Debug, Clone)]
pub struct Portcullis {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl Portcullis {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
