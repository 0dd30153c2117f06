use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ValidationError;
use crate::error::excerpt;

/// An instant, with millisecond precision, in UTC.
///
/// Stored as milliseconds since the Unix epoch; written and read as RFC 3339
/// (`2026-11-24T22:09:45.123Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[schema(value_type = String, format = DateTime)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// The last instant RFC 3339 can write (9999-12-31T23:59:59.999Z):
    /// inputs beyond it are refused, since they could not be shown as given.
    pub const LAST_RENDERABLE: Self = Self(RFC3339_LAST_MS);

    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 (`2026-11-24T22:09:45Z`, with any offset).
    pub fn parse(field: &'static str, input: &str) -> Result<Self, ValidationError> {
        let parsed = OffsetDateTime::parse(input, &Rfc3339).map_err(|_| {
            ValidationError::new(
                field,
                format!(
                    "`{}` is not an RFC 3339 date-time such as `2026-11-24T22:09:45Z`",
                    excerpt(input, 64)
                ),
            )
        })?;
        let millis = parsed.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(millis)
            .map(Self)
            .map_err(|_| ValidationError::new(field, "is out of range"))
    }

    /// Adds seconds, saturating at the ends of the range.
    pub fn saturating_add_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds.saturating_mul(1000)))
    }

    pub fn saturating_add_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    fn checked_offset_date_time(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()
    }

    /// This instant as a `time` date-time; the Unix epoch when it lies
    /// outside the years `time` represents (±9999).
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.checked_offset_date_time()
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// A `time` date-time truncated to the millisecond.
    pub fn from_offset_date_time(at: OffsetDateTime) -> Self {
        let millis = at.unix_timestamp_nanos() / 1_000_000;
        Self(i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX }))
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(at: OffsetDateTime) -> Self {
        Self::from_offset_date_time(at)
    }
}

/// The first and last instants RFC 3339 can write (years 0000 to 9999).
const RFC3339_FIRST: &str = "0000-01-01T00:00:00Z";
const RFC3339_LAST: &str = "9999-12-31T23:59:59.999Z";
const RFC3339_FIRST_MS: i64 = -62_167_219_200_000;
const RFC3339_LAST_MS: i64 = 253_402_300_799_999;

/// RFC 3339; an instant beyond the years it can write shows as the nearest
/// one it can, so every rendering is a date-time a client can parse.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = Self(self.0.clamp(RFC3339_FIRST_MS, RFC3339_LAST_MS));
        match shown
            .checked_offset_date_time()
            .and_then(|t| t.format(&Rfc3339).ok())
        {
            Some(text) => f.write_str(&text),
            None if self.0 < 0 => f.write_str(RFC3339_FIRST),
            None => f.write_str(RFC3339_LAST),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse("timestamp", &text).map_err(serde::de::Error::custom)
    }
}

/// Where "now" comes from. Services hold one; engines take `now` as an argument.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The one real clock: the system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "the single place that reads the system clock"
    )]
    fn now(&self) -> Timestamp {
        let now = OffsetDateTime::now_utc();
        let millis = now.unix_timestamp_nanos() / 1_000_000;
        Timestamp(i64::try_from(millis).unwrap_or(i64::MAX))
    }
}

/// A clock for tests: starts where it is told and moves only when told.
#[derive(Debug)]
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn at(start: Timestamp) -> Self {
        Self(AtomicI64::new(start.0))
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.0, Ordering::SeqCst);
    }

    pub fn advance_millis(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_round_trips_rfc3339_with_millis() {
        let t = Timestamp::parse("at", "2026-11-24T22:09:45.123Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-24T22:09:45.123Z");
        assert_eq!(Timestamp::parse("at", &t.to_string()).unwrap(), t);
    }

    #[test]
    fn timestamp_honours_offsets() {
        let a = Timestamp::parse("at", "2026-11-24T23:00:00+01:00").unwrap();
        let b = Timestamp::parse("at", "2026-11-24T22:00:00Z").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn timestamp_rejects_garbage() {
        let err = Timestamp::parse("since", "yesterday").unwrap_err();
        assert_eq!(err.field, "since");
        assert!(err.message.contains("`yesterday`"));
    }

    #[test]
    fn offset_date_time_conversion_keeps_the_millisecond() {
        let t = Timestamp::parse("at", "2026-11-24T22:09:45.123Z").unwrap();
        let at = t.to_offset_date_time();
        assert_eq!(at.millisecond(), 123);
        assert_eq!(Timestamp::from(at), t);
        let beyond = Timestamp::from_unix_millis(i64::MAX);
        assert_eq!(beyond.to_offset_date_time(), OffsetDateTime::UNIX_EPOCH);
        let nanos = OffsetDateTime::from_unix_timestamp_nanos(1_999_999_999).unwrap();
        assert_eq!(Timestamp::from_offset_date_time(nanos).unix_millis(), 1_999);
    }

    #[test]
    fn instants_beyond_rfc3339_display_as_the_nearest_date_time() {
        let latest = Timestamp::from_unix_millis(i64::MAX).to_string();
        assert_eq!(latest, "9999-12-31T23:59:59.999Z");
        let earliest = Timestamp::from_unix_millis(i64::MIN).to_string();
        assert_eq!(earliest, "0000-01-01T00:00:00Z");
        for text in [latest, earliest] {
            assert!(Timestamp::parse("at", &text).is_ok(), "{text}");
        }
    }

    #[test]
    fn test_clock_moves_only_when_told() {
        let clock = TestClock::at(Timestamp::from_unix_millis(1_000));
        assert_eq!(clock.now().unix_millis(), 1_000);
        clock.advance_millis(500);
        assert_eq!(clock.now().unix_millis(), 1_500);
        clock.set(Timestamp::from_unix_millis(7));
        assert_eq!(clock.now().unix_millis(), 7);
    }
}
