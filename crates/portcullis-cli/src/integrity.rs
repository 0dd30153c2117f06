//! The key directory and the audit checkpoints, as `serve`, `migrate`,
//! `token` and `audit verify` use them: all find the same key directory
//! and checkpoint log from the same settings.

use std::process::ExitCode;

use anyhow::Context as _;
use portcullis_service::{AuditVerification, Portcullis, TailCheck, verify_audit_chain};
use portcullis_store::{Keys, SqlStore};

use crate::config::Config;

/// The keys of the configured directory, creating what is missing.
pub fn keys(config: &Config) -> anyhow::Result<Keys> {
    Ok(config.key_dir().open_or_create()?)
}

/// `serve`'s service with its keys: token hashes keyed, checkpoints signed.
pub fn armed(portcullis: Portcullis, config: &Config) -> anyhow::Result<Portcullis> {
    let dir = config.key_dir();
    let keys = dir.open_or_create()?;
    let public = dir.public_keys()?;
    Ok(portcullis.with_token_key(keys.token_key).with_checkpoints(
        config.checkpoints.clone(),
        keys.signer,
        public,
        config.checkpoint_log(),
    ))
}

/// Before serving: the chain must extend the last checkpoint, unless
/// `accept_mismatch`, which is then recorded in the chain. Warns about
/// tokens whose hash is unkeyed.
pub async fn check_at_start(portcullis: &Portcullis, accept_mismatch: bool) -> anyhow::Result<()> {
    match portcullis.check_audit_tail().await? {
        TailCheck::NoCheckpoint => {
            tracing::info!("no audit checkpoint yet; the first is signed now");
        }
        TailCheck::Matches { checkpoint, head } => {
            tracing::info!(
                checkpoint,
                head,
                "the audit chain extends its last signed checkpoint"
            );
        }
        TailCheck::Mismatch(problem) if accept_mismatch => {
            tracing::error!(
                "{problem}; serving anyway (--accept-audit-mismatch), and recording that in the audit log"
            );
            portcullis
                .accept_audit_mismatch(&problem)
                .await
                .context("cannot record the accepted mismatch")?;
        }
        TailCheck::Mismatch(problem) => anyhow::bail!(
            "refusing to serve: {problem}. Run `portcullis audit verify` to see what changed; \
             restore the database from a backup, or start with --accept-audit-mismatch to serve \
             this database anyway (recorded in the audit log)"
        ),
    }
    let unkeyed = portcullis.count_unkeyed_tokens().await?;
    if unkeyed > 0 {
        tracing::warn!(
            unkeyed,
            "{unkeyed} unrevoked API tokens were stored with an unkeyed hash (minted before keyed \
             token hashes, or written by hand) and are refused; mint new ones with \
             `portcullis token create` and revoke the old ones (`portcullis token list`)"
        );
    }
    Ok(())
}

/// `portcullis audit verify`: the chain against the checkpoints and the
/// public keys of the key directory.
pub async fn verify(config: &Config, store: &SqlStore) -> anyhow::Result<ExitCode> {
    let dir = config.key_dir();
    let keys = dir.public_keys()?;
    let log = config.checkpoint_log();
    match verify_audit_chain(store, &log, &keys).await? {
        AuditVerification::Intact {
            records,
            checkpoints,
            last_checkpoint,
        } => {
            println!(
                "audit chain intact: {records} records verified against {checkpoints} signed checkpoints"
            );
            match last_checkpoint {
                Some(last) => println!(
                    "the last checkpoint covers records 1 to {last}; {} later records are not signed yet",
                    records - last
                ),
                None => eprintln!(
                    "warning: `{}` holds no checkpoint yet: nothing signed vouches for these records",
                    log.path().display()
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditVerification::LogBroken(broken) => {
            eprintln!(
                "the checkpoint log `{}` cannot be trusted: {broken}",
                log.path().display()
            );
            Ok(ExitCode::FAILURE)
        }
        AuditVerification::ChainBroken(broken) => {
            eprintln!("{broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}
