//! A baseline's version: what its authors declare plus a digest of its content.

use std::fmt;

use sha2::{Digest, Sha256};

/// The version recorded in every report: `<declared>+sha256:<first 12 hex>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaselineVersion {
    declared: String,
    digest: String,
}

impl BaselineVersion {
    /// Computes the version of modules given as `(package, source)` pairs;
    /// the order of the pairs does not matter.
    pub(crate) fn of(declared: String, modules: &[(String, String)]) -> Self {
        let mut sorted: Vec<&(String, String)> = modules.iter().collect();
        sorted.sort();
        let mut hasher = Sha256::new();
        for (package, source) in sorted {
            hasher.update(package.as_bytes());
            hasher.update([0]);
            hasher.update(source.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self { declared, digest }
    }

    /// The version the baseline declares in `data.portcullis.baseline.version`.
    #[must_use]
    pub fn declared(&self) -> &str {
        &self.declared
    }

    /// The SHA-256 of all modules (hex), so two baselines that declare the
    /// same version but differ in content are told apart.
    #[must_use]
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

impl fmt::Display for BaselineVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.digest.get(..12).unwrap_or(&self.digest);
        write!(f, "{}+sha256:{short}", self.declared)
    }
}
