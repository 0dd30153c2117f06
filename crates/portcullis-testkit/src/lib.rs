//! Test support: a fresh database per test, on either backend.
//!
//! - [`TestDb::sqlite`] makes a new SQLite file in a temporary directory.
//! - [`TestDb::postgres`] creates a new database on the PostgreSQL server
//!   named by `PORTCULLIS_TEST_POSTGRES` (default
//!   `postgres://postgres@127.0.0.1:5432/test`) and drops it when the
//!   [`TestDb`] is dropped. When the server is unreachable it returns `None`
//!   after printing why — except with `CI=true`, where it fails the test.
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "test support: failing loudly is the point"
)]

pub mod dns;
pub mod forgery;
pub mod medallion;

/// A directory of the workspace's `conformance/` data (third-party test
/// data copied into the repository), e.g. `conformance_dir("stix-patterns")`.
pub fn conformance_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance")
        .join(name)
}

use portcullis_store::SqlStore;
use sqlx::{Connection, Executor, PgConnection};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that exists for one test.
pub struct TestDb {
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb").field("url", &self.url).finish()
    }
}

/// Whether this run is in CI, where every backend is mandatory.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn admin_url() -> String {
    std::env::var("PORTCULLIS_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

impl TestDb {
    /// A new, empty SQLite database file.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let path = dir.path().join("portcullis.db");
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A new, empty PostgreSQL database, or `None` (outside CI) when no
    /// server answers.
    pub async fn postgres() -> Option<Self> {
        let admin = admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(err) if !in_ci() => {
                eprintln!("skipping the PostgreSQL run: cannot reach {admin}: {err}");
                return None;
            }
            Err(err) => panic!("CI=true and PostgreSQL at {admin} is unreachable: {err}"),
        };
        let name = format!("portcullis_t_{}", uuid::Uuid::new_v4().simple());
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create a test database");
        let _ = conn.close().await;
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        Some(Self {
            url: format!("{base}/{name}"),
            _dir: None,
            postgres: Some((admin.clone(), name)),
        })
    }

    /// The database URL to hand to `SqlStore::open` or `--database-url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens the database with its migrations applied.
    pub async fn store(&self) -> SqlStore {
        SqlStore::open(&self.url)
            .await
            .expect("open the test store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&admin).await.ok()?;
                conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await
                    .ok()?;
                Some(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop a test database");
        }
    }
}
