//! The tamper-evident audit log: records chained by SHA-256.
//!
//! Each record's hash covers its own canonical form and its predecessor's
//! hash, so altering, removing or reordering any record breaks the chain at
//! that point. The chain head (last sequence number and hash) is kept apart,
//! so that cutting records off the end is detected too.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{AuditOperation, CheckpointAnchors, PrincipalKind, TenantId, Timestamp};

/// The predecessor hash of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a mutation hands to the store to be recorded with it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    pub at: Timestamp,
    /// How the principal is named (`operator token:<id>`).
    pub actor: String,
    pub actor_kind: PrincipalKind,
    /// The tenant the change concerns, when there is one.
    pub tenant_id: Option<TenantId>,
    pub operation: AuditOperation,
    /// The id of the changed record.
    pub target_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
}

/// A stored audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub actor_kind: String,
    pub tenant_id: Option<String>,
    pub operation: String,
    pub target_id: String,
    /// The record before the change, as canonical JSON text.
    pub before: Option<String>,
    /// The record after the change, as canonical JSON text.
    pub after: Option<String>,
    pub source_ip: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// Seals a draft as record `seq` after the record whose hash is `prev_hash`.
    pub fn seal(draft: AuditDraft, seq: i64, prev_hash: &str) -> Self {
        let mut record = Self {
            seq,
            at: draft.at,
            actor: draft.actor,
            actor_kind: draft.actor_kind.as_str().to_owned(),
            tenant_id: draft.tenant_id.map(|t| t.to_string()),
            operation: draft.operation.as_str().to_owned(),
            target_id: draft.target_id,
            before: draft.before.map(|v| v.to_string()),
            after: draft.after.map(|v| v.to_string()),
            source_ip: draft.source_ip,
            request_id: draft.request_id,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        record.hash = record.compute_hash();
        record
    }

    /// The recorded operation, or `None` for a name this version does not
    /// know (written by a newer node, or by hand).
    pub fn known_operation(&self) -> Option<AuditOperation> {
        AuditOperation::from_name(&self.operation)
    }

    /// SHA-256 (lowercase hex) of the canonical form: a JSON array of every
    /// field but the hash itself, in a fixed order.
    pub fn compute_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at.unix_millis(),
            self.actor,
            self.actor_kind,
            self.tenant_id,
            self.operation,
            self.target_id,
            self.before,
            self.after,
            self.source_ip,
            self.request_id,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The last record of the chain, kept apart from the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChainBreak {
    /// The first sequence number that does not verify.
    pub seq: i64,
    pub reason: String,
}

impl fmt::Display for AuditChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "audit chain broken at sequence {}: {}",
            self.seq, self.reason
        )
    }
}

/// Walks records in sequence order, one at a time, so a long chain is
/// verified in bounded memory; with checkpoint anchors, also checks that
/// the chain passes through every signed head.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last: ChainHead,
    anchors: CheckpointAnchors,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last: ChainHead::genesis(),
            anchors: CheckpointAnchors::default(),
        }
    }
}

impl ChainVerifier {
    /// A walk from the first record that must meet every one of `anchors`.
    pub fn with_anchors(anchors: CheckpointAnchors) -> Self {
        Self {
            last: ChainHead::genesis(),
            anchors,
        }
    }

    /// A walk that continues after `from`, a record already checked.
    pub fn resume(from: ChainHead) -> Self {
        Self {
            last: from,
            anchors: CheckpointAnchors::default(),
        }
    }

    pub fn check(&mut self, record: &AuditRecord) -> Result<(), AuditChainBreak> {
        let expected = self.last.seq + 1;
        if record.seq != expected {
            return Err(AuditChainBreak {
                seq: expected,
                reason: format!(
                    "record {expected} is missing (next present is {})",
                    record.seq
                ),
            });
        }
        if record.prev_hash != self.last.hash {
            return Err(AuditChainBreak {
                seq: record.seq,
                reason: "its predecessor hash does not match the previous record (removed or reordered records)".into(),
            });
        }
        if record.compute_hash() != record.hash {
            return Err(AuditChainBreak {
                seq: record.seq,
                reason: "its content does not match its hash (the record was altered)".into(),
            });
        }
        if let Some(signed) = self.anchors.at(record.seq)
            && signed.head_hash != record.hash
        {
            return Err(AuditChainBreak {
                seq: record.seq,
                reason: format!(
                    "its hash differs from the checkpoint signed at {} (the chain was rewritten up to here)",
                    signed.at
                ),
            });
        }
        self.last = ChainHead {
            seq: record.seq,
            hash: record.hash.clone(),
        };
        Ok(())
    }

    /// Compares the end of the walk with the stored head; returns how many
    /// records verified.
    pub fn finish(self, head: &ChainHead) -> Result<i64, AuditChainBreak> {
        use std::cmp::Ordering;
        let (seq, reason) = match head.seq.cmp(&self.last.seq) {
            Ordering::Greater => (
                self.last.seq + 1,
                format!(
                    "the head records {} records but the chain ends at {} (records removed from the end)",
                    head.seq, self.last.seq
                ),
            ),
            Ordering::Less => (
                head.seq + 1,
                format!(
                    "the chain runs to {} but the head records {} (records appended behind the head's back)",
                    self.last.seq, head.seq
                ),
            ),
            Ordering::Equal if head.hash != self.last.hash => (
                self.last.seq,
                "the last record's hash differs from the head's (the last record or the head was altered)"
                    .to_owned(),
            ),
            Ordering::Equal => match self.anchors.last() {
                Some(signed) if signed.seq > self.last.seq => (
                    self.last.seq + 1,
                    format!(
                        "the chain ends at {} but a checkpoint signed at {} covers {} records \
                         (records removed from the end, or the log wiped)",
                        self.last.seq, signed.at, signed.seq
                    ),
                ),
                _ => return Ok(self.last.seq),
            },
        };
        Err(AuditChainBreak { seq, reason })
    }
}

/// Verifies a whole chain held in memory (tests and small logs).
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head: &ChainHead,
) -> Result<i64, AuditChainBreak> {
    let mut verifier = ChainVerifier::default();
    for record in records {
        verifier.check(record)?;
    }
    verifier.finish(head)
}

/// Filters of the audit log; every one is optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub tenant_id: Option<TenantId>,
    pub operation: Option<String>,
    /// Inclusive lower bound.
    pub since: Option<Timestamp>,
    /// Exclusive upper bound.
    pub until: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(n: i64) -> AuditDraft {
        AuditDraft {
            at: Timestamp::from_unix_millis(1_700_000_000_000 + n),
            actor: "operator cli".into(),
            actor_kind: PrincipalKind::Operator,
            tenant_id: None,
            operation: AuditOperation::TenantCreate,
            target_id: format!("t{n}"),
            before: None,
            after: Some(serde_json::json!({"n": n, "name": "Contoso"})),
            source_ip: Some("127.0.0.1".into()),
            request_id: Some(format!("req-{n}")),
        }
    }

    fn chain(len: i64) -> (Vec<AuditRecord>, ChainHead) {
        let mut head = ChainHead::genesis();
        let mut records = Vec::new();
        for n in 1..=len {
            let r = AuditRecord::seal(draft(n), n, &head.hash);
            head = ChainHead {
                seq: n,
                hash: r.hash.clone(),
            };
            records.push(r);
        }
        (records, head)
    }

    #[test]
    fn intact_chain_verifies() {
        let (records, head) = chain(5);
        assert_eq!(verify_chain(&records, &head), Ok(5));
        assert_eq!(verify_chain(&[], &ChainHead::genesis()), Ok(0));
    }

    #[test]
    fn altered_field_is_found_at_its_seq() {
        let (mut records, head) = chain(5);
        records[2].actor = "someone else".into();
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 3);
    }

    #[test]
    fn removed_record_is_found() {
        let (mut records, head) = chain(5);
        records.remove(1);
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn removed_tail_is_found_through_the_head() {
        let (mut records, head) = chain(5);
        records.pop();
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 5);
    }

    #[test]
    fn rehashed_last_record_is_found_at_its_seq() {
        let (mut records, head) = chain(5);
        records[4].actor = "mallory".into();
        records[4].hash = records[4].compute_hash();
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 5);
    }

    #[test]
    fn record_appended_beyond_the_head_is_found() {
        let (mut records, head) = chain(5);
        let (longer, _) = chain(6);
        records.push(longer[5].clone());
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 6);
    }

    #[test]
    fn swapped_contents_are_found() {
        let (mut records, head) = chain(5);
        let (a, b) = (records[1].clone(), records[3].clone());
        records[1] = AuditRecord { seq: 2, ..b };
        records[3] = AuditRecord { seq: 4, ..a };
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn rehashed_alteration_still_breaks_the_successor() {
        let (mut records, head) = chain(5);
        records[1].operation = "tenant.delete".into();
        records[1].hash = records[1].compute_hash();
        assert_eq!(verify_chain(&records, &head).unwrap_err().seq, 3);
    }

    /// Recomputes every link after an edit: the chain alone verifies again.
    fn resealed(records: &[AuditRecord]) -> (Vec<AuditRecord>, ChainHead) {
        let mut head = ChainHead::genesis();
        let mut out = Vec::new();
        for (n, r) in records.iter().enumerate() {
            let mut r = r.clone();
            r.seq = i64::try_from(n).unwrap() + 1;
            r.prev_hash = head.hash.clone();
            r.hash = r.compute_hash();
            head = ChainHead {
                seq: r.seq,
                hash: r.hash.clone(),
            };
            out.push(r);
        }
        (out, head)
    }

    fn anchored(
        records: &[AuditRecord],
        head: &ChainHead,
        anchors: &CheckpointAnchors,
    ) -> Result<i64, AuditChainBreak> {
        let mut verifier = ChainVerifier::with_anchors(anchors.clone());
        for r in records {
            verifier.check(r)?;
        }
        verifier.finish(head)
    }

    #[test]
    fn checkpoints_catch_a_rehashed_chain_and_a_moved_head() {
        let signer = crate::CheckpointSigner::from_seed(&[9; 32]);
        let (records, head) = chain(5);
        let at = Timestamp::from_unix_millis(1);
        let checkpoint = signer.sign(
            &ChainHead {
                seq: 3,
                hash: records[2].hash.clone(),
            },
            at,
        );
        let anchors = CheckpointAnchors::verify(&[checkpoint], &[signer.public_key()]).unwrap();
        assert_eq!(anchored(&records, &head, &anchors), Ok(5));

        let mut edited = records.clone();
        edited[1].actor = "mallory".into();
        let (edited, edited_head) = resealed(&edited);
        assert_eq!(
            verify_chain(&edited, &edited_head),
            Ok(5),
            "consistent alone"
        );
        assert_eq!(
            anchored(&edited, &edited_head, &anchors).unwrap_err().seq,
            3
        );

        let (cut, cut_head) = resealed(&records[..2]);
        assert_eq!(anchored(&cut, &cut_head, &anchors).unwrap_err().seq, 3);
        assert_eq!(
            anchored(&[], &ChainHead::genesis(), &anchors)
                .unwrap_err()
                .seq,
            1,
            "a wiped log"
        );
    }
}
