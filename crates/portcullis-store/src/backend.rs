//! Opening the database: the backend a URL names, the connection pool and
//! the migrations.

use std::fmt;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::StoreError;

/// Where Portcullis keeps its data when no `--database-url` is given.
pub const DEFAULT_DATABASE_URL: &str = "./portcullis.db";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The database engine behind a [`SqlStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

impl Backend {
    /// Reads the backend from a database URL and returns the URL sqlx should
    /// open: `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:…`
    /// and a bare file path are SQLite, created when missing.
    pub fn from_url(url: &str) -> Result<(Self, String), StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::Config("the database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok((Self::Postgres, url.to_owned()));
        }
        let sqlite = match url.strip_prefix("sqlite:") {
            Some(rest) => format!("sqlite:{rest}"),
            None if url.contains("://") => {
                return Err(StoreError::Config(format!(
                    "`{}` is not a supported database URL; use a file path, `sqlite://path` or `postgres://…`",
                    url.split("://").next().unwrap_or_default()
                )));
            }
            None => format!("sqlite://{url}"),
        };
        let with_mode = if sqlite.contains("mode=") || sqlite.ends_with(":memory:") {
            sqlite
        } else if sqlite.contains('?') {
            format!("{sqlite}&mode=rwc")
        } else {
            format!("{sqlite}?mode=rwc")
        };
        Ok((Self::Sqlite, with_mode))
    }
}

/// The file a SQLite database URL names, for commands that must not create
/// one: `None` for PostgreSQL (its databases are created by their
/// administrator), for `:memory:`, and when the URL sets its own `mode=`
/// (`mode=rwc` asks for creation; `ro` and `rw` never create).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let url = url.trim();
    let rest = match url.strip_prefix("sqlite:") {
        Some(rest) => rest.strip_prefix("//").unwrap_or(rest),
        None if url.contains("://") => return None,
        None => url,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p.starts_with("mode=")) {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// The SQL store: one implementation of [`Store`](crate::Store) for SQLite and PostgreSQL.
///
/// Both backends read and write the same column types (text, 64-bit
/// integers), take the same `$n` placeholders, and keep their own
/// migrations, so a dialect difference has one place to live.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    pub(crate) backend: Backend,
    /// The URL it was opened with (PostgreSQL's listener opens its own connection).
    url: String,
    /// The leases held through this store (SQLite's exclusion; see `cluster`).
    pub(crate) leases: std::sync::Arc<crate::cluster::HeldKeys>,
}

impl fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Opens a pool on `url` without touching the schema.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let (backend, url) = Backend::from_url(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers proceed during a write; a writer
                            // waits up to five seconds for another. Each
                            // connection may cache up to 32 MiB of pages (the
                            // default, 2 MiB, is smaller than the activity
                            // stream's indexes, whose inserts land anywhere in
                            // them: each missed page was a read from the file).
                            // Statement journals stay in memory: a multi-row
                            // INSERT keeps one (to undo itself alone), and
                            // past 64 KiB SQLite spilled it to a temporary
                            // file, one `pwrite` per page it first touched
                            // (4 % of a loaded server's time).
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 5000; PRAGMA cache_size = -32768; \
                                 PRAGMA temp_store = MEMORY;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Backend::Postgres => options.max_connections(10).connect(&url).await,
        }
        .map_err(|e| StoreError::Config(format!("cannot open the {backend} database: {e}")))?;
        Ok(Self {
            pool,
            backend,
            url,
            leases: std::sync::Arc::default(),
        })
    }

    /// Opens the database and applies any pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations of this backend that have not run yet; returns
    /// how many are applied in all.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        crate::users::backfill_skeletons(self).await?;
        Ok(migrator.iter().count())
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The connection pool, for tools and tests that read the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_path_is_a_sqlite_file_created_on_demand() {
        let (backend, url) = Backend::from_url("./portcullis.db").unwrap();
        assert_eq!(backend, Backend::Sqlite);
        assert_eq!(url, "sqlite://./portcullis.db?mode=rwc");
    }

    #[test]
    fn postgres_urls_are_recognised() {
        for url in ["postgres://u@h/db", "postgresql://u@h/db"] {
            assert_eq!(Backend::from_url(url).unwrap().0, Backend::Postgres);
        }
    }

    #[test]
    fn sqlite_url_keeps_an_explicit_mode() {
        let (_, url) = Backend::from_url("sqlite://x.db?mode=ro").unwrap();
        assert_eq!(url, "sqlite://x.db?mode=ro");
    }

    #[test]
    fn unknown_schemes_and_empty_urls_are_refused() {
        assert!(Backend::from_url("mysql://h/db").is_err());
        assert!(Backend::from_url("  ").is_err());
    }

    #[tokio::test]
    async fn every_sqlite_connection_uses_wal_a_32_mib_page_cache_and_memory_temp_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(&dir.path().join("p.db").display().to_string())
            .await
            .unwrap();
        let mut held = Vec::new();
        // More connections than one, so that each is set up, not only the first.
        for _ in 0..3 {
            held.push(store.pool().acquire().await.unwrap());
        }
        for conn in &mut held {
            let cache = sqlx::query("PRAGMA cache_size")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(crate::rows::int(&cache, "cache_size").unwrap(), -32768);
            let journal = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(crate::rows::text(&journal, "journal_mode").unwrap(), "wal");
            // 2 = MEMORY: statement journals never spill to a file.
            let temp = sqlx::query("PRAGMA temp_store")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(crate::rows::int(&temp, "temp_store").unwrap(), 2);
        }
    }
}
