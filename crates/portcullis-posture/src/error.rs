//! Errors of the posture crate. Evaluation itself never fails: a requirement
//! that cannot be evaluated reports `error` in the report instead.

use std::path::PathBuf;

/// A snapshot that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The bytes are not a JSON document.
    #[error("snapshot is not JSON: {message} at line {line} column {column}")]
    NotJson {
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column of the syntax error.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A field that the baseline reads has the wrong type.
    #[error("snapshot field `{path}` is invalid: {message}")]
    WrongType {
        /// JSON path of the offending value, e.g. `privileged_roles[0].Assignments`.
        path: String,
        /// What was found and what was expected.
        message: String,
    },
}

/// A baseline that cannot be loaded. The caller keeps its previous baseline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// A Rego module does not compile.
    #[error("`{file}` does not compile at line {line} column {column}: {message}")]
    Compile {
        /// The module's file name.
        file: String,
        /// 1-based line of the error.
        line: u32,
        /// 1-based column of the error.
        column: u32,
        /// The compiler's message.
        message: String,
    },
    /// A module compiles but breaks the module convention (see the crate README).
    #[error("`{file}`: {message}")]
    Invalid {
        /// The module's file name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The baseline directory or a file in it cannot be read.
    #[error("cannot read `{}`: {message}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
}
