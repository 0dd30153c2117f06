//! Domain verification against a real DNS server on 127.0.0.1.

use std::time::Duration;

use portcullis_testkit::dns::{SilentServer, TestDns};
use portcullis_vetting::{
    ChallengeToken, DomainCheck, DomainFinding, DomainVerifier, VerifierConfig, VerifierError,
    WebsiteDomain, reverification_finding,
};

const RECORD: &str = "_portcullis-challenge.example.com";

fn token_n(seed: u8) -> ChallengeToken {
    ChallengeToken::parse(&format!("{}{}", char::from(b'A' + seed), "A".repeat(42))).unwrap()
}

fn verifier_for(server: &TestDns) -> DomainVerifier {
    let mut config = VerifierConfig::new(vec![server.addr()]);
    config.timeout = Duration::from_secs(2);
    DomainVerifier::new(&config).unwrap()
}

fn example() -> WebsiteDomain {
    WebsiteDomain::parse("example.com").unwrap()
}

#[tokio::test]
async fn txt_record_with_the_token_verifies() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(0);
    dns.add_txt(RECORD, &[&token.expected_txt()]).await;

    let check = verifier_for(&dns).verify(&example(), &token).await;

    assert_eq!(check, DomainCheck::Verified);
    dns.stop().await;
}

#[tokio::test]
async fn txt_record_with_another_token_is_a_mismatch_listing_what_was_found() {
    let dns = TestDns::start("example.com").await;
    let published = token_n(1);
    dns.add_txt(RECORD, &[&published.expected_txt()]).await;

    let check = verifier_for(&dns).verify(&example(), &token_n(2)).await;

    assert_eq!(
        check,
        DomainCheck::TokenMismatch {
            found: vec![published.expected_txt()]
        }
    );
}

#[tokio::test]
async fn bare_token_without_the_prefix_is_a_mismatch() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(3);
    dns.add_txt(RECORD, &[token.as_str()]).await;

    let check = verifier_for(&dns).verify(&example(), &token).await;

    assert!(
        matches!(check, DomainCheck::TokenMismatch { .. }),
        "{check:?}"
    );
}

#[tokio::test]
async fn one_matching_record_among_several_verifies() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(4);
    dns.add_txt(RECORD, &["v=spf1 -all"]).await;
    dns.add_txt(RECORD, &[&token_n(5).expected_txt()]).await;
    dns.add_txt(RECORD, &[&token.expected_txt()]).await;

    let check = verifier_for(&dns).verify(&example(), &token).await;

    assert_eq!(check, DomainCheck::Verified);
}

#[tokio::test]
async fn several_non_matching_records_are_all_reported() {
    let dns = TestDns::start("example.com").await;
    dns.add_txt(RECORD, &["first"]).await;
    dns.add_txt(RECORD, &["second"]).await;

    let check = verifier_for(&dns).verify(&example(), &token_n(6)).await;

    let DomainCheck::TokenMismatch { mut found } = check else {
        panic!("expected a mismatch, got {check:?}");
    };
    found.sort();
    assert_eq!(found, vec!["first".to_owned(), "second".to_owned()]);
}

#[tokio::test]
async fn character_strings_of_one_record_are_joined_before_matching() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(7);
    let value = token.expected_txt();
    let (head, tail) = value.split_at(20);
    dns.add_txt(RECORD, &[head, tail]).await;

    let check = verifier_for(&dns).verify(&example(), &token).await;

    assert_eq!(check, DomainCheck::Verified);
}

#[tokio::test]
async fn absent_name_is_record_missing() {
    let dns = TestDns::start("example.com").await;

    let check = verifier_for(&dns).verify(&example(), &token_n(8)).await;

    assert_eq!(check, DomainCheck::RecordMissing);
}

#[tokio::test]
async fn name_without_txt_data_is_record_missing() {
    let dns = TestDns::start("example.com").await;
    // `_portcullis-challenge.example.com` exists as an empty non-terminal: NoData.
    dns.add_txt(&format!("below.{RECORD}"), &["x"]).await;

    let check = verifier_for(&dns).verify(&example(), &token_n(9)).await;

    assert_eq!(check, DomainCheck::RecordMissing);
}

#[tokio::test]
async fn record_removed_after_verification_is_seen_at_once_and_is_a_finding() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(10);
    dns.add_txt(RECORD, &[&token.expected_txt()]).await;
    let verifier = verifier_for(&dns);
    let first = verifier.verify(&example(), &token).await;
    assert_eq!(first, DomainCheck::Verified);

    dns.remove_txt(RECORD).await;
    let again = verifier.verify(&example(), &token).await;

    assert_eq!(again, DomainCheck::RecordMissing);
    assert_eq!(
        reverification_finding(&first, &again),
        Some(DomainFinding::RecordVanished)
    );
}

#[tokio::test]
async fn token_replaced_after_verification_is_a_finding() {
    let dns = TestDns::start("example.com").await;
    let token = token_n(11);
    dns.add_txt(RECORD, &[&token.expected_txt()]).await;
    let verifier = verifier_for(&dns);
    let first = verifier.verify(&example(), &token).await;

    dns.remove_txt(RECORD).await;
    dns.add_txt(RECORD, &["token=someone-else"]).await;
    let again = verifier.verify(&example(), &token).await;

    assert_eq!(
        reverification_finding(&first, &again),
        Some(DomainFinding::TokenReplaced {
            found: vec!["token=someone-else".to_owned()]
        })
    );
}

#[tokio::test]
async fn server_that_never_answers_is_unreachable() {
    let silent = SilentServer::start().await;
    let config = VerifierConfig {
        nameservers: vec![silent.addr()],
        timeout: Duration::from_millis(200),
        attempts: 1,
    };

    let check = DomainVerifier::new(&config)
        .unwrap()
        .verify(&example(), &token_n(12))
        .await;

    let DomainCheck::Unreachable { reason } = check else {
        panic!("expected unreachable, got {check:?}");
    };
    assert!(reason.contains("in time"), "{reason}");
}

#[tokio::test]
async fn refused_query_is_unreachable_not_missing() {
    // The server is authoritative for example.com only and refuses the rest.
    let dns = TestDns::start("example.com").await;
    let other = WebsiteDomain::parse("example.org").unwrap();

    let check = verifier_for(&dns).verify(&other, &token_n(13)).await;

    assert_eq!(
        check,
        DomainCheck::Unreachable {
            reason: "the name server answered Refused".to_owned()
        }
    );
}

#[tokio::test]
async fn unicode_domain_is_queried_by_its_a_label() {
    let dns = TestDns::start("xn--bcher-kva.de").await;
    let token = token_n(14);
    dns.add_txt(
        "_portcullis-challenge.xn--bcher-kva.de",
        &[&token.expected_txt()],
    )
    .await;
    let domain = WebsiteDomain::parse("Bücher.de").unwrap();

    let check = verifier_for(&dns).verify(&domain, &token).await;

    assert_eq!(check, DomainCheck::Verified);
}

#[tokio::test]
async fn generated_token_round_trips_through_dns() {
    let dns = TestDns::start("example.com").await;
    let token = ChallengeToken::generate_os().unwrap();
    dns.add_txt(RECORD, &[&format!("  {}  ", token.expected_txt())])
        .await;

    let check = verifier_for(&dns).verify(&example(), &token).await;

    assert_eq!(check, DomainCheck::Verified);
}

#[test]
fn verifier_needs_a_name_server() {
    let result = DomainVerifier::new(&VerifierConfig::new(vec![]));
    assert!(matches!(result, Err(VerifierError::NoNameServers)));
}
