//! ISO-8601 durations, parsed strictly.
//!
//! The `iso8601` crate was considered and left out: its `duration()` accepts
//! trailing garbage (`P1Dxyz` parses as one day) and an empty time part
//! (`PT`), which a security boundary must reject.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::error::excerpt;

const SECONDS_PER_DAY: i64 = 86_400;

/// An ISO-8601 duration such as `P1D`, `P730D`, `P2Y`, `PT8H` or `PT0S`.
///
/// Accepted form: `P[nY][nM][nW][nD][T[nH][nM][nS]]` with whole numbers and
/// at least one component (and at least one after a `T`). For arithmetic a
/// year counts 365 days and a month 30 days, so `P2Y` equals `P730D` — the
/// convention of the Microsoft Graph delegated admin API.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoDuration {
    text: String,
    seconds: i64,
}

impl IsoDuration {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        parse_seconds(input)
            .map(|seconds| Self {
                text: input.to_owned(),
                seconds,
            })
            .ok_or_else(|| {
                ValidationError::new(
                    "duration",
                    format!(
                        "`{}` is not an ISO-8601 duration such as `P1D`, `P730D`, `P2Y`, `PT8H` or `PT0S`",
                        excerpt(input, 64)
                    ),
                )
            })
    }

    /// A duration of whole days (`P{days}D`).
    pub fn days(days: u32) -> Self {
        Self {
            text: format!("P{days}D"),
            seconds: i64::from(days) * SECONDS_PER_DAY,
        }
    }

    /// `PT0S`.
    pub fn zero() -> Self {
        Self {
            text: "PT0S".to_owned(),
            seconds: 0,
        }
    }

    pub fn as_seconds(&self) -> i64 {
        self.seconds
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_zero(&self) -> bool {
        self.seconds == 0
    }
}

/// Returns the length in seconds, or `None` for anything not in the accepted form.
fn parse_seconds(input: &str) -> Option<i64> {
    let rest = input.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let mut total: i64 = 0;
    let mut components = 0;
    // Each unit may appear once, in this order.
    let date_units: [(char, i64); 4] = [
        ('Y', 365 * SECONDS_PER_DAY),
        ('M', 30 * SECONDS_PER_DAY),
        ('W', 7 * SECONDS_PER_DAY),
        ('D', SECONDS_PER_DAY),
    ];
    let time_units: [(char, i64); 3] = [('H', 3600), ('M', 60), ('S', 1)];
    components += add_components(date, &date_units, &mut total)?;
    if let Some(time) = time {
        let in_time = add_components(time, &time_units, &mut total)?;
        if in_time == 0 {
            return None;
        }
        components += in_time;
    }
    (components > 0).then_some(total)
}

/// Reads `<digits><unit>` pairs in the given unit order; returns how many were read.
fn add_components(mut text: &str, units: &[(char, i64)], total: &mut i64) -> Option<usize> {
    let mut count = 0;
    let mut next_unit = 0;
    while !text.is_empty() {
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let (number, after) = text.split_at(digits);
        let mut chars = after.chars();
        let unit = chars.next()?;
        let position = units.iter().skip(next_unit).position(|(u, _)| *u == unit)?;
        let (_, scale) = units.get(next_unit + position)?;
        let value: i64 = number.parse().ok()?;
        *total = total.checked_add(value.checked_mul(*scale)?)?;
        next_unit += position + 1;
        count += 1;
        text = chars.as_str();
    }
    Some(count)
}

impl utoipa::PartialSchema for IsoDuration {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("ISO-8601 duration, e.g. `P730D`, `P2Y`, `PT8H`"))
            .pattern(Some(
                r"^P(?!$)(\d{1,9}Y)?(\d{1,9}M)?(\d{1,9}W)?(\d{1,9}D)?(T(?=\d)(\d{1,9}H)?(\d{1,9}M)?(\d{1,9}S)?)?$",
            ))
            .examples(["P730D"])
            .into()
    }
}

impl utoipa::ToSchema for IsoDuration {}

impl TryFrom<String> for IsoDuration {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IsoDuration> for String {
    fn from(value: IsoDuration) -> Self {
        value.text
    }
}

impl fmt::Display for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(text: &str) -> i64 {
        IsoDuration::parse(text).unwrap().as_seconds()
    }

    #[test]
    fn parses_the_gdap_forms() {
        assert_eq!(secs("P1D"), 86_400);
        assert_eq!(secs("P730D"), 730 * 86_400);
        assert_eq!(secs("P2Y"), secs("P730D"));
        assert_eq!(secs("P180D"), 180 * 86_400);
        assert_eq!(secs("PT8H"), 8 * 3600);
        assert_eq!(secs("PT30M"), 1800);
        assert_eq!(secs("PT0S"), 0);
        assert_eq!(secs("P1W"), 7 * 86_400);
        assert_eq!(
            secs("P1Y2M3DT4H5M6S"),
            365 * 86_400 + 60 * 86_400 + 3 * 86_400 + 4 * 3600 + 5 * 60 + 6
        );
    }

    #[test]
    fn rejects_garbage_with_a_clear_message() {
        for bad in [
            "",
            "P",
            "PT",
            "1D",
            "p1d",
            "P1",
            "PD",
            "P1DT",
            "P1Dxyz",
            "P-1D",
            "P1.5D",
            "P1D1D",
            "PT1H1H",
            "P1D2Y",
            "PT1S2M",
            "P 1D",
            "P1H",
            "PT1D",
            "P99999999999D",
            "P2015-11-03T21:56",
        ] {
            let err = IsoDuration::parse(bad).unwrap_err();
            assert_eq!(err.field, "duration");
            assert!(err.message.contains("ISO-8601"), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn keeps_the_text_it_was_given() {
        let d = IsoDuration::parse("P2Y").unwrap();
        assert_eq!(d.to_string(), "P2Y");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"P2Y\"");
        let back: IsoDuration = serde_json::from_str("\"PT8H\"").unwrap();
        assert_eq!(back.as_seconds(), 28_800);
        assert!(serde_json::from_str::<IsoDuration>("\"8 hours\"").is_err());
    }

    proptest! {
        #[test]
        fn any_day_count_round_trips(days in 0u32..100_000) {
            let text = format!("P{days}D");
            prop_assert_eq!(secs(&text), i64::from(days) * 86_400);
            prop_assert_eq!(IsoDuration::days(days), IsoDuration::parse(&text).unwrap());
        }

        #[test]
        fn arbitrary_input_never_panics(input in ".{0,40}") {
            let _ = IsoDuration::parse(&input);
        }
    }
}
