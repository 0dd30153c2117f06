//! Signed checkpoints against someone who can write the database: every
//! tampering attack, with the hashes recomputed so that the chain itself is
//! consistent again, is caught by `portcullis audit verify` in the default
//! layout (no flag but the PostgreSQL URL), and `serve` refuses to start
//! on it unless told to accept it, which it records.

use std::path::Path;

use portcullis_domain::{AuditFilter, AuditRecord, ChainHead, PageRequest};
use portcullis_store::{AuditStore as _, SqlStore};
use portcullis_testkit::TestDb;
use portcullis_testkit::forgery::{insert_audit_record, set_audit_head};

use crate::support::{Served, migrate, portcullis, run, stderr, stdout};

/// A working directory and the database `portcullis` finds from it: the
/// default `./portcullis.db`, or a fresh PostgreSQL database.
pub struct Layout {
    pub dir: tempfile::TempDir,
    pg: Option<TestDb>,
}

impl Layout {
    pub fn sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            pg: None,
        }
    }

    pub async fn postgres() -> Option<Self> {
        Some(Self {
            dir: tempfile::tempdir().unwrap(),
            pg: Some(TestDb::postgres().await?),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The flags every command gets: none on SQLite.
    pub fn args(&self) -> Vec<String> {
        match &self.pg {
            Some(db) => vec!["--database-url".into(), db.url().into()],
            None => Vec::new(),
        }
    }

    pub fn url(&self) -> String {
        match &self.pg {
            Some(db) => db.url().to_owned(),
            None => self.path().join("portcullis.db").display().to_string(),
        }
    }

    pub fn command(&self) -> std::process::Command {
        let mut cmd = portcullis(self.path());
        cmd.args(self.args());
        cmd
    }

    /// Runs a command and returns its standard output, asserting success.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = run(self.command().args(args));
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        stdout(&output)
    }

    /// Mints a token; returns (id, secret).
    pub fn token(&self) -> (String, String) {
        let output = run(self
            .command()
            .args(["token", "create", "--kind", "operator"]));
        assert!(output.status.success(), "{}", stderr(&output));
        let id = stderr(&output)
            .split_whitespace()
            .skip_while(|w| *w != "token")
            .nth(1)
            .unwrap()
            .trim_end_matches(';')
            .to_owned();
        (id, stdout(&output).trim().to_owned())
    }

    /// Starts `serve` and waits until it answers (so that SIGTERM then
    /// finds its shutdown handler in place).
    pub async fn serve(&self, extra: &[&str]) -> Served {
        let mut cmd = self.command();
        cmd.args(["serve", "--listen", "127.0.0.1:0"]).args(extra);
        let served = Served::start(cmd);
        let health = reqwest::get(format!("{}/healthz", served.base))
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        served
    }

    pub fn verify(&self) -> std::process::Output {
        run(self.command().args(["audit", "verify"]))
    }

    pub async fn store(&self) -> SqlStore {
        SqlStore::connect(&self.url()).await.unwrap()
    }
}

/// Six records (tokens created, two revoked: `token.revoke` at 3 and 5),
/// checkpointed by a `serve` that started and stopped, and verified clean.
async fn checkpointed(layout: &Layout) {
    migrate(
        layout.path(),
        &layout.args().iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (a, _) = layout.token();
    let (b, _) = layout.token();
    layout.ok(&["token", "revoke", &a]);
    layout.token();
    layout.ok(&["token", "revoke", &b]);
    layout.token();
    let (clean, log) = layout.serve(&[]).await.terminate();
    assert!(clean, "{log}");
    let verified = layout.verify();
    assert!(verified.status.success(), "{}", stderr(&verified));
    let text = stdout(&verified);
    assert!(text.contains("6 records verified"), "{text}");
    assert!(text.contains("covers records 1 to 6"), "{text}");
}

async fn records(store: &SqlStore) -> Vec<AuditRecord> {
    store
        .list_audit(&AuditFilter::default(), &PageRequest::first(500))
        .await
        .unwrap()
        .items
}

/// Replaces the whole chain by `edit(records)`, renumbered and rehashed so
/// that every link and the head are consistent: what a writer of the
/// database without the signing key can do.
async fn rewrite(layout: &Layout, edit: impl FnOnce(&mut Vec<AuditRecord>)) {
    let store = layout.store().await;
    let mut chain = records(&store).await;
    edit(&mut chain);
    let mut head = ChainHead::genesis();
    sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await
        .unwrap();
    for (n, record) in chain.iter_mut().enumerate() {
        record.seq = i64::try_from(n).unwrap() + 1;
        record.prev_hash = head.hash.clone();
        record.hash = record.compute_hash();
        head = ChainHead {
            seq: record.seq,
            hash: record.hash.clone(),
        };
        insert_audit_record(record)
            .execute(store.pool())
            .await
            .unwrap();
    }
    set_head(&store, &head).await;
    assert_eq!(
        store.verify_audit().await.unwrap(),
        Ok(head.seq),
        "the rewritten chain is consistent"
    );
    store.close().await;
}

async fn set_head(store: &SqlStore, head: &ChainHead) {
    set_audit_head(head).execute(store.pool()).await.unwrap();
}

/// The attack must make `audit verify` fail naming `seq`.
fn assert_caught(layout: &Layout, seq: i64) {
    let output = layout.verify();
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "not caught: {}{message}",
        stdout(&output)
    );
    assert!(
        message.contains(&format!("sequence {seq}")),
        "expected sequence {seq} in: {message}"
    );
}

async fn edited_and_rehashed(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| chain[1].actor = "mallory".into()).await;
    assert_caught(layout, 6);
}

async fn deleted_and_rehashed(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| {
        chain.remove(1);
    })
    .await;
    assert_caught(layout, 6);
}

async fn inserted_and_rehashed(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| {
        let forged = AuditRecord {
            target_id: "forged".into(),
            ..chain[0].clone()
        };
        chain.insert(1, forged);
    })
    .await;
    assert_caught(layout, 6);
}

async fn reordered_and_rehashed(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| chain.swap(2, 3)).await;
    assert_caught(layout, 6);
}

async fn truncated_with_the_head_moved(layout: &Layout) {
    checkpointed(layout).await;
    let store = layout.store().await;
    let chain = records(&store).await;
    sqlx::query("DELETE FROM audit_log WHERE seq > 4")
        .execute(store.pool())
        .await
        .unwrap();
    set_head(
        &store,
        &ChainHead {
            seq: 4,
            hash: chain[3].hash.clone(),
        },
    )
    .await;
    assert_eq!(
        store.verify_audit().await.unwrap(),
        Ok(4),
        "consistent without checkpoints"
    );
    store.close().await;
    assert_caught(layout, 5);
}

async fn one_operation_deleted_and_renumbered(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| {
        chain.retain(|r| r.operation != "token.revoke")
    })
    .await;
    assert_caught(layout, 5);
}

async fn wiped(layout: &Layout) {
    checkpointed(layout).await;
    let store = layout.store().await;
    sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await
        .unwrap();
    set_head(&store, &ChainHead::genesis()).await;
    store.close().await;
    assert_caught(layout, 1);
}

macro_rules! on_both_backends {
    ($($attack:ident => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $attack(&Layout::sqlite()).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(layout) = Layout::postgres().await {
                $attack(&layout).await;
            }
        }
    )+};
}

on_both_backends! {
    edited_and_rehashed => verify_catches_an_edited_record_rehashed_on_sqlite,
        verify_catches_an_edited_record_rehashed_on_postgres;
    deleted_and_rehashed => verify_catches_a_deleted_record_rehashed_on_sqlite,
        verify_catches_a_deleted_record_rehashed_on_postgres;
    inserted_and_rehashed => verify_catches_an_inserted_record_rehashed_on_sqlite,
        verify_catches_an_inserted_record_rehashed_on_postgres;
    reordered_and_rehashed => verify_catches_reordered_records_rehashed_on_sqlite,
        verify_catches_reordered_records_rehashed_on_postgres;
    truncated_with_the_head_moved => verify_catches_a_truncation_with_the_head_moved_on_sqlite,
        verify_catches_a_truncation_with_the_head_moved_on_postgres;
    one_operation_deleted_and_renumbered => verify_catches_one_operation_deleted_and_renumbered_on_sqlite,
        verify_catches_one_operation_deleted_and_renumbered_on_postgres;
    wiped => verify_catches_a_wiped_log_on_sqlite,
        verify_catches_a_wiped_log_on_postgres;
    serve_refuses_a_rewritten_chain_unless_accepted =>
        serve_refuses_a_rewritten_chain_unless_accepted_on_sqlite,
        serve_refuses_a_rewritten_chain_unless_accepted_on_postgres;
    records_after_the_last_checkpoint_are_reported =>
        verify_reports_records_not_yet_signed_on_sqlite,
        verify_reports_records_not_yet_signed_on_postgres;
}

/// `serve` on a chain that no longer extends its last checkpoint exits with
/// the problem named; with `--accept-audit-mismatch` it serves, records the
/// acceptance in the chain, and signs the chain as it now is.
async fn serve_refuses_a_rewritten_chain_unless_accepted(layout: &Layout) {
    checkpointed(layout).await;
    rewrite(layout, |chain| chain[1].actor = "mallory".into()).await;
    let refused = run(layout.command().args(["serve", "--listen", "127.0.0.1:0"]));
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(message.contains("refusing to serve"), "{message}");
    assert!(message.contains("checkpoint of sequence 6"), "{message}");
    assert!(message.contains("--accept-audit-mismatch"), "{message}");

    let (clean, log) = layout.serve(&["--accept-audit-mismatch"]).await.terminate();
    assert!(clean, "{log}");
    assert!(log.contains("serving anyway"), "{log}");
    let store = layout.store().await;
    let chain = records(&store).await;
    store.close().await;
    let accepted = chain.last().unwrap();
    assert_eq!(accepted.operation, "audit.mismatch_accepted");
    assert_eq!(accepted.seq, 7);
    assert!(
        accepted
            .after
            .as_deref()
            .unwrap()
            .contains("checkpoint of sequence 6"),
        "{accepted:?}"
    );
    // Serving again starts without the flag: the acceptance was signed.
    let (clean, log) = layout.serve(&[]).await.terminate();
    assert!(clean, "{log}");
    assert!(log.contains("extends its last signed checkpoint"), "{log}");
    // The history before the acceptance still does not verify.
    assert_caught(layout, 6);
}

/// Records appended after the last checkpoint (here by the command line,
/// with no server running) verify, and the report says they are unsigned.
async fn records_after_the_last_checkpoint_are_reported(layout: &Layout) {
    checkpointed(layout).await;
    layout.token();
    let output = layout.verify();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("7 records verified"), "{text}");
    assert!(
        text.contains("1 later records are not signed yet"),
        "{text}"
    );
}

/// A witness: accepts one HTTP request and returns its body.
fn witness() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/checkpoints", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (&stream)
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        String::from_utf8(body).unwrap()
    });
    (url, handle)
}

/// With `[audit] witness_url`, each checkpoint is also POSTed, with the
/// public key that verifies it.
async fn checkpoints_reach_the_witness(layout: &Layout) {
    let (url, received) = witness();
    let config = layout.path().join("portcullis.toml");
    std::fs::write(&config, format!("[audit]\nwitness_url = \"{url}\"\n")).unwrap();
    migrate(
        layout.path(),
        &layout.args().iter().map(String::as_str).collect::<Vec<_>>(),
    );
    layout.token();
    let config = config.display().to_string();
    let (clean, log) = layout.serve(&["--config", &config]).await.terminate();
    assert!(clean, "{log}");
    let body: serde_json::Value = serde_json::from_str(&received.join().unwrap()).unwrap();
    let checkpoint: portcullis_domain::Checkpoint =
        serde_json::from_value(body["checkpoint"].clone()).unwrap();
    let key =
        portcullis_domain::CheckpointKey::from_hex(body["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(checkpoint.seq, 1);
    assert!(key.verifies(&checkpoint));
    let written = std::fs::read_to_string(log_path(layout)).unwrap();
    assert!(
        written.contains(&checkpoint.signature),
        "the log holds it too"
    );
}

/// Where the default layout keeps the checkpoint log.
fn log_path(layout: &Layout) -> std::path::PathBuf {
    let url = layout.url();
    let dir = portcullis_store::default_key_dir(&url);
    layout
        .path()
        .join(dir)
        .join(portcullis_store::CHECKPOINT_LOG_FILE)
}

on_both_backends! {
    checkpoints_reach_the_witness => checkpoints_reach_the_witness_on_sqlite,
        checkpoints_reach_the_witness_on_postgres;
}
