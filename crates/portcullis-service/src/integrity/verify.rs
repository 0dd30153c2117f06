//! `portcullis audit verify`: the whole chain against every signed
//! checkpoint of the log.

use portcullis_domain::{AuditChainBreak, CheckpointAnchors, CheckpointKey, CheckpointLogError};
use portcullis_store::{AuditStore, CheckpointLog};

use crate::ServiceError;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every record links, and the chain passes through every checkpoint.
    Intact {
        records: i64,
        checkpoints: usize,
        /// The sequence number of the last checkpoint (records after it
        /// are not yet covered by a signature).
        last_checkpoint: Option<i64>,
    },
    /// A checkpoint of the log is unsigned, signed by an unknown key, or
    /// out of order.
    LogBroken(CheckpointLogError),
    /// The chain is broken or does not match the checkpoints.
    ChainBroken(AuditChainBreak),
}

/// Verifies the chain of `store` against the checkpoints of `log`, whose
/// signatures `keys` must verify.
pub async fn verify_audit_chain(
    store: &(dyn AuditStore + Sync),
    log: &CheckpointLog,
    keys: &[CheckpointKey],
) -> Result<AuditVerification, ServiceError> {
    let checkpoints = log.read()?;
    let anchors = match CheckpointAnchors::verify(&checkpoints, keys) {
        Ok(anchors) => anchors,
        Err(broken) => return Ok(AuditVerification::LogBroken(broken)),
    };
    let count = checkpoints.len();
    let last_checkpoint = anchors.last().map(|c| c.seq);
    Ok(match store.verify_audit_with(anchors).await? {
        Ok(records) => AuditVerification::Intact {
            records,
            checkpoints: count,
            last_checkpoint,
        },
        Err(broken) => AuditVerification::ChainBroken(broken),
    })
}
