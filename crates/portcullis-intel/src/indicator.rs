//! A STIX indicator: a pattern with a validity window.

use time::OffsetDateTime;

use crate::pattern::Pattern;

/// One indicator of compromise, ready to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The STIX id, `indicator--<uuid>`.
    pub id: String,
    /// A short name, when given.
    pub name: Option<String>,
    /// The parsed pattern.
    pub pattern: Pattern,
    /// The pattern language; always `stix` (others are skipped at import).
    pub pattern_type: String,
    /// From when the indicator holds.
    pub valid_from: OffsetDateTime,
    /// Until when it holds (exclusive); `None` for no end.
    pub valid_until: Option<OffsetDateTime>,
    /// Whether its producer withdrew it.
    pub revoked: bool,
    /// STIX `indicator_types` (e.g. `malicious-activity`).
    pub indicator_types: Vec<String>,
    /// STIX `labels`.
    pub labels: Vec<String>,
    /// Confidence 0..=100, when given.
    pub confidence: Option<u8>,
    /// Who produced it: the STIX `created_by_ref`, or the CSV `source` column.
    pub source: Option<String>,
    /// The STIX `modified` time, which orders versions of one id.
    pub modified: Option<OffsetDateTime>,
}

impl Indicator {
    /// Whether the indicator holds at `now`: not revoked, and
    /// `valid_from <= now < valid_until`.
    #[must_use]
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        is_active(self.revoked, self.valid_from, self.valid_until, now)
    }

    /// The observable types its pattern compares, sorted and joined with `+`
    /// (e.g. `domain-name+ipv4-addr`): the key of
    /// [`ImportReport::counts_by_type`](crate::ImportReport::counts_by_type).
    #[must_use]
    pub fn observable_type(&self) -> String {
        self.pattern.object_types().join("+")
    }
}

/// The activity rule shared by [`Indicator`] and the index's entries.
pub(crate) fn is_active(
    revoked: bool,
    valid_from: OffsetDateTime,
    valid_until: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    !revoked && valid_from <= now && valid_until.is_none_or(|until| now < until)
}
