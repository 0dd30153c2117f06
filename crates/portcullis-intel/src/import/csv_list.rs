//! CSV indicator lists.
//!
//! The first row is a header naming the columns, in any order:
//!
//! | column | required | content |
//! | --- | --- | --- |
//! | `type` | yes | `ipv4-addr`, `ipv6-addr`, `domain-name`, `url` or `email-addr` |
//! | `value` | yes | an address or CIDR range (`ipv4-addr`/`ipv6-addr`), a domain (`*.evil.example` also matches every subdomain), a URL with `://`, an email address |
//! | `valid_from` | no | RFC 3339; empty means valid since ever (the Unix epoch) |
//! | `valid_until` | no | RFC 3339, after `valid_from`; empty means no end |
//! | `name` | no | a short description |
//! | `confidence` | no | an integer from 0 to 100 |
//! | `source` | no | who produced it |
//!
//! Other columns are ignored. Each row becomes a STIX indicator whose id is
//! a UUID v5 of `type:value`, so re-importing a list gives the same ids.

use ipnet::IpNet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::report::{ImportError, ImportReport, RecordAt, Rejection};
use crate::indicator::Indicator;
use crate::observable::ObservableKind;
use crate::pattern::Pattern;

/// The UUID v5 namespace of ids made for CSV rows.
const CSV_NAMESPACE: Uuid = Uuid::from_u128(0x6f0c_2b7e_5d1a_4c39_9e2f_8a41_b7d3_c615);

/// Imports a CSV indicator list (see the module docs for the columns).
///
/// # Errors
///
/// [`ImportError`] when the input is over the size cap, empty, or its header
/// lacks `type` or `value`. Bad rows are reported in
/// [`ImportReport::rejected`] with their line while the good ones are kept.
pub fn parse_csv(bytes: &[u8]) -> Result<ImportReport, ImportError> {
    super::check_size(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| ImportError::UnknownSchema(format!("unreadable CSV header: {e}")))?
        .clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.as_bytes()))
    };
    let columns = Columns {
        kind: column("type"),
        value: column("value"),
        valid_from: column("valid_from"),
        valid_until: column("valid_until"),
        name: column("name"),
        confidence: column("confidence"),
        source: column("source"),
    };
    if columns.kind.is_none() || columns.value.is_none() {
        return Err(ImportError::UnknownSchema(
            "the CSV header must name a `type` and a `value` column".into(),
        ));
    }
    let mut report = ImportReport::default();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        let at = RecordAt::Line(usize::try_from(line).unwrap_or(usize::MAX));
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match row(&columns, &record) {
                Ok(indicator) => report.indicators.push(indicator),
                Err(reason) => report.rejected.push(Rejection {
                    at,
                    id: None,
                    reason,
                }),
            },
            Err(error) => report.rejected.push(Rejection {
                at,
                id: None,
                reason: format!("unreadable row: {error}"),
            }),
        }
    }
    Ok(report)
}

struct Columns {
    kind: Option<usize>,
    value: Option<usize>,
    valid_from: Option<usize>,
    valid_until: Option<usize>,
    name: Option<usize>,
    confidence: Option<usize>,
    source: Option<usize>,
}

fn field(record: &csv::ByteRecord, column: Option<usize>) -> Result<Option<&str>, String> {
    let Some(bytes) = column.and_then(|c| record.get(c)) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(bytes).map_err(|_| "a field is not UTF-8".to_owned())?;
    Ok(Some(text).filter(|t| !t.is_empty()))
}

fn row(columns: &Columns, record: &csv::ByteRecord) -> Result<Indicator, String> {
    let kind_text = field(record, columns.kind)?.ok_or("missing `type`")?;
    let kind = ObservableKind::from_object_type(kind_text)
        .ok_or_else(|| format!("unknown indicator type `{kind_text}`"))?;
    let value = field(record, columns.value)?.ok_or("missing `value`")?;
    let pattern_text = pattern_for(kind, value)?;
    let pattern = Pattern::parse(&pattern_text).map_err(|e| format!("bad value `{value}`: {e}"))?;
    let valid_from = timestamp(field(record, columns.valid_from)?, "valid_from")?
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let valid_until = timestamp(field(record, columns.valid_until)?, "valid_until")?;
    if valid_until.is_some_and(|until| until <= valid_from) {
        return Err("`valid_until` is not after `valid_from`".into());
    }
    let confidence = field(record, columns.confidence)?
        .map(|c| {
            c.parse::<u8>()
                .ok()
                .filter(|c| *c <= 100)
                .ok_or_else(|| format!("`confidence` `{c}` is not an integer from 0 to 100"))
        })
        .transpose()?;
    let id = format!(
        "indicator--{}",
        Uuid::new_v5(&CSV_NAMESPACE, format!("{kind_text}:{value}").as_bytes())
    );
    Ok(Indicator {
        id,
        name: field(record, columns.name)?.map(str::to_owned),
        pattern,
        pattern_type: "stix".into(),
        valid_from,
        valid_until,
        revoked: false,
        indicator_types: vec!["malicious-activity".into()],
        labels: Vec::new(),
        confidence,
        source: field(record, columns.source)?.map(str::to_owned),
        modified: None,
    })
}

/// The STIX pattern for one value, after checking it has the form of its
/// type.
fn pattern_for(kind: ObservableKind, value: &str) -> Result<String, String> {
    let object_type = kind.object_type();
    let bad = || format!("`{value}` is not a valid {object_type} value");
    let escaped = value.replace('\\', "\\\\").replace('\'', "\\'");
    match kind {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => {
            let net = value
                .parse::<IpNet>()
                .or_else(|_| value.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| bad())?;
            let family_ok = matches!(
                (kind, net),
                (ObservableKind::Ipv4, IpNet::V4(_)) | (ObservableKind::Ipv6, IpNet::V6(_))
            );
            if !family_ok {
                return Err(bad());
            }
        }
        ObservableKind::DomainName => {
            let (wildcard, name) = match value.strip_prefix("*.") {
                Some(name) => (true, name),
                None => (false, value),
            };
            // `_` is a `LIKE` wildcard: a wildcard domain may not contain one.
            if !is_domain(name) || (wildcard && name.contains('_')) {
                return Err(bad());
            }
            if wildcard {
                return Ok(format!(
                    "[domain-name:value = '{name}' OR domain-name:value LIKE '%.{name}']"
                ));
            }
        }
        ObservableKind::Url => {
            if !value.contains("://") || value.chars().any(char::is_whitespace) {
                return Err(bad());
            }
        }
        ObservableKind::EmailAddress => {
            let mut parts = value.split('@');
            let ok = matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(local), Some(domain), None) if !local.is_empty() && is_domain(domain)
            );
            if !ok || value.chars().any(char::is_whitespace) {
                return Err(bad());
            }
        }
    }
    Ok(format!("[{object_type}:value = '{escaped}']"))
}

/// Letters, digits, `-` and `_` in dot-separated labels of 1 to 63
/// characters, at most 253 in all (a trailing dot allowed).
fn is_domain(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

fn timestamp(text: Option<&str>, field: &str) -> Result<Option<OffsetDateTime>, String> {
    text.map(|t| {
        OffsetDateTime::parse(t, &Rfc3339)
            .map_err(|_| format!("`{field}` `{t}` is not an RFC 3339 timestamp"))
    })
    .transpose()
}
