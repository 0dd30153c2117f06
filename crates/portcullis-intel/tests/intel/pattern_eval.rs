//! `Pattern::matches` on addresses, domains, URLs and email addresses.

use portcullis_intel::{Observable, Pattern};

fn matches(pattern: &str, observable: &str) -> bool {
    Pattern::parse(pattern)
        .unwrap()
        .matches(&Observable::guess(observable).unwrap())
}

#[test]
fn address_equality_is_cidr_containment() {
    let apt1 = "[ipv4-addr:value = '223.166.0.0/15']";
    assert!(matches(apt1, "223.167.255.1"));
    assert!(matches(apt1, "223.166.0.0"));
    assert!(!matches(apt1, "223.168.0.1"));
    assert!(matches("[ipv4-addr:value = '10.0.0.1']", "10.0.0.1"));
    assert!(!matches("[ipv4-addr:value = '10.0.0.1']", "10.0.0.2"));
    assert!(matches("[ipv4-addr:value = '10.0.0.1/32']", "10.0.0.1"));
}

#[test]
fn issubset_and_issuperset_compare_ranges() {
    assert!(matches(
        "[ipv4-addr:value ISSUBSET '192.168.0.1/24']",
        "192.168.0.200"
    ));
    assert!(!matches(
        "[ipv4-addr:value ISSUBSET '192.168.0.1/24']",
        "192.168.1.1"
    ));
    assert!(matches(
        "[ipv4-addr:value NOT ISSUBSET '192.168.0.1/24']",
        "192.168.1.1"
    ));
    assert!(matches(
        "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
        "2001:db8:dead::1"
    ));
    assert!(!matches(
        "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
        "2001:db9::1"
    ));
    assert!(matches(
        "[ipv4-addr:value ISSUPERSET '10.1.1.1/32']",
        "10.1.1.1"
    ));
    assert!(!matches(
        "[ipv4-addr:value ISSUPERSET '10.1.1.0/24']",
        "10.1.1.1"
    ));
    assert!(!matches(
        "[domain-name:value ISSUBSET '10.0.0.0/8']",
        "evil.example"
    ));
}

#[test]
fn an_address_of_the_other_family_or_type_never_matches() {
    assert!(!matches(
        "[ipv6-addr:value = '::ffff:10.0.0.1']",
        "10.0.0.1"
    ));
    assert!(!matches("[ipv4-addr:value = '10.0.0.0/8']", "::1"));
    assert!(!matches("[ipv4-addr:value != '10.0.0.1']", "::1"));
    assert!(!matches("[ipv4-addr:value = 'not an address']", "10.0.0.1"));
}

#[test]
fn domains_and_email_addresses_compare_case_blind_and_urls_exactly() {
    assert!(matches(
        "[domain-name:value = 'Evil.Example.']",
        "evil.EXAMPLE"
    ));
    assert!(!matches(
        "[domain-name:value = 'evil.example']",
        "mail.evil.example"
    ));
    assert!(matches(
        "[email-addr:value = 'Bob@Evil.Example']",
        "bob@evil.example"
    ));
    assert!(matches(
        "[url:value = 'http://evil.example/a']",
        "http://evil.example/a"
    ));
    assert!(!matches(
        "[url:value = 'http://evil.example/a']",
        "http://evil.example/A"
    ));
}

#[test]
fn a_parent_domain_matches_only_through_like_or_matches() {
    let like = "[domain-name:value LIKE '%.EVIL.example']";
    assert!(matches(like, "mail.evil.example"));
    assert!(matches(like, "a.b.evil.example"));
    assert!(!matches(like, "evil.example"));
    assert!(!matches(like, "notevil.example"));
    assert!(matches(
        "[domain-name:value LIKE 'ev_l.example']",
        "evil.example"
    ));
    assert!(!matches(
        "[domain-name:value LIKE 'ev_l.example']",
        "eviil.example"
    ));
    let regex = r"[domain-name:value MATCHES '(^|\\.)evil\\.example$']";
    assert!(matches(regex, "evil.example"));
    assert!(matches(regex, "x.EVIL.example"));
    assert!(!matches(regex, "xevil.example"));
}

#[test]
fn like_treats_regex_characters_literally() {
    assert!(matches(
        "[url:value LIKE 'http://x.example/a+b?%']",
        "http://x.example/a+b?q=1"
    ));
    assert!(!matches(
        "[url:value LIKE 'http://x.example/a+b?%']",
        "http://x.example/aab?q=1"
    ));
}

#[test]
fn an_unsupported_regex_is_false_not_an_error() {
    let lookahead = "[domain-name:value MATCHES '^(?!good).*$']";
    let pattern = Pattern::parse(lookahead).unwrap();
    assert!(!pattern.matches(&Observable::domain("bad.example")));
    assert!(!matches(
        "[domain-name:value NOT MATCHES '^(?!good).*$']",
        "x.example"
    ));
}

#[test]
fn in_sets_not_and_inequality() {
    let set = "[domain-name:value IN ('a.example', 'b.example', 3)]";
    assert!(matches(set, "B.example"));
    assert!(!matches(set, "c.example"));
    assert!(matches(
        "[domain-name:value NOT IN ('a.example')]",
        "c.example"
    ));
    assert!(matches("[domain-name:value != 'a.example']", "c.example"));
    assert!(!matches("[domain-name:value != 'a.example']", "a.example"));
    assert!(matches(
        "[ipv4-addr:value IN ('10.0.0.0/8', '192.0.2.1')]",
        "10.9.9.9"
    ));
}

#[test]
fn comparisons_on_other_properties_or_types_are_false_even_negated() {
    assert!(!matches("[file:name = 'evil.example']", "evil.example"));
    assert!(!matches("[file:name != 'x']", "evil.example"));
    assert!(!matches(
        "[domain-name:resolves_to_refs[*].value = '10.0.0.1']",
        "10.0.0.1"
    ));
    assert!(!matches("[domain-name:value = 1]", "evil.example"));
}

#[test]
fn and_or_inside_an_observation_apply_to_the_one_value() {
    let either = "[domain-name:value = 'a.example' OR ipv4-addr:value = '10.0.0.1']";
    assert!(matches(either, "a.example"));
    assert!(matches(either, "10.0.0.1"));
    let both = "[domain-name:value LIKE '%.example' AND domain-name:value != 'ok.example']";
    assert!(matches(both, "bad.example"));
    assert!(!matches(both, "ok.example"));
    let two_types = "[domain-name:value = 'a.example' AND ipv4-addr:value = '10.0.0.1']";
    assert!(!matches(two_types, "a.example"));
}

#[test]
fn observation_operators_need_the_value_in_every_required_observation() {
    assert!(matches(
        "[ipv4-addr:value = '10.0.0.1'] OR [domain-name:value = 'a.example']",
        "a.example"
    ));
    assert!(!matches(
        "[ipv4-addr:value = '10.0.0.1'] AND [domain-name:value = 'a.example']",
        "a.example"
    ));
    assert!(matches(
        "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value LIKE 'a.%']",
        "a.example"
    ));
    assert!(matches(
        "([domain-name:value = 'a.example'] REPEATS 5 TIMES) WITHIN 10 SECONDS",
        "a.example"
    ));
}

#[test]
fn exists_is_true_for_the_value_of_the_matching_type() {
    assert!(matches("[EXISTS domain-name:value]", "a.example"));
    assert!(!matches("[EXISTS domain-name:value]", "10.0.0.1"));
    assert!(!matches(
        "[EXISTS domain-name:resolves_to_refs]",
        "a.example"
    ));
}

#[test]
fn ordering_compares_text() {
    assert!(matches("[domain-name:value > 'a.example']", "b.example"));
    assert!(!matches("[domain-name:value < 'a.example']", "b.example"));
    assert!(matches("[domain-name:value >= 'B.example']", "b.example"));
}
