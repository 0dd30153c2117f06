//! The `--config` TOML file of `portcullis serve` and the other commands:
//! its tables are the settings of the use cases defined in this crate.
//! Parsing is a plain function of the text so the fuzz target
//! (`fuzz/fuzz_targets/config_file.rs`) reaches it without the command.

use serde::Deserialize;

/// What a `--config` TOML file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub max_body_bytes: Option<usize>,
    /// A role catalog file (TOML or JSON) replacing the default Entra roles.
    pub roles: Option<std::path::PathBuf>,
    /// A `tracing` filter such as `info` or `portcullis=debug`.
    pub log: Option<String>,
    /// Days activity events are kept (default 90; 0 keeps them for ever).
    pub event_retention_days: Option<u32>,
    /// The `[event_time]` table: the `earliest` accepted event time and
    /// `max_ahead_seconds` past now (defaults 2000-01-01T00:00:00Z, 86400).
    pub event_time: Option<crate::EventTimeBounds>,
    /// NATS JetStream to read activity events from (`nats://…`).
    pub nats_url: Option<String>,
    /// The largest watchlist a load accepts, in bytes (default 256 MiB).
    pub max_watchlist_bytes: Option<usize>,
    /// The `[vetting]` table: resolver, country policy, risk weights,
    /// auto-approval, watchlist threshold, re-screening.
    pub vetting: Option<crate::VettingConfig>,
    /// The `[posture]` table: staleness, grace period, baseline directory, rounds.
    pub posture: Option<crate::PostureConfig>,
    /// The `[detection]` table: on/off, round interval, rule thresholds, containment policy.
    pub detection: Option<crate::DetectionConfig>,
    /// PEM certificate chain and private key: `serve` speaks HTTPS.
    pub tls_cert: Option<std::path::PathBuf>,
    pub tls_key: Option<std::path::PathBuf>,
    /// Proxies (CIDRs) whose `Forwarded` / `X-Forwarded-For` name the client.
    pub trusted_proxies: Option<Vec<ipnet::IpNet>>,
    /// Seconds from a request's first byte to the end of its headers (default 10).
    pub header_read_timeout_seconds: Option<u64>,
    /// Seconds a connection may stay idle (default 60).
    pub idle_timeout_seconds: Option<u64>,
    /// `sync` (default) or `batched`: when decision records are committed.
    pub decision_records: Option<String>,
    /// The commit window of `batched` decision records (default 100).
    pub decision_batch_window_ms: Option<u64>,
    /// The `[webhooks]` table: `allow_destinations`, the non-public
    /// networks deliveries may reach.
    pub webhooks: Option<crate::WebhookSettings>,
    /// The key directory (signing key, token key, checkpoint log); by
    /// default beside the SQLite file, or `./<database>.keys` on PostgreSQL.
    pub key_dir: Option<std::path::PathBuf>,
    /// The `[audit]` table: checkpoint log, interval and witness.
    pub audit: Option<AuditConfig>,
    /// The `[least_privilege]` table: `bulk_cap`, `score_floor`.
    pub least_privilege: Option<crate::LeastPrivilegeConfig>,
}

/// The `[audit]` table of the configuration file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// The checkpoint log (default: `checkpoints.jsonl` in the key directory).
    pub checkpoint_log: Option<std::path::PathBuf>,
    /// Sign a checkpoint after this many records (default 1000) …
    pub checkpoint_every_records: Option<i64>,
    /// … or this many seconds, if any record came meanwhile (default 60).
    pub checkpoint_every_seconds: Option<u64>,
    /// Also POST every checkpoint to this URL (a witness).
    pub witness_url: Option<String>,
}

impl FileConfig {
    /// Parses the text of a configuration file; unknown keys are refused.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}
