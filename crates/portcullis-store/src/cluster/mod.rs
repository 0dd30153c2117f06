//! What several nodes on one database coordinate through it.
//!
//! [`advisory`]: the one locking primitive, PostgreSQL session advisory
//! locks on a connection of their own; [`lease`]: exclusive, crash-released
//! ownership of a named piece of work (the background leader) built on it,
//! as are the detection group's partition locks
//! ([`crate::PartitionLocks`]); [`settings`]: configuration every node puts
//! in force.

mod advisory;
mod lease;
mod settings;

pub(crate) use advisory::{LockSession, SessionKind};
pub(crate) use lease::HeldKeys;
pub use lease::{Lease, LeaseKey};
pub use settings::SettingStore;
