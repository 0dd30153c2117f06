//! What a load produced: the good entities, and every bad line with why.

use serde::Serialize;

use crate::Entity;

/// Caps that keep a malformed or hostile file from exhausting memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadLimits {
    /// Longest accepted line (CSV: record), in bytes; longer ones are
    /// rejected and reading goes on.
    pub max_line_bytes: usize,
    /// Most bytes read from one file; past it reading stops and the report
    /// says it was truncated.
    pub max_total_bytes: u64,
}

impl Default for LoadLimits {
    /// 1 MiB a line (OpenSanctions' longest entities are a few hundred
    /// KiB), 8 GiB a file.
    fn default() -> Self {
        Self {
            max_line_bytes: 1 << 20,
            max_total_bytes: 8 << 30,
        }
    }
}

/// A line that was not loaded, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// 1-based line number (CSV: the line the record starts on).
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
}

/// The outcome of loading one watchlist file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// The good entities, in file order.
    pub entities: Vec<Entity>,
    /// The bad lines.
    pub rejected: Vec<Rejection>,
    /// Records of known non-party FtM schemas (`Vessel`, `Sanction`, …).
    pub skipped: usize,
    /// Whether reading stopped at [`LoadLimits::max_total_bytes`]: the
    /// entities are then only those before the cap.
    pub truncated: bool,
}

impl LoadReport {
    pub(crate) fn reject(&mut self, line: u64, reason: impl Into<String>) {
        self.rejected.push(Rejection {
            line,
            reason: reason.into(),
        });
    }
}
