//! At start, `serve` checks that the chain still extends the last signed
//! checkpoint, and refuses to serve on a mismatch unless told to accept it,
//! which is itself recorded in the chain.

use portcullis_domain::{AuditOperation, Checkpoint};

use crate::{Caller, Portcullis, ServiceError};

/// What the chain's tail looks like against the last checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailCheck {
    /// No checkpoint yet: a new key directory, or the first start after an
    /// upgrade (or checkpoints are not configured).
    NoCheckpoint,
    /// The chain extends the last checkpoint, up to `head`.
    Matches { checkpoint: i64, head: i64 },
    /// The chain does not extend the last checkpoint; why.
    Mismatch(String),
}

impl Portcullis {
    /// Compares the chain's tail with the last checkpoint of the log. On a
    /// match, the next checkpoint is signed only over records that extend it.
    pub async fn check_audit_tail(&self) -> Result<TailCheck, ServiceError> {
        let Some(cp) = self.checkpoints.as_deref() else {
            return Ok(TailCheck::NoCheckpoint);
        };
        let log = cp.log.read()?;
        let Some(last) = log.last() else {
            return Ok(TailCheck::NoCheckpoint);
        };
        if let Some(problem) = unverified(last, &cp.public_keys) {
            return Ok(TailCheck::Mismatch(format!(
                "the last checkpoint of `{}` {problem}",
                cp.log.path().display()
            )));
        }
        match self.store.verify_audit_from(&last.head()).await? {
            Ok(head) => {
                cp.set_last(Some(last.clone()));
                Ok(TailCheck::Matches {
                    checkpoint: last.seq,
                    head: head.seq,
                })
            }
            Err(broken) => Ok(TailCheck::Mismatch(format!(
                "the audit chain does not extend the checkpoint of sequence {} signed at {}: {broken}",
                last.seq, last.at
            ))),
        }
    }

    /// Records, as the local operator, that serving goes on despite
    /// `mismatch`; the next checkpoint is signed over the chain as it is.
    pub async fn accept_audit_mismatch(&self, mismatch: &str) -> Result<(), ServiceError> {
        let ctx = Caller::local_operator().audit(self.clock.now());
        self.store
            .append_audit_event(
                &ctx,
                AuditOperation::AuditMismatchAccepted,
                "audit_log",
                &serde_json::json!({ "mismatch": mismatch }),
            )
            .await?;
        if let Some(cp) = self.checkpoints.as_deref() {
            cp.set_last(None);
        }
        Ok(())
    }
}

/// Why `checkpoint` cannot be trusted, if it cannot.
fn unverified(
    checkpoint: &Checkpoint,
    keys: &[portcullis_domain::CheckpointKey],
) -> Option<String> {
    match keys.iter().find(|k| k.id() == checkpoint.key_id) {
        None => Some(format!(
            "is signed by key `{}`, which is not in the key directory",
            checkpoint.key_id
        )),
        Some(key) if !key.verifies(checkpoint) => {
            Some("does not verify (the checkpoint log was altered)".into())
        }
        Some(_) => None,
    }
}
