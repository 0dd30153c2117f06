//! Finding the shared conformance files.

use std::path::PathBuf;

/// `shared/conformance/<dir>`: from `PORTCULLIS_CONFORMANCE`, else the first
/// `shared/conformance` beside the workspace or one of its parents.
pub fn conformance_dir(dir: &str) -> PathBuf {
    portcullis_testkit::conformance_dir(dir)
}

/// The lines of a conformance file.
pub fn conformance_lines(dir: &str, file: &str) -> Vec<String> {
    let path = conformance_dir(dir).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines().map(str::to_owned).collect()
}
