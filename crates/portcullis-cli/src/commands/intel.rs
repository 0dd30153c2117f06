//! `portcullis intel check-pattern | import | pull`: check a STIX pattern
//! offline; import threat intelligence into the database.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use portcullis_service::Caller;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum IntelCommand {
    /// Check a STIX 2.1 pattern: prints `valid` (exit 0) or the parse error (exit 1).
    CheckPattern { pattern: String },
    /// Load a STIX bundle (or JSON lines of STIX objects) or a CSV list into
    /// the database and print the counts by indicator type.
    Import {
        file: PathBuf,
        /// The source the indicators are filed under [default: the file's stem].
        #[arg(long)]
        source: Option<String>,
    },
    /// Pull a TAXII 2.1 collection into the database (following paging) and
    /// print `added_last` for the next pull's `--added-after`.
    Pull {
        /// The API root, e.g. `http://feed.internal/api1/`.
        #[arg(long)]
        api_root: String,
        #[arg(long)]
        collection: String,
        /// The source the indicators are filed under.
        #[arg(long)]
        source: String,
        #[arg(long)]
        user: Option<String>,
        /// The environment variable holding the password (never the password itself).
        #[arg(long)]
        password_env: Option<String>,
        /// Only objects added after this time (RFC 3339).
        #[arg(long)]
        added_after: Option<String>,
    },
}

pub async fn run(config: &Config, command: IntelCommand) -> anyhow::Result<ExitCode> {
    match command {
        IntelCommand::CheckPattern { pattern } => Ok(check_pattern(&pattern)),
        IntelCommand::Import { file, source } => intel_import(config, &file, source).await,
        IntelCommand::Pull {
            api_root,
            collection,
            source,
            user,
            password_env,
            added_after,
        } => {
            let args = PullArgs {
                api_root,
                collection,
                source,
                user,
                password_env,
                added_after,
            };
            intel_pull(config, args).await
        }
    }
}

/// Prints `valid` (exit 0) or the parse error (exit 1).
fn check_pattern(pattern: &str) -> ExitCode {
    match portcullis_intel::Pattern::parse(pattern) {
        Ok(_) => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Err(err) => {
            println!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn intel_import(
    config: &Config,
    file: &std::path::Path,
    source: Option<String>,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
    let source = source.unwrap_or_else(|| super::stem(file));
    let report = super::app(config)
        .await?
        .import_intel(&Caller::local_operator(), &source, &bytes)
        .await?;
    let total: usize = report.counts_by_type.values().sum();
    let mut out = std::io::stdout().lock();
    writeln!(out, "source `{}`: {total} indicators", report.source)?;
    for (kind, count) in &report.counts_by_type {
        writeln!(out, "  {kind}: {count}")?;
    }
    for (kind, count) in &report.other_objects {
        writeln!(out, "  other object {kind}: {count}")?;
    }
    writeln!(
        out,
        "stored: {} new, {} updated, {} unchanged",
        report.stored.inserted, report.stored.updated, report.stored.unchanged
    )?;
    for why in report.rejected.iter().chain(&report.skipped) {
        eprintln!("rejected: {why}");
    }
    writeln!(
        out,
        "re-screened {} partners: {} findings, {} suspended",
        report.rescreen.partners_rescreened,
        report.rescreen.findings_opened,
        report.rescreen.suspended.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

struct PullArgs {
    api_root: String,
    collection: String,
    source: String,
    user: Option<String>,
    password_env: Option<String>,
    added_after: Option<String>,
}

async fn intel_pull(config: &Config, args: PullArgs) -> anyhow::Result<ExitCode> {
    let password = match &args.password_env {
        Some(var) => Some(
            std::env::var(var)
                .with_context(|| format!("the environment variable `{var}` is not set"))?,
        ),
        None => None,
    };
    let pull = portcullis_service::TaxiiPull {
        api_root: args.api_root,
        collection: args.collection,
        user: args.user,
        password,
        added_after: args.added_after,
    };
    let report = super::app(config)
        .await?
        .pull_intel(&Caller::local_operator(), &args.source, &pull)
        .await?;
    let total: usize = report.import.counts_by_type.values().sum();
    println!(
        "pulled {} objects in {} pages: {total} indicators into source `{}`",
        report.objects, report.pages, report.import.source
    );
    for (kind, count) in &report.import.counts_by_type {
        println!("  {kind}: {count}");
    }
    println!(
        "stored: {} new, {} updated, {} unchanged",
        report.import.stored.inserted, report.import.stored.updated, report.import.stored.unchanged
    );
    if let Some(last) = &report.added_last {
        println!("added_last: {last}");
    }
    Ok(ExitCode::SUCCESS)
}
