//! The key directory: the secrets that must not live in the database.
//!
//! `audit-signing.key` (the Ed25519 key that signs audit checkpoints) and
//! `token-hmac.key` (the HMAC key of token, session and sign-in link
//! hashes), each 32 random bytes in hex; `audit-signing-<key id>.pub`, the
//! public half of every signing key used so far; by default also the
//! checkpoint log. The directory is owner-only (0700) and every file in it
//! 0600; a key file readable by anyone else is refused.
//!
//! By default the directory sits beside the SQLite file
//! (`./portcullis.db` → `./portcullis.db.keys/`); on PostgreSQL it is
//! `./<database name>.keys/` in the working directory.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use portcullis_domain::{CheckpointKey, CheckpointSigner};

use crate::{CheckpointLog, StoreError, sqlite_file};

/// The Ed25519 secret key that signs checkpoints.
pub const SIGNING_KEY_FILE: &str = "audit-signing.key";
/// The HMAC-SHA256 key of stored token hashes.
pub const TOKEN_KEY_FILE: &str = "token-hmac.key";
/// The checkpoint log, when no other place is configured.
pub const CHECKPOINT_LOG_FILE: &str = "checkpoints.jsonl";
const PUBLIC_PREFIX: &str = "audit-signing-";
const PUBLIC_SUFFIX: &str = ".pub";

/// The key directory that goes with `database_url` when none is configured.
pub fn default_key_dir(database_url: &str) -> PathBuf {
    if let Some(file) = sqlite_file(database_url) {
        let mut dir = file.into_os_string();
        dir.push(".keys");
        return PathBuf::from(dir);
    }
    let name = database_url
        .split_once("://")
        .and_then(|(_, rest)| rest.split('?').next())
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(_, name)| name)
        .filter(|name| !name.is_empty() && !name.contains(['/', '\\', '.']))
        .unwrap_or("portcullis");
    PathBuf::from(format!("{name}.keys"))
}

/// The key of the keyed hashes of token, session and sign-in link secrets.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(…)")
    }
}

/// The secrets of a key directory.
#[derive(Debug)]
pub struct Keys {
    pub signer: CheckpointSigner,
    pub token_key: TokenKey,
}

/// A key directory on disk.
#[derive(Debug, Clone)]
pub struct KeyDir {
    path: PathBuf,
}

fn keys_error(path: &Path, what: impl fmt::Display) -> StoreError {
    StoreError::Config(format!("key directory `{}`: {what}", path.display()))
}

impl KeyDir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The checkpoint log kept in this directory.
    pub fn checkpoint_log(&self) -> CheckpointLog {
        CheckpointLog::new(self.path.join(CHECKPOINT_LOG_FILE))
    }

    /// Reads the keys, creating the directory and any missing key (`serve`,
    /// `migrate`, and the commands that mint secrets).
    pub fn open_or_create(&self) -> Result<Keys, StoreError> {
        if !self.path.exists() {
            create_private_dir(&self.path)?;
            tracing::warn!(path = %self.path.display(), "created a new key directory; back it up with the database");
        }
        for name in [SIGNING_KEY_FILE, TOKEN_KEY_FILE] {
            let file = self.path.join(name);
            if !file.exists() {
                let mut bytes = [0_u8; 32];
                getrandom::fill(&mut bytes)
                    .map_err(|e| keys_error(&self.path, format!("no randomness: {e}")))?;
                write_private(&file, &hex::encode(bytes))?;
            }
        }
        let keys = self.open()?;
        let public = self.public_file(keys.signer.id());
        if !public.exists() {
            write_private(&public, &keys.signer.public_key().to_hex())?;
        }
        Ok(keys)
    }

    /// Reads the keys of an existing directory.
    pub fn open(&self) -> Result<Keys, StoreError> {
        self.check_dir()?;
        Ok(Keys {
            signer: CheckpointSigner::from_seed(&self.read_secret(SIGNING_KEY_FILE)?),
            token_key: TokenKey(self.read_secret(TOKEN_KEY_FILE)?),
        })
    }

    /// Every public key that verifies checkpoints: the `*.pub` files (keys
    /// used before a rotation included) and that of the signing key, if present.
    pub fn public_keys(&self) -> Result<Vec<CheckpointKey>, StoreError> {
        self.check_dir()?;
        let mut keys = Vec::new();
        let entries = fs::read_dir(&self.path).map_err(|e| keys_error(&self.path, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| keys_error(&self.path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(PUBLIC_PREFIX) && name.ends_with(PUBLIC_SUFFIX) {
                let text =
                    fs::read_to_string(entry.path()).map_err(|e| keys_error(&self.path, e))?;
                let key = CheckpointKey::from_hex(&text)
                    .map_err(|e| keys_error(&self.path, format!("`{name}`: {e}")))?;
                keys.push(key);
            }
        }
        if self.path.join(SIGNING_KEY_FILE).exists() {
            let signer = CheckpointSigner::from_seed(&self.read_secret(SIGNING_KEY_FILE)?);
            keys.push(signer.public_key());
        }
        Ok(keys)
    }

    fn public_file(&self, id: &str) -> PathBuf {
        self.path
            .join(format!("{PUBLIC_PREFIX}{id}{PUBLIC_SUFFIX}"))
    }

    fn check_dir(&self) -> Result<(), StoreError> {
        if !self.path.is_dir() {
            return Err(keys_error(
                &self.path,
                "does not exist; `portcullis serve` or `portcullis migrate` creates it, or pass --key-dir",
            ));
        }
        owner_only(&self.path, 0o700)
    }

    fn read_secret(&self, name: &str) -> Result<[u8; 32], StoreError> {
        let file = self.path.join(name);
        owner_only(&file, 0o600)?;
        let text = fs::read_to_string(&file)
            .map_err(|e| keys_error(&self.path, format!("cannot read `{name}`: {e}")))?;
        hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| keys_error(&self.path, format!("`{name}` is not 32 bytes in hex")))
    }
}

fn create_private_dir(path: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .map_err(|e| keys_error(path, format!("cannot create it: {e}")))
}

/// Creates `path` (which must not exist) readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), StoreError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| keys_error(path, format!("cannot create it: {e}")))?;
    file.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| keys_error(path, format!("cannot write it: {e}")))
}

/// Refuses a key file or directory that others than its owner may read.
#[cfg(unix)]
fn owner_only(path: &Path, wanted: u32) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = fs::metadata(path)
        .map_err(|e| keys_error(path, e))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(keys_error(
            path,
            format!(
                "is open to other users (mode {mode:04o}); run `chmod {wanted:o} {}`",
                path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &Path, _wanted: u32) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_directory_follows_the_database() {
        assert_eq!(
            default_key_dir("./portcullis.db"),
            PathBuf::from("./portcullis.db.keys")
        );
        assert_eq!(
            default_key_dir("sqlite:///var/lib/p/p.db?mode=rwc"),
            PathBuf::from("portcullis.keys")
        );
        assert_eq!(
            default_key_dir("sqlite:///var/lib/p/p.db"),
            PathBuf::from("/var/lib/p/p.db.keys")
        );
        assert_eq!(
            default_key_dir("postgres://app:pw@db:5432/partners?sslmode=require"),
            PathBuf::from("partners.keys")
        );
        assert_eq!(
            default_key_dir("postgres://db/"),
            PathBuf::from("portcullis.keys")
        );
    }
}
