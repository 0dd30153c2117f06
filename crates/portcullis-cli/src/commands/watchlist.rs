//! `portcullis watchlist load FILE`: load (or replace) a watchlist in the
//! database and re-screen approved partners.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use portcullis_service::{Caller, WatchlistFormat};

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum WatchlistCommand {
    /// Load (or replace) a watchlist in the database and re-screen approved partners.
    Load {
        file: PathBuf,
        /// The list's name [default: the file's stem].
        #[arg(long)]
        name: Option<String>,
        /// `ftm` or `csv` [default: by the file's extension].
        #[arg(long)]
        format: Option<String>,
    },
}

pub async fn run(config: &Config, command: WatchlistCommand) -> anyhow::Result<ExitCode> {
    match command {
        WatchlistCommand::Load { file, name, format } => {
            watchlist_load(config, &file, name, format).await
        }
    }
}

async fn watchlist_load(
    config: &Config,
    file: &Path,
    name: Option<String>,
    format: Option<String>,
) -> anyhow::Result<ExitCode> {
    let format = match format.as_deref() {
        Some("ftm") => WatchlistFormat::Ftm,
        Some("csv") => WatchlistFormat::Csv,
        Some(other) => anyhow::bail!("`{other}` is not a watchlist format; use `ftm` or `csv`"),
        None if file.extension().is_some_and(|e| e == "csv") => WatchlistFormat::Csv,
        None => WatchlistFormat::Ftm,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
    let name = name.unwrap_or_else(|| super::stem(file));
    let report = super::app(config)
        .await?
        .load_watchlist(&Caller::local_operator(), &name, format, &bytes)
        .await?;
    for bad in &report.rejected {
        eprintln!("{}: line {}: {}", file.display(), bad.line, bad.reason);
    }
    println!(
        "watchlist `{}` version {}: {} entities ({} added, {} changed, {} removed), {} lines rejected, {} skipped",
        report.watchlist.name,
        report.watchlist.version,
        report.watchlist.entity_count,
        report.added,
        report.changed,
        report.removed,
        report.rejected_count,
        report.skipped
    );
    println!(
        "re-screened {} partners: {} findings, {} suspended",
        report.rescreen.partners_rescreened,
        report.rescreen.findings_opened,
        report.rescreen.suspended.len()
    );
    Ok(ExitCode::SUCCESS)
}
