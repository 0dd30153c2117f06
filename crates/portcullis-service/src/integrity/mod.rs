//! Proof that holds against someone who can write the database: signed
//! checkpoints of the audit chain (`checkpoints.rs`), the check of the
//! chain's tail against the last one when `serve` starts (`tail.rs`), and
//! the full verification of the chain against the checkpoint log
//! (`verify.rs`).

mod checkpoints;
mod tail;
mod verify;

pub(crate) use checkpoints::Checkpointer;
pub use checkpoints::{CheckpointConfig, CheckpointRound};
pub use tail::TailCheck;
pub use verify::{AuditVerification, verify_audit_chain};
