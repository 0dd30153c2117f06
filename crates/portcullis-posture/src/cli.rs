//! The library side of `portcullis posture evaluate --snapshot FILE [--baseline DIR]`.

use std::path::Path;

use time::OffsetDateTime;

use crate::baseline::Baseline;
use crate::error::PostureError;
use crate::evaluate::{PostureConfig, evaluate};
use crate::snapshot::Snapshot;

/// Evaluates the snapshot file against the default partner baseline, or
/// against the default extended by `baseline_dir`, and returns the report as
/// pretty JSON. Non-compliance is in the report, not an error.
pub fn evaluate_cli(
    snapshot: &Path,
    baseline_dir: Option<&Path>,
    now: OffsetDateTime,
) -> Result<String, PostureError> {
    let bytes = std::fs::read(snapshot).map_err(|e| PostureError::Io {
        path: snapshot.to_owned(),
        message: e.to_string(),
    })?;
    let snapshot = Snapshot::parse(&bytes)?;
    let baseline = match baseline_dir {
        Some(dir) => Baseline::load_dir(dir)?,
        None => Baseline::default_partner()?,
    };
    let report = evaluate(&baseline, &snapshot, now, &PostureConfig::default());
    serde_json::to_string_pretty(&report).map_err(|e| PostureError::Render(e.to_string()))
}
