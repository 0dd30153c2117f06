//! Loading indicators: STIX 2.1 bundles (or JSON lines of STIX objects, or
//! a TAXII envelope) and CSV lists. Each importer keeps the good records and
//! reports every bad one with where it was and why; only input that cannot be
//! read at all (too large, empty, not JSON, an unknown shape) fails whole.

mod csv_list;
mod report;
mod stix;

pub use csv_list::parse_csv;
pub use report::{ImportError, ImportReport, RecordAt, Rejection};
pub use stix::{parse_stix_bundle, parse_stix_objects};

/// The largest input an importer accepts, in bytes (64 MiB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Refuses empty input and input over [`MAX_IMPORT_BYTES`].
fn check_size(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            max: MAX_IMPORT_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    Ok(())
}

/// Imports `bytes` as STIX JSON when they start with `{` or `[` (after
/// white space), otherwise as CSV.
///
/// # Errors
///
/// The importer's.
pub fn import_bytes(bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        parse_stix_bundle(bytes)
    } else {
        parse_csv(bytes)
    }
}
