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
}

impl FileConfig {
    /// Parses the text of a configuration file; unknown keys are refused.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}
