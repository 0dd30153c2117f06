//! Importing CSV indicator lists.

use portcullis_intel::{ImportError, Observable, RecordAt, parse_csv};
use time::macros::datetime;

#[test]
fn good_rows_become_indicators_matching_their_value() {
    let csv = "type,value,valid_from,valid_until,name,confidence,source\n\
               ipv4-addr,198.51.100.7,,,c2,80,feed-a\n\
               ipv4-addr,203.0.113.0/24,2024-01-01T00:00:00Z,2025-01-01T00:00:00Z,range,,\n\
               ipv6-addr,2001:db8::/32,,,,,\n\
               domain-name,Evil.Example,,,,,\n\
               url,\"http://x.example/a,b\",,,,,\n\
               email-addr,bob@evil.example,,,,,\n";
    let report = parse_csv(csv.as_bytes()).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.indicators.len(), 6);
    let first = &report.indicators[0];
    assert_eq!(first.name.as_deref(), Some("c2"));
    assert_eq!(first.confidence, Some(80));
    assert_eq!(first.source.as_deref(), Some("feed-a"));
    assert!(
        first
            .pattern
            .matches(&Observable::guess("198.51.100.7").unwrap())
    );
    let range = &report.indicators[1];
    assert!(
        range
            .pattern
            .matches(&Observable::guess("203.0.113.99").unwrap())
    );
    assert!(range.is_active(datetime!(2024-06-01 00:00 UTC)));
    assert!(!range.is_active(datetime!(2025-01-01 00:00 UTC)));
    assert!(
        report.indicators[3]
            .pattern
            .matches(&Observable::domain("evil.example"))
    );
    assert!(
        report.indicators[4]
            .pattern
            .matches(&Observable::url("http://x.example/a,b"))
    );
    let counts = report.counts_by_type();
    assert_eq!(counts.get("ipv4-addr"), Some(&2));
    assert_eq!(counts.get("email-addr"), Some(&1));
}

#[test]
fn a_wildcard_domain_matches_the_domain_and_every_subdomain() {
    let report = parse_csv(b"type,value\ndomain-name,*.evil.example\n").unwrap();
    let pattern = &report.indicators[0].pattern;
    assert!(pattern.matches(&Observable::domain("evil.example")));
    assert!(pattern.matches(&Observable::domain("a.b.evil.example")));
    assert!(!pattern.matches(&Observable::domain("notevil.example")));
}

#[test]
fn ids_are_stable_across_imports() {
    let csv = b"type,value\ndomain-name,evil.example\n";
    let first = parse_csv(csv).unwrap();
    let second = parse_csv(csv).unwrap();
    assert_eq!(first.indicators[0].id, second.indicators[0].id);
    assert!(first.indicators[0].id.starts_with("indicator--"));
}

#[test]
fn bad_rows_are_rejected_by_line_and_the_good_ones_kept() {
    let mut csv = b"value,type\n".to_vec();
    csv.extend_from_slice(b"10.0.0.1,ipv4-addr\n");
    csv.extend_from_slice(b"10.0.0.1,file\n");
    csv.extend_from_slice(b"2001:db8::1,ipv4-addr\n");
    csv.extend_from_slice(b"not a domain,domain-name\n");
    csv.extend_from_slice(b"x.example\xff,domain-name\n");
    csv.extend_from_slice(b"bob@@x.example,email-addr\n");
    csv.extend_from_slice(b"noscheme.example/a,url\n");
    csv.extend_from_slice(b"*.ev_l.example,domain-name\n");
    csv.extend_from_slice(b",domain-name\n");
    csv.extend_from_slice(b"good.example,domain-name\n");
    let report = parse_csv(&csv).unwrap();
    assert_eq!(report.indicators.len(), 2);
    let rejected: Vec<(RecordAt, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.at, r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (RecordAt::Line(3), "unknown indicator type `file`"),
            (
                RecordAt::Line(4),
                "`2001:db8::1` is not a valid ipv4-addr value"
            ),
            (
                RecordAt::Line(5),
                "`not a domain` is not a valid domain-name value"
            ),
            (RecordAt::Line(6), "a field is not UTF-8"),
            (
                RecordAt::Line(7),
                "`bob@@x.example` is not a valid email-addr value"
            ),
            (
                RecordAt::Line(8),
                "`noscheme.example/a` is not a valid url value"
            ),
            (
                RecordAt::Line(9),
                "`*.ev_l.example` is not a valid domain-name value"
            ),
            (RecordAt::Line(10), "missing `value`"),
        ]
    );
}

#[test]
fn bad_dates_and_confidence_are_rejected() {
    let csv = "type,value,valid_from,valid_until,confidence\n\
               domain-name,a.example,2024-02-01T00:00:00Z,2024-01-01T00:00:00Z,\n\
               domain-name,b.example,01/02/2024,,\n\
               domain-name,c.example,,,101\n";
    let report = parse_csv(csv.as_bytes()).unwrap();
    let reasons: Vec<&str> = report.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        vec![
            "`valid_until` is not after `valid_from`",
            "`valid_from` `01/02/2024` is not an RFC 3339 timestamp",
            "`confidence` `101` is not an integer from 0 to 100",
        ]
    );
}

#[test]
fn a_header_without_type_and_value_is_an_unknown_schema() {
    let error = parse_csv(b"indicator,kind\n1.2.3.4,ip\n").unwrap_err();
    assert_eq!(
        error,
        ImportError::UnknownSchema("the CSV header must name a `type` and a `value` column".into())
    );
    assert_eq!(parse_csv(b"").unwrap_err(), ImportError::Empty);
}
