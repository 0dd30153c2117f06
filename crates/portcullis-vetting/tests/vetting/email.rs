//! The contact e-mail check.

use portcullis_vetting::{EmailCheck, WebsiteDomain, check_contact_email};

fn domain(text: &str) -> WebsiteDomain {
    WebsiteDomain::parse(text).unwrap()
}

fn check(email: &str) -> EmailCheck {
    check_contact_email(email, &domain("acme.co.uk"), &[domain("acme-group.com")])
}

#[test]
fn address_at_the_verified_domain_matches() {
    assert_eq!(
        check("Jane.Doe@ACME.co.uk"),
        EmailCheck::Matches {
            domain: "acme.co.uk".to_owned()
        }
    );
}

#[test]
fn address_at_a_subdomain_of_the_verified_domain_matches() {
    assert_eq!(
        check("it@mail.eu.acme.co.uk"),
        EmailCheck::Matches {
            domain: "mail.eu.acme.co.uk".to_owned()
        }
    );
}

#[test]
fn address_at_an_allowed_alias_or_below_it_is_an_alias() {
    assert_eq!(
        check("ops@acme-group.com"),
        EmailCheck::Alias {
            domain: "acme-group.com".to_owned()
        }
    );
    assert!(matches!(
        check("ops@uk.acme-group.com"),
        EmailCheck::Alias { .. }
    ));
    assert!(check("ops@acme-group.com").is_acceptable());
}

#[test]
fn look_alike_domains_are_mismatches() {
    for email in [
        "a@badacme.co.uk",
        "a@acme.co.uk.evil.com",
        "a@acme.com",
        "a@acme-group.co",
    ] {
        let result = check(email);
        assert!(
            matches!(result, EmailCheck::DomainMismatch { .. }),
            "{email}: {result:?}"
        );
        assert!(!result.is_acceptable());
    }
}

#[test]
fn free_mail_is_refused_with_its_own_outcome() {
    for email in [
        "acme.ltd@gmail.com",
        "x@googlemail.com",
        "x@hotmail.co.uk",
        "x@yahoo.fr",
        "x@proton.me",
        "x@qq.com",
        "x@web.de",
    ] {
        let result = check(email);
        assert!(
            matches!(result, EmailCheck::FreeMail { .. }),
            "{email}: {result:?}"
        );
        assert!(!result.is_acceptable());
    }
}

#[test]
fn free_mail_is_refused_even_when_listed_as_an_alias() {
    let result = check_contact_email(
        "boss@gmail.com",
        &domain("acme.com"),
        &[domain("gmail.com")],
    );
    assert_eq!(
        result,
        EmailCheck::FreeMail {
            domain: "gmail.com".to_owned()
        }
    );
}

#[test]
fn unicode_domains_are_compared_by_their_a_labels() {
    let result = check_contact_email("info@bücher.de", &domain("xn--bcher-kva.de"), &[]);
    assert!(matches!(result, EmailCheck::Matches { .. }), "{result:?}");
}

#[test]
fn malformed_addresses_are_invalid() {
    for email in [
        "",
        "   ",
        "no-at-sign.acme.co.uk",
        "@acme.co.uk",
        "jane@",
        "jane@@acme.co.uk",
        "jane@localhost",
        "jane@[192.0.2.1]",
        "Jane <jane@acme.co.uk>",
        "jane@acme..co.uk",
        "jane@co.uk",
        "jane@acme.internal",
    ] {
        let result = check(email);
        assert!(
            matches!(result, EmailCheck::Invalid { .. }),
            "{email:?}: {result:?}"
        );
        assert!(!result.is_acceptable());
    }
}

#[test]
fn invalid_reason_quotes_the_input_in_backticks() {
    let EmailCheck::Invalid { reason } = check("jane@@acme.co.uk") else {
        panic!("expected invalid");
    };
    assert!(
        reason.starts_with("`jane@@acme.co.uk` is not an e-mail address"),
        "{reason}"
    );
    assert!(!reason.ends_with('.'), "{reason}");
}

#[test]
fn huge_input_is_quoted_only_in_part() {
    let email = format!("{}@", "x".repeat(10_000));
    let EmailCheck::Invalid { reason } = check(&email) else {
        panic!("expected invalid");
    };
    assert!(reason.len() < 300, "{}", reason.len());
}

#[test]
fn results_are_stored_as_tagged_json() {
    let json = serde_json::to_value(check("a@gmail.com")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"outcome": "free_mail", "domain": "gmail.com"})
    );
    let back: EmailCheck = serde_json::from_value(json).unwrap();
    assert_eq!(back, check("a@gmail.com"));
}
