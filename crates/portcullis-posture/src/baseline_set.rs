//! The holder of the baseline in force: a reload that fails leaves the
//! working baseline in place.

use std::path::Path;
use std::sync::Arc;

use crate::baseline::Baseline;
use crate::error::BaselineError;
use crate::version::BaselineVersion;

/// The baseline currently in force, replaced only by one that loads.
#[derive(Debug, Clone)]
pub struct BaselineSet {
    current: Arc<Baseline>,
}

impl BaselineSet {
    /// Starts with `baseline` in force.
    #[must_use]
    pub fn new(baseline: Baseline) -> Self {
        Self {
            current: Arc::new(baseline),
        }
    }

    /// The baseline in force.
    #[must_use]
    pub fn current(&self) -> Arc<Baseline> {
        Arc::clone(&self.current)
    }

    /// Loads `dir` over the default baseline and puts it in force. On error
    /// the previous baseline stays in force and the error says why.
    pub fn reload_dir(&mut self, dir: &Path) -> Result<&BaselineVersion, BaselineError> {
        let loaded = Baseline::load_dir(dir)?;
        self.current = Arc::new(loaded);
        Ok(self.current.version())
    }
}
