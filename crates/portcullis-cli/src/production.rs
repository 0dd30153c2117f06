//! The settings a production `serve` needs beyond the basics: TLS, the
//! trusted proxies, connection timeouts, how decision records are stored,
//! and where webhooks may be delivered. Flags and `PORTCULLIS_*` variables
//! win over the file, which wins over the defaults.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use portcullis_server::Transport;
use portcullis_service::{DecisionRecords, WebhookSettings};

use crate::config::FileConfig;

/// The production settings in force.
#[derive(Debug, Clone, Default)]
pub struct Production {
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub header_read_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    /// `sync` or `batched`, as written.
    pub decision_records: Option<String>,
    pub decision_batch_window_ms: Option<u64>,
    pub webhooks: WebhookSettings,
}

/// What the `serve` flags may override.
#[derive(Debug, Clone, Default)]
pub struct ProductionFlags {
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub decision_records: Option<String>,
}

impl Production {
    pub fn from_file(file: &FileConfig) -> Self {
        Self {
            tls_cert: file.tls_cert.clone(),
            tls_key: file.tls_key.clone(),
            trusted_proxies: file.trusted_proxies.clone().unwrap_or_default(),
            header_read_timeout: file.header_read_timeout_seconds.map(Duration::from_secs),
            idle_timeout: file.idle_timeout_seconds.map(Duration::from_secs),
            decision_records: file.decision_records.clone(),
            decision_batch_window_ms: file.decision_batch_window_ms,
            webhooks: file.webhooks.clone().unwrap_or_default(),
        }
    }

    /// The flags over the file.
    pub fn with_flags(mut self, flags: ProductionFlags) -> Self {
        self.tls_cert = flags.tls_cert.or(self.tls_cert);
        self.tls_key = flags.tls_key.or(self.tls_key);
        self.decision_records = flags.decision_records.or(self.decision_records);
        self
    }

    /// How `serve` accepts connections; TLS needs both the certificate and the key.
    pub fn transport(&self) -> anyhow::Result<Transport> {
        let defaults = Transport::default();
        let tls = match (&self.tls_cert, &self.tls_key) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some(portcullis_server::tls_config(cert, key)?),
            _ => anyhow::bail!("TLS needs both --tls-cert and --tls-key"),
        };
        let positive = |d: Option<Duration>, name: &str, default: Duration| match d {
            Some(d) if d.is_zero() => Err(anyhow::anyhow!("`{name}` must be at least 1 second")),
            Some(d) => Ok(d),
            None => Ok(default),
        };
        Ok(Transport {
            header_read_timeout: positive(
                self.header_read_timeout,
                "header_read_timeout_seconds",
                defaults.header_read_timeout,
            )?,
            idle_timeout: positive(
                self.idle_timeout,
                "idle_timeout_seconds",
                defaults.idle_timeout,
            )?,
            tls,
        })
    }

    /// When decision records are committed.
    pub fn decision_records(&self) -> anyhow::Result<DecisionRecords> {
        let mode = self.decision_records.as_deref().unwrap_or("sync");
        let parsed = DecisionRecords::parse(mode).context("invalid `decision_records`")?;
        Ok(match (parsed, self.decision_batch_window_ms) {
            (DecisionRecords::Batched { .. }, Some(window_ms)) => {
                DecisionRecords::Batched { window_ms }
            }
            (parsed, _) => parsed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_settings_come_from_the_file_and_flags_win() {
        let file: FileConfig = toml::from_str(
            "trusted_proxies = [\"10.0.0.0/8\"]\nheader_read_timeout_seconds = 3\n\
             decision_records = \"batched\"\ndecision_batch_window_ms = 20\n\
             [webhooks]\nallow_destinations = [\"127.0.0.0/8\"]\n",
        )
        .unwrap();
        let production = Production::from_file(&file);
        assert_eq!(production.trusted_proxies.len(), 1);
        assert_eq!(production.webhooks.allow_destinations.len(), 1);
        let transport = production.transport().unwrap();
        assert_eq!(transport.header_read_timeout, Duration::from_secs(3));
        assert_eq!(transport.idle_timeout, Transport::default().idle_timeout);
        assert_eq!(
            production.decision_records().unwrap(),
            DecisionRecords::Batched { window_ms: 20 }
        );
        let flagged = production.with_flags(ProductionFlags {
            decision_records: Some("sync".into()),
            tls_cert: Some("cert.pem".into()),
            ..ProductionFlags::default()
        });
        assert_eq!(flagged.decision_records().unwrap(), DecisionRecords::Sync);
        let err = flagged.transport().unwrap_err();
        assert!(err.to_string().contains("--tls-key"), "{err}");
        assert!(toml::from_str::<FileConfig>("[webhooks]\nallow = []\n").is_err());
    }
}
