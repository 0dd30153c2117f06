//! Configuration: command-line flags and `PORTCULLIS_*` variables win over
//! the TOML file, which wins over the defaults.

use std::path::Path;

use anyhow::Context as _;

/// What a `--config` TOML file may set (defined with the settings it holds).
pub use portcullis_service::{AuditConfig, FileConfig};

/// Reads and parses the `--config` file.
pub fn load_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file `{}`", path.display()))?;
    FileConfig::from_toml(&text)
        .with_context(|| format!("invalid configuration file `{}`", path.display()))
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    pub max_body_bytes: usize,
    pub max_watchlist_bytes: usize,
    pub roles: Option<std::path::PathBuf>,
    pub nats_url: Option<String>,
    pub event_retention_days: u32,
    pub event_time: portcullis_service::EventTimeBounds,
    pub vetting: portcullis_service::VettingConfig,
    pub posture: portcullis_service::PostureConfig,
    pub detection: portcullis_service::DetectionConfig,
    /// The configured key directory (see [`Config::key_dir`]).
    pub key_dir: Option<std::path::PathBuf>,
    /// Where checkpoints go (default: in the key directory).
    pub checkpoint_log: Option<std::path::PathBuf>,
    pub checkpoints: portcullis_service::CheckpointConfig,
    /// TLS, proxies, timeouts, decision records, webhook destinations.
    pub production: crate::production::Production,
    /// The `[least_privilege]` table: bulk cap, score floor.
    pub least_privilege: portcullis_service::LeastPrivilegeConfig,
}

impl Config {
    pub fn resolve(
        database_url: Option<String>,
        listen: Option<String>,
        max_body_bytes: Option<usize>,
        roles: Option<std::path::PathBuf>,
        nats_url: Option<String>,
        file: FileConfig,
    ) -> Self {
        let production = crate::production::Production::from_file(&file);
        Self {
            database_url: database_url
                .or(file.database_url)
                .unwrap_or_else(|| portcullis_store::DEFAULT_DATABASE_URL.to_owned()),
            listen: listen
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            max_body_bytes: max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(portcullis_server::DEFAULT_MAX_BODY_BYTES),
            max_watchlist_bytes: file
                .max_watchlist_bytes
                .unwrap_or(portcullis_server::DEFAULT_MAX_WATCHLIST_BYTES),
            roles: roles.or(file.roles),
            nats_url: nats_url.or(file.nats_url),
            event_retention_days: file.event_retention_days.unwrap_or(90),
            event_time: file.event_time.unwrap_or_default(),
            vetting: file.vetting.unwrap_or_default(),
            posture: file.posture.unwrap_or_default(),
            detection: file.detection.unwrap_or_default(),
            production,
            key_dir: file.key_dir,
            checkpoint_log: file.audit.as_ref().and_then(|a| a.checkpoint_log.clone()),
            checkpoints: checkpoint_config(file.audit.unwrap_or_default()),
            least_privilege: file.least_privilege.unwrap_or_default(),
        }
    }

    /// The key directory in force: the configured one, or the default for
    /// the database (the same for `serve` and every other command).
    pub fn key_dir(&self) -> portcullis_store::KeyDir {
        portcullis_store::KeyDir::new(
            self.key_dir
                .clone()
                .unwrap_or_else(|| portcullis_store::default_key_dir(&self.database_url)),
        )
    }

    /// The checkpoint log in force.
    pub fn checkpoint_log(&self) -> portcullis_store::CheckpointLog {
        match &self.checkpoint_log {
            Some(path) => portcullis_store::CheckpointLog::new(path.clone()),
            None => self.key_dir().checkpoint_log(),
        }
    }

    /// The role catalog: the file's, or the default Entra roles.
    pub fn catalog(&self) -> anyhow::Result<portcullis_domain::RoleCatalog> {
        let Some(path) = &self.roles else {
            return Ok(portcullis_domain::RoleCatalog::default_entra());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the role catalog `{}`", path.display()))?;
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            portcullis_domain::RoleCatalog::from_json(&text)
        } else {
            portcullis_domain::RoleCatalog::from_toml(&text)
        };
        parsed.with_context(|| format!("invalid role catalog `{}`", path.display()))
    }

    /// The database URL without any password, for logs and messages.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url)
    }
}

fn checkpoint_config(audit: AuditConfig) -> portcullis_service::CheckpointConfig {
    let defaults = portcullis_service::CheckpointConfig::default();
    portcullis_service::CheckpointConfig {
        every_records: audit
            .checkpoint_every_records
            .unwrap_or(defaults.every_records),
        every_seconds: audit
            .checkpoint_every_seconds
            .unwrap_or(defaults.every_seconds),
        witness_url: audit.witness_url,
    }
}

fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

/// Logs to standard error; `PORTCULLIS_LOG` (or `RUST_LOG`) overrides the file's `log`.
///
/// Lines are formatted where they happen and written by a thread of their
/// own, through a buffer flushed whenever no line is waiting: a busy server
/// makes one write for many request lines instead of one each, and no
/// request waits on standard error. No line is dropped (a full queue of
/// 65,536 lines makes the logging thread wait, as a blocked standard error
/// did before). Keep the guard until the end of `main`: dropping it writes
/// what is left.
pub fn init_tracing(file_filter: Option<&str>) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = std::env::var("PORTCULLIS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .or_else(|| file_filter.map(str::to_owned))
        .unwrap_or_else(|| "info".to_owned());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(65_536)
        .thread_name("portcullis-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        .try_init();
    guard
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig {
            database_url: Some("postgres://file".into()),
            listen: Some("0.0.0.0:9000".into()),
            max_body_bytes: None,
            roles: None,
            log: None,
            event_retention_days: None,
            event_time: None,
            nats_url: None,
            max_watchlist_bytes: None,
            vetting: None,
            posture: None,
            detection: None,
            ..FileConfig::default()
        };
        let config = Config::resolve(Some("flag.db".into()), None, None, None, None, file);
        assert_eq!(config.database_url, "flag.db");
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(
            config.max_body_bytes,
            portcullis_server::DEFAULT_MAX_BODY_BYTES
        );
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_file_and_loopback() {
        let config = Config::resolve(None, None, None, None, None, FileConfig::default());
        assert_eq!(config.database_url, "./portcullis.db");
        assert_eq!(config.listen, "127.0.0.1:8080");
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/p"),
            "postgres://app:***@db:5432/p"
        );
        assert_eq!(redact("postgres://app@db/p"), "postgres://app@db/p");
        assert_eq!(redact("./portcullis.db"), "./portcullis.db");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let err = toml::from_str::<FileConfig>("databse_url = \"x\"").unwrap_err();
        assert!(err.to_string().contains("databse_url"));
    }
}

#[cfg(test)]
mod vetting_tests {
    use super::*;

    #[test]
    fn the_vetting_table_is_read_and_checked() {
        let file: FileConfig = toml::from_str(
            "[vetting]\nnameservers = [\"127.0.0.1:5353\"]\nemail_aliases = [\"contoso-group.com\"]\n\
             [vetting.countries]\nembargoed = [\"KP\"]\n[vetting.auto_approve]\nenabled = true\n",
        )
        .unwrap();
        let config = Config::resolve(None, None, None, None, None, file);
        assert_eq!(config.vetting.nameservers.len(), 1);
        assert!(config.vetting.auto_approve.enabled);
        assert_eq!(config.vetting.countries.embargoed.len(), 1);
        let err = toml::from_str::<FileConfig>("[vetting]\nauto_aprove = true\n").unwrap_err();
        assert!(err.to_string().contains("auto_aprove"), "{err}");
    }
}

#[cfg(test)]
mod detection_tests {
    use super::*;
    use portcullis_service::{ContainmentKind, ContainmentMode};

    #[test]
    fn the_containment_policy_is_read_per_rule_with_a_global_shadow_mode() {
        let file: FileConfig = toml::from_str(
            "[detection]\ncontainment_mode = \"shadow\"\n[detection.containment]\n\
             \"PCD-001\" = { contain = \"user\", min_severity = 4 }\n\
             \"PCD-004\" = { contain = \"partner\", min_severity = 4, min_confidence = \"Medium\", \
             mode = \"enforced\" }\n",
        )
        .unwrap();
        let config = Config::resolve(None, None, None, None, None, file);
        let detection = &config.detection;
        assert_eq!(detection.containment_mode, ContainmentMode::Shadow);
        let fan_out = detection.containment["PCD-001"];
        assert_eq!(
            (
                fan_out.contain,
                fan_out.min_confidence.as_str(),
                fan_out.mode
            ),
            (ContainmentKind::User, "High", None)
        );
        let spray = detection.containment["PCD-004"];
        assert_eq!(
            (spray.min_confidence.as_str(), spray.mode),
            ("Medium", Some(ContainmentMode::Enforced))
        );
        let err = toml::from_str::<FileConfig>(
            "[detection.containment]\n\"PCD-001\" = { contain = \"user\", min_severity = 4, \
             shadow = true }\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("shadow"), "{err}");
    }

    #[test]
    fn min_confidence_is_read_in_any_case() {
        for spelled in ["high", "High", "HIGH", "medium"] {
            let file: FileConfig = toml::from_str(&format!(
                "[detection.containment]\n\"PCD-001\" = {{ contain = \"user\", \
                 min_severity = 4, min_confidence = \"{spelled}\" }}\n"
            ))
            .unwrap();
            let config = Config::resolve(None, None, None, None, None, file);
            let level = config.detection.containment["PCD-001"].min_confidence;
            assert!(level.as_str().eq_ignore_ascii_case(spelled), "{spelled}");
        }
    }
}

#[cfg(test)]
mod audit_tests {
    use super::*;

    #[test]
    fn the_audit_table_sets_the_checkpoints_and_the_key_directory_follows_the_database() {
        let file: FileConfig = toml::from_str(
            "key_dir = \"/etc/portcullis/keys\"\n[audit]\ncheckpoint_every_records = 10\n\
             witness_url = \"https://witness.example/cp\"\n",
        )
        .unwrap();
        let config = Config::resolve(None, None, None, None, None, file);
        assert_eq!(config.checkpoints.every_records, 10);
        assert_eq!(config.checkpoints.every_seconds, 60);
        assert_eq!(
            config.key_dir().path(),
            std::path::Path::new("/etc/portcullis/keys")
        );
        assert_eq!(
            config.checkpoint_log().path(),
            std::path::Path::new("/etc/portcullis/keys/checkpoints.jsonl")
        );
        let default = Config::resolve(None, None, None, None, None, FileConfig::default());
        assert_eq!(
            default.key_dir().path(),
            std::path::Path::new("./portcullis.db.keys")
        );
        let err = toml::from_str::<FileConfig>("[audit]\nevery_records = 3\n").unwrap_err();
        assert!(err.to_string().contains("every_records"), "{err}");
    }
}
