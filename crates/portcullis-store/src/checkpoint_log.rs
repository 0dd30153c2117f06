//! The checkpoint log: signed checkpoints of the audit chain, one JSON
//! object a line, appended to a file outside the database (owner-only, and
//! synced to disk before the append returns).

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use portcullis_domain::Checkpoint;

use crate::StoreError;

/// A checkpoint log file.
#[derive(Debug, Clone)]
pub struct CheckpointLog {
    path: PathBuf,
}

fn log_error(path: &Path, what: impl std::fmt::Display) -> StoreError {
    StoreError::Config(format!("checkpoint log `{}`: {what}", path.display()))
}

impl CheckpointLog {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one checkpoint and syncs it to disk.
    pub fn append(&self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let line = serde_json::to_string(checkpoint).map_err(|e| log_error(&self.path, e))?;
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&self.path)
            .map_err(|e| log_error(&self.path, format!("cannot open it: {e}")))?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| log_error(&self.path, format!("cannot append to it: {e}")))
    }

    /// Every checkpoint, in the order written; none when there is no file yet.
    pub fn read(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(log_error(&self.path, format!("cannot read it: {err}"))),
        };
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| {
                serde_json::from_str(line)
                    .map_err(|e| log_error(&self.path, format!("line {}: {e}", n + 1)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::{ChainHead, CheckpointSigner, Timestamp};

    use super::*;

    #[test]
    fn checkpoints_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = CheckpointLog::new(dir.path().join("checkpoints.jsonl"));
        assert!(log.read().unwrap().is_empty());
        let signer = CheckpointSigner::from_seed(&[3; 32]);
        let first = signer.sign(&ChainHead::genesis(), Timestamp::from_unix_millis(1_234));
        let second = signer.sign(
            &ChainHead {
                seq: 9,
                hash: "ff".repeat(32),
            },
            Timestamp::from_unix_millis(5_678),
        );
        log.append(&first).unwrap();
        log.append(&second).unwrap();
        let read = log.read().unwrap();
        assert_eq!(read, vec![first, second.clone()]);
        assert!(signer.public_key().verifies(&read[1]));
        std::fs::write(log.path(), "{not json\n").unwrap();
        assert!(log.read().unwrap_err().to_string().contains("line 1"));
    }
}
