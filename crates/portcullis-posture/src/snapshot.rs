//! A tenant configuration snapshot: ScubaGear's Entra ID provider export plus
//! Portcullis' `portcullis_partner_program` object (see the crate README).

mod shape;

use serde_json::Value;
use time::OffsetDateTime;

use crate::error::SnapshotError;

/// Top-level sections that ScubaGear exports as arrays. PowerShell's
/// `ConvertTo-Json` writes a one-element array as the bare element; such a
/// section is wrapped back into an array on parse.
const ARRAY_SECTIONS: &[&str] = &[
    "conditional_access_policies",
    "authentication_method",
    "privileged_roles",
    "service_plans",
    "authorization_policies",
    "domain_settings",
    "directory_settings",
    "default_app_management_policy",
];

/// The name of Portcullis' own top-level object in a snapshot.
pub const PARTNER_PROGRAM: &str = "portcullis_partner_program";

/// A parsed, type-checked tenant configuration snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    document: Value,
    taken_at: Option<OffsetDateTime>,
}

impl Snapshot {
    /// Parses a snapshot from JSON bytes (a UTF-8 byte order mark is allowed).
    ///
    /// Fails when the bytes are not JSON, or when a field that the baseline
    /// reads has the wrong type; the error names the JSON path. Unknown fields
    /// and missing sections are accepted: a missing section makes the
    /// requirements that need it report `error` at evaluation.
    pub fn parse(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut document: Value =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError::NotJson {
                line: e.line(),
                column: e.column(),
                message: message_without_position(&e),
            })?;
        let Value::Object(sections) = &mut document else {
            return Err(SnapshotError::WrongType {
                path: ".".to_owned(),
                message: format!(
                    "invalid type: {}, expected a JSON object with snapshot sections",
                    json_type(&document)
                ),
            });
        };
        for name in ARRAY_SECTIONS {
            if let Some(section) = sections.get_mut(*name)
                && section.is_object()
            {
                *section = Value::Array(vec![section.take()]);
            }
        }
        let shape: shape::Shape =
            serde_path_to_error::deserialize(&document).map_err(|e| SnapshotError::WrongType {
                path: e.path().to_string(),
                message: message_without_position(e.inner()),
            })?;
        Ok(Self {
            taken_at: shape.taken_at(),
            document,
        })
    }

    /// When the configuration was captured: `portcullis_partner_program.taken_at`,
    /// or the time set with [`Snapshot::with_taken_at`].
    #[must_use]
    pub fn taken_at(&self) -> Option<OffsetDateTime> {
        self.taken_at
    }

    /// The same snapshot captured at `taken_at` (e.g. the upload time that the
    /// store records when the document carries none).
    #[must_use]
    pub fn with_taken_at(mut self, taken_at: OffsetDateTime) -> Self {
        self.taken_at = Some(taken_at);
        self
    }

    /// Whether the top-level section `name` is present and not `null`.
    #[must_use]
    pub fn has_section(&self, name: &str) -> bool {
        self.document.get(name).is_some_and(|v| !v.is_null())
    }

    /// The whole document, as given to the Rego modules as `input`.
    #[must_use]
    pub fn document(&self) -> &Value {
        &self.document
    }
}

/// serde_json appends " at line L column C"; the path already says where.
fn message_without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_owned(),
        None => text,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
