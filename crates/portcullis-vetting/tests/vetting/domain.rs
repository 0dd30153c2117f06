//! Website domain parsing and challenge tokens.

use std::convert::Infallible;

use getrandom::rand_core::{TryCryptoRng, TryRng};
use portcullis_vetting::{ChallengeError, ChallengeToken, DomainError, WebsiteDomain};

fn parse(text: &str) -> Result<WebsiteDomain, DomainError> {
    WebsiteDomain::parse(text)
}

#[test]
fn domain_is_trimmed_lowercased_and_loses_its_final_dot() {
    let domain = parse("  Shop.Example.COM. ").unwrap();
    assert_eq!(domain.as_str(), "shop.example.com");
    assert_eq!(domain.to_string(), "shop.example.com");
}

#[test]
fn registrable_domain_follows_the_public_suffix_list() {
    assert_eq!(
        parse("example.com").unwrap().registrable_domain(),
        "example.com"
    );
    assert_eq!(
        parse("a.b.example.co.uk").unwrap().registrable_domain(),
        "example.co.uk"
    );
    assert_eq!(
        parse("myco.github.io").unwrap().registrable_domain(),
        "myco.github.io"
    );
}

#[test]
fn unicode_domain_becomes_its_a_label() {
    let domain = parse("BÜCHER.de").unwrap();
    assert_eq!(domain.as_str(), "xn--bcher-kva.de");
    assert_eq!(parse("xn--bcher-kva.de").unwrap(), domain);
}

#[test]
fn public_suffixes_themselves_are_refused() {
    for suffix in ["com", "co.uk", "CO.UK.", "github.io", "xn--p1ai"] {
        assert_eq!(
            parse(suffix),
            Err(DomainError::PublicSuffix(
                suffix.trim_end_matches('.').to_lowercase()
            )),
            "{suffix}"
        );
    }
}

#[test]
fn unknown_top_level_domains_and_single_labels_are_refused() {
    assert!(matches!(
        parse("corp.internal"),
        Err(DomainError::UnknownSuffix(_))
    ));
    assert!(matches!(
        parse("printer.local"),
        Err(DomainError::UnknownSuffix(_))
    ));
    assert!(matches!(
        parse("1.2.3.999"),
        Err(DomainError::UnknownSuffix(_))
    ));
    assert!(matches!(
        parse("localhost"),
        Err(DomainError::SingleLabel(_))
    ));
}

#[test]
fn ip_addresses_are_refused() {
    for ip in ["192.0.2.1", "::1", "[2001:db8::1]", "2001:db8::1"] {
        assert!(matches!(parse(ip), Err(DomainError::IpAddress(_))), "{ip}");
    }
}

#[test]
fn urls_and_addresses_are_not_bare_domains() {
    for text in [
        "https://example.com",
        "example.com/path",
        "example.com:443",
        "me@example.com",
        "exa mple.com",
    ] {
        assert!(
            matches!(parse(text), Err(DomainError::NotBare(_))),
            "{text}"
        );
    }
}

#[test]
fn empty_input_is_refused() {
    assert_eq!(parse(""), Err(DomainError::Empty));
    assert_eq!(parse("  . "), Err(DomainError::Empty));
}

#[test]
fn label_rules_of_rfc_1035_are_enforced() {
    assert!(matches!(
        parse("a..example.com"),
        Err(DomainError::EmptyLabel(_))
    ));
    assert!(matches!(
        parse(".example.com"),
        Err(DomainError::EmptyLabel(_))
    ));
    assert!(matches!(
        parse("-bad.example.com"),
        Err(DomainError::BadLabel { .. })
    ));
    assert!(matches!(
        parse("bad-.example.com"),
        Err(DomainError::BadLabel { .. })
    ));
    assert!(matches!(
        parse("under_score.example.com"),
        Err(DomainError::BadLabel { .. })
    ));
    assert!(matches!(
        parse("star*.example.com"),
        Err(DomainError::BadLabel { .. }) | Err(DomainError::Idna(_))
    ));
    let long_label = "a".repeat(64);
    assert!(matches!(
        parse(&format!("{long_label}.com")),
        Err(DomainError::LabelTooLong { .. })
    ));
    assert!(parse(&format!("{}.com", "a".repeat(63))).is_ok());
}

#[test]
fn names_over_253_characters_are_refused() {
    let label = "a".repeat(60);
    let long = format!("{label}.{label}.{label}.{label}.example.com");
    assert!(long.len() > 253);
    assert!(matches!(parse(&long), Err(DomainError::TooLong(_))));
}

#[test]
fn error_messages_quote_the_input_in_lowercase_without_final_period() {
    let message = parse("co.uk").unwrap_err().to_string();
    assert_eq!(
        message,
        "`co.uk` is a public suffix, not a registrable domain"
    );
    for err in [
        parse("").unwrap_err(),
        parse("10.0.0.1").unwrap_err(),
        parse("a..b.com").unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(!text.ends_with('.'), "{text}");
        assert!(text.starts_with(|c: char| !c.is_uppercase()), "{text}");
    }
}

#[test]
fn subdomain_relation_is_label_wise() {
    let base = parse("example.com").unwrap();
    assert!(parse("example.com").unwrap().is_within(&base));
    assert!(parse("mail.eu.example.com").unwrap().is_within(&base));
    assert!(!parse("badexample.com").unwrap().is_within(&base));
    assert!(!base.is_within(&parse("mail.example.com").unwrap()));
}

#[test]
fn domain_serializes_as_its_string_and_validates_when_read() {
    let domain = parse("Example.com").unwrap();
    assert_eq!(serde_json::to_string(&domain).unwrap(), "\"example.com\"");
    let back: WebsiteDomain = serde_json::from_str("\"example.com\"").unwrap();
    assert_eq!(back, domain);
    assert!(serde_json::from_str::<WebsiteDomain>("\"co.uk\"").is_err());
}

/// A generator that counts upwards: deterministic, for tests.
struct CountingRng(u8);

impl TryRng for CountingRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

impl TryCryptoRng for CountingRng {}

/// A generator that always fails.
struct BrokenRng;

#[derive(Debug)]
struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no entropy")
    }
}

impl std::error::Error for Broken {}

impl TryRng for BrokenRng {
    type Error = Broken;
    fn try_next_u32(&mut self) -> Result<u32, Broken> {
        Err(Broken)
    }
    fn try_next_u64(&mut self) -> Result<u64, Broken> {
        Err(Broken)
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Broken> {
        Err(Broken)
    }
}

impl TryCryptoRng for BrokenRng {}

#[test]
fn token_is_256_bits_of_url_safe_base64() {
    let token = ChallengeToken::generate(&mut CountingRng(0)).unwrap();
    assert_eq!(
        token.as_str(),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    );
    assert_eq!(token.as_str().len(), 43);
    let os = ChallengeToken::generate_os().unwrap();
    assert!(
        os.as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_ne!(os, ChallengeToken::generate_os().unwrap());
}

#[test]
fn failing_generator_is_an_error_not_a_weak_token() {
    let err = ChallengeToken::generate(&mut BrokenRng).unwrap_err();
    assert_eq!(err, ChallengeError::Entropy("no entropy".to_owned()));
}

#[test]
fn record_name_and_value_follow_the_published_format() {
    let token = ChallengeToken::generate(&mut CountingRng(0)).unwrap();
    let domain = WebsiteDomain::parse("Example.co.uk").unwrap();
    assert_eq!(
        ChallengeToken::record_name(&domain),
        "_portcullis-challenge.example.co.uk"
    );
    assert_eq!(token.expected_txt(), format!("token={}", token.as_str()));
}

#[test]
fn txt_values_match_only_with_prefix_and_exact_token() {
    let token = ChallengeToken::generate(&mut CountingRng(7)).unwrap();
    let value = token.expected_txt();
    assert!(token.matches_txt(&value));
    assert!(token.matches_txt(&format!(" {value}\t")));
    assert!(!token.matches_txt(token.as_str()));
    assert!(!token.matches_txt(&format!("{value}x")));
    assert!(!token.matches_txt(&value[..value.len() - 1]));
    assert!(!token.matches_txt(&value.to_uppercase()));
    assert!(!token.matches_txt("token="));
    assert!(!token.matches_txt(""));
}

#[test]
fn stored_tokens_are_read_back_and_garbage_is_refused() {
    let token = ChallengeToken::generate(&mut CountingRng(3)).unwrap();
    assert_eq!(ChallengeToken::parse(token.as_str()).unwrap(), token);
    let json = serde_json::to_string(&token).unwrap();
    assert_eq!(
        serde_json::from_str::<ChallengeToken>(&json).unwrap(),
        token
    );
    for bad in [
        "",
        "short",
        &"A".repeat(44),
        &format!("{}=", "A".repeat(42)),
        &"+".repeat(43),
        &"a".repeat(43),
    ] {
        assert!(
            matches!(
                ChallengeToken::parse(bad),
                Err(ChallengeError::Malformed(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn debug_output_does_not_show_the_whole_token() {
    let token = ChallengeToken::generate(&mut CountingRng(0)).unwrap();
    let debug = format!("{token:?}");
    assert!(!debug.contains(token.as_str()), "{debug}");
}

#[test]
fn broken_punycode_and_disallowed_characters_are_idna_errors() {
    for text in [
        "xn--a.com",
        "xn--ls8h-.com",
        "ex\u{0}ample.com",
        "exa%mple.com",
    ] {
        let result = parse(text);
        assert!(
            matches!(
                result,
                Err(DomainError::Idna(_)) | Err(DomainError::BadLabel { .. })
            ),
            "{text}: {result:?}"
        );
    }
}

#[test]
fn characters_idna_maps_away_do_not_change_the_domain_checked() {
    // UTS 46 drops a zero-width space: ownership is then proven for the
    // domain actually queried, `example.com`.
    assert_eq!(
        parse("ex\u{200B}ample.com").unwrap().as_str(),
        "example.com"
    );
}
