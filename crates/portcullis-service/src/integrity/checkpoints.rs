//! Signing checkpoints of the audit chain every N records or S seconds,
//! appending them to the checkpoint log and, when configured, posting each
//! to a witness.

use std::sync::Mutex;
use std::time::Duration;

use portcullis_domain::{ChainHead, Checkpoint, CheckpointKey, CheckpointSigner};
use portcullis_store::CheckpointLog;

use crate::{Portcullis, ServiceError};

/// When checkpoints are signed and where else they go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointConfig {
    /// Sign once this many records were appended since the last checkpoint.
    pub every_records: i64,
    /// Sign once this many seconds passed since the last checkpoint, if
    /// any record was appended meanwhile.
    pub every_seconds: u64,
    /// Also POST each checkpoint (JSON) to this URL, for a witness.
    pub witness_url: Option<String>,
}

impl Default for CheckpointConfig {
    fn default() -> Self {
        Self {
            every_records: 1_000,
            every_seconds: 60,
            witness_url: None,
        }
    }
}

/// How long a witness may take to answer.
const WITNESS_TIMEOUT: Duration = Duration::from_secs(5);

/// The signing key, the log and the last checkpoint this process knows good.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    config: CheckpointConfig,
    signer: CheckpointSigner,
    /// Every public key of the key directory (keys used before a rotation too).
    pub(crate) public_keys: Vec<CheckpointKey>,
    pub(crate) log: CheckpointLog,
    /// The last checkpoint signed or checked; later records are checked
    /// against it before the next one is signed.
    pub(crate) last: Mutex<Option<Checkpoint>>,
    client: reqwest::Client,
}

/// What one run of the checkpoint worker did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckpointRound {
    /// The sequence number signed, if a checkpoint was signed.
    pub signed: Option<i64>,
}

impl Checkpointer {
    fn last(&self) -> Option<Checkpoint> {
        self.last.lock().ok().and_then(|last| last.clone())
    }

    pub(crate) fn set_last(&self, checkpoint: Option<Checkpoint>) {
        if let Ok(mut last) = self.last.lock() {
            *last = checkpoint;
        }
    }

    fn due(&self, head: &ChainHead, now: portcullis_domain::Timestamp) -> bool {
        let Some(last) = self.last() else {
            return true;
        };
        if head.seq == last.seq && head.hash == last.head_hash {
            return false;
        }
        let seconds = i64::try_from(self.config.every_seconds).unwrap_or(i64::MAX);
        head.seq - last.seq >= self.config.every_records.max(1)
            || now.unix_millis() - last.at.unix_millis() >= seconds.saturating_mul(1_000)
    }
}

impl Portcullis {
    /// Signs checkpoints with `signer` into `log` (and to the witness), as
    /// `config` says; `public_keys` verify the checkpoints already there.
    #[must_use]
    pub fn with_checkpoints(
        mut self,
        config: CheckpointConfig,
        signer: CheckpointSigner,
        public_keys: Vec<CheckpointKey>,
        log: CheckpointLog,
    ) -> Self {
        let client = reqwest::Client::builder()
            .timeout(WITNESS_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|err| {
                tracing::error!(%err, "witness client settings refused; using the defaults");
                reqwest::Client::new()
            });
        let mut public_keys = public_keys;
        public_keys.push(signer.public_key());
        self.checkpoints = Some(std::sync::Arc::new(Checkpointer {
            config,
            signer,
            public_keys,
            log,
            last: Mutex::new(None),
            client,
        }));
        self
    }

    /// One run of the checkpoint worker: signs the head when due.
    pub async fn checkpoint_round(&self) -> Result<CheckpointRound, ServiceError> {
        self.sign_checkpoint(false).await
    }

    /// Signs the head now if it moved since the last checkpoint (at
    /// shutdown, so that a restart finds the chain exactly where it was).
    pub async fn final_checkpoint(&self) -> Result<CheckpointRound, ServiceError> {
        self.sign_checkpoint(true).await
    }

    async fn sign_checkpoint(&self, force: bool) -> Result<CheckpointRound, ServiceError> {
        let Some(cp) = self.checkpoints.as_deref() else {
            return Ok(CheckpointRound::default());
        };
        let head = self.store.audit_head().await?;
        let now = self.clock.now();
        let moved = cp
            .last()
            .is_none_or(|last| last.seq != head.seq || last.head_hash != head.hash);
        if !(cp.due(&head, now) || force && moved) {
            return Ok(CheckpointRound::default());
        }
        // Never sign over a chain that no longer extends the last checkpoint.
        let head = match cp.last() {
            None => head,
            Some(last) => self
                .store
                .verify_audit_from(&last.head())
                .await?
                .map_err(|broken| {
                    ServiceError::Internal(format!(
                        "not signing a checkpoint: the chain no longer extends the checkpoint of \
                         sequence {} signed at {}: {broken}",
                        last.seq, last.at
                    ))
                })?,
        };
        let checkpoint = cp.signer.sign(&head, now);
        cp.log.append(&checkpoint)?;
        cp.set_last(Some(checkpoint.clone()));
        if let Some(url) = &cp.config.witness_url {
            witness(&cp.client, url, &checkpoint, &cp.signer.public_key()).await;
        }
        Ok(CheckpointRound {
            signed: Some(checkpoint.seq),
        })
    }
}

/// Posts a checkpoint to the witness; a failure is logged, never fatal (the
/// log file holds the checkpoint already).
async fn witness(
    client: &reqwest::Client,
    url: &str,
    checkpoint: &Checkpoint,
    key: &CheckpointKey,
) {
    let body = serde_json::json!({
        "checkpoint": checkpoint,
        "public_key": key.to_hex(),
    });
    match client.post(url).json(&body).send().await {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => {
            tracing::warn!(status = %response.status(), seq = checkpoint.seq, "the checkpoint witness refused a checkpoint");
        }
        Err(err) => {
            tracing::warn!(%err, seq = checkpoint.seq, "cannot reach the checkpoint witness");
        }
    }
}
