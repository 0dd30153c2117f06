//! `portcullis posture evaluate --snapshot FILE [--baseline DIR]`: a tenant
//! configuration snapshot against the default partner baseline (or the
//! default extended by `DIR`), printed as the JSON report. Non-compliance is
//! in the report, not an error: the exit code is 0 whatever the verdict.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use portcullis_domain::SystemClock;
use portcullis_posture::{Baseline, PostureConfig, Snapshot, evaluate};

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

pub fn run(command: PostureCommand) -> anyhow::Result<ExitCode> {
    match command {
        PostureCommand::Evaluate { snapshot, baseline } => {
            evaluate_file(&snapshot, baseline.as_deref())
        }
    }
}

fn evaluate_file(snapshot: &Path, baseline_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let now = portcullis_domain::Clock::now(&SystemClock).to_offset_date_time();
    let bytes = std::fs::read(snapshot)
        .with_context(|| format!("cannot read snapshot `{}`", snapshot.display()))?;
    let snapshot = Snapshot::parse(&bytes)?;
    let baseline = match baseline_dir {
        Some(dir) => Baseline::load_dir(dir)?,
        None => Baseline::default_partner()?,
    };
    let report = evaluate(&baseline, &snapshot, now, &PostureConfig::default());
    let json = serde_json::to_string_pretty(&report).context("cannot render the report")?;
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}
