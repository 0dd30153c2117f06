//! What several nodes on one database coordinate through it.
//!
//! [`lease`]: exclusive, crash-released ownership of a named piece of work
//! (the background leader; later, detection partitions); [`settings`]:
//! configuration every node puts in force.

mod lease;
mod settings;

pub(crate) use lease::HeldKeys;
pub use lease::{Lease, LeaseKey};
pub use settings::SettingStore;
