//! `portcullis screen`, `portcullis intel …`, `portcullis watchlist load`
//! and `portcullis posture evaluate`: the offline checks, and loads into the
//! database without a running server.

use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use portcullis_domain::SystemClock;
use portcullis_service::{Caller, Portcullis, WatchlistFormat};

use crate::config::Config;

/// `portcullis screen`: applicants (JSON lines) against watchlist files.
#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// A watchlist: FollowTheMoney JSON lines, or CSV by its `.csv` extension (repeatable).
    #[arg(long = "watchlist", required = true)]
    pub watchlists: Vec<PathBuf>,
    /// Applicants as JSON lines (`{"id","name","country","birth_year"?,"kind"}`); `-` for stdin.
    #[arg(long)]
    pub input: PathBuf,
    /// Report matches scoring at least this (0..=1).
    #[arg(long, default_value_t = portcullis_screening::DEFAULT_THRESHOLD)]
    pub threshold: f64,
}

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

#[derive(Debug, Subcommand)]
pub enum PostureCommand {
    /// Evaluate a tenant configuration snapshot (a ScubaGear export plus the
    /// partner-program fields) and print the JSON report; exit 0 whatever the verdict.
    Evaluate {
        #[arg(long)]
        snapshot: PathBuf,
        /// A directory of `.rego` requirements that add to or override the default baseline.
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
}

pub fn screen(args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let input: Box<dyn BufRead> = if args.input.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(&args.input)
            .with_context(|| format!("cannot open `{}`", args.input.display()))?;
        Box::new(BufReader::new(file))
    };
    let stdout = std::io::stdout();
    let summary =
        portcullis_screening::cli::screen(&args.watchlists, input, stdout.lock(), args.threshold)?;
    for bad in &summary.watchlist_rejections {
        eprintln!(
            "{}: line {}: {}",
            bad.path.display(),
            bad.rejection.line,
            bad.rejection.reason
        );
    }
    for bad in &summary.input_rejections {
        eprintln!(
            "{}: line {}: {}",
            args.input.display(),
            bad.line,
            bad.reason
        );
    }
    eprintln!(
        "screened {} applicants against {} entities: {} with matches, {} bad input lines",
        summary.applicants,
        summary.entities,
        summary.applicants_with_matches,
        summary.input_rejections.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn check_pattern(pattern: &str) -> ExitCode {
    match portcullis_intel::cli::check_pattern(pattern) {
        Ok(()) => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Err(err) => {
            println!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn stem(path: &std::path::Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

async fn app(config: &Config) -> anyhow::Result<Portcullis> {
    let store = crate::open(config).await?;
    Ok(
        Portcullis::load(Arc::new(store), Arc::new(SystemClock), config.catalog()?)
            .await?
            .with_vetting(config.vetting.clone()),
    )
}

pub async fn intel_import(
    config: &Config,
    file: &PathBuf,
    source: Option<String>,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read `{}`", file.display()))?;
    let source = source.unwrap_or_else(|| stem(file));
    let report = app(config)
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

pub struct PullArgs {
    pub api_root: String,
    pub collection: String,
    pub source: String,
    pub user: Option<String>,
    pub password_env: Option<String>,
    pub added_after: Option<String>,
}

pub async fn intel_pull(config: &Config, args: PullArgs) -> anyhow::Result<ExitCode> {
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
    let report = app(config)
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

pub async fn watchlist_load(
    config: &Config,
    file: &std::path::Path,
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
    let name = name.unwrap_or_else(|| stem(file));
    let report = app(config)
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

pub fn posture_evaluate(
    snapshot: &std::path::Path,
    baseline: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let now = time::OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(portcullis_domain::Clock::now(&SystemClock).unix_millis()) * 1_000_000,
    )
    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let report = portcullis_posture::evaluate_cli(snapshot, baseline, now)?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

pub fn detect(input: &std::path::Path) -> anyhow::Result<ExitCode> {
    let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(input)
            .with_context(|| format!("cannot open `{}`", input.display()))?;
        Box::new(BufReader::new(file))
    };
    let stdout = std::io::stdout();
    let summary = portcullis_detection::cli::detect(reader, stdout.lock())?;
    eprintln!("{summary}");
    Ok(ExitCode::SUCCESS)
}
