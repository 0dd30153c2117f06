use std::path::Path;

use portcullis_testkit::TestDb;

use crate::support::{create_token, portcullis, run, stderr, stdout};

fn verify(dir: &Path, url: &str) -> std::process::Output {
    run(portcullis(dir).args(["audit", "verify", "--database-url", url]))
}

async fn tamper(url: &str, sql: &str) {
    let store = portcullis_store::SqlStore::connect(url).await.unwrap();
    sqlx::query(sql).execute(store.pool()).await.unwrap();
    store.close().await;
}

/// Three audited mutations, a clean verification, then `sql` breaks the
/// chain and verification must name `broken_seq`.
async fn verify_detects(db: &TestDb, sql: &str, broken_seq: i64) {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..3 {
        create_token(dir.path(), &["--database-url", db.url()]);
    }
    let clean = verify(dir.path(), db.url());
    assert!(clean.status.success(), "{}", stderr(&clean));
    assert!(stdout(&clean).contains("3 records"), "{}", stdout(&clean));

    tamper(db.url(), sql).await;
    let broken = verify(dir.path(), db.url());
    assert_eq!(broken.status.code(), Some(1), "{}", stderr(&broken));
    let message = stderr(&broken);
    assert!(
        message.contains(&format!("sequence {broken_seq}")),
        "expected sequence {broken_seq} in: {message}"
    );
}

const ALTER: &str = "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2";
const REMOVE: &str = "DELETE FROM audit_log WHERE seq = 2";
const TRUNCATE_TAIL: &str = "DELETE FROM audit_log WHERE seq = 3";

#[tokio::test]
async fn audit_verify_names_an_altered_record_on_sqlite() {
    verify_detects(&TestDb::sqlite(), ALTER, 2).await;
}

#[tokio::test]
async fn audit_verify_names_a_removed_record_on_sqlite() {
    verify_detects(&TestDb::sqlite(), REMOVE, 2).await;
}

#[tokio::test]
async fn audit_verify_names_a_removed_last_record_on_sqlite() {
    verify_detects(&TestDb::sqlite(), TRUNCATE_TAIL, 3).await;
}

#[tokio::test]
async fn audit_verify_names_an_altered_record_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        verify_detects(&db, ALTER, 2).await;
    }
}

#[tokio::test]
async fn audit_verify_names_a_removed_record_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        verify_detects(&db, REMOVE, 2).await;
    }
}
