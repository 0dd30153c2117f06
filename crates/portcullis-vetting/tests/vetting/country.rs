//! Country codes and the country policy.

use portcullis_vetting::{
    CountryCheck, CountryCode, CountryPolicy, DEFAULT_EMBARGOED, DEFAULT_HIGH_RISK,
};

fn cc(text: &str) -> CountryCode {
    CountryCode::parse(text).unwrap()
}

#[test]
fn assigned_codes_parse_in_any_case_with_white_space() {
    assert_eq!(cc("de").as_str(), "DE");
    assert_eq!(cc(" gb ").to_string(), "GB");
    assert_eq!(cc("Ax"), cc("AX"));
}

#[test]
fn unassigned_reserved_and_malformed_codes_are_refused() {
    for bad in [
        "", "D", "DEU", "XK", "UK", "EU", "ZZ", "AA", "12", "D1", "ÄÖ", "d e",
    ] {
        let err = CountryCode::parse(bad).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not an ISO 3166-1 alpha-2 country code"),
            "{bad}"
        );
    }
}

#[test]
fn all_249_assigned_codes_are_known() {
    let mut count = 0;
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            let text = String::from_utf8(vec![a, b]).unwrap();
            if CountryCode::parse(&text).is_ok() {
                count += 1;
            }
        }
    }
    assert_eq!(count, 249);
}

#[test]
fn default_policy_embargoes_and_flags_the_documented_countries() {
    let policy = CountryPolicy::default();
    for code in DEFAULT_EMBARGOED {
        assert_eq!(
            policy.check(cc(code)),
            CountryCheck::Embargoed { country: cc(code) }
        );
    }
    for code in DEFAULT_HIGH_RISK {
        assert_eq!(
            policy.check(cc(code)),
            CountryCheck::HighRisk { country: cc(code) }
        );
    }
    assert_eq!(
        policy.check(cc("FR")),
        CountryCheck::Allowed { country: cc("FR") }
    );
}

#[test]
fn toml_config_overrides_one_list_and_keeps_the_other_default() {
    let policy: CountryPolicy = toml::from_str(r#"high_risk = ["ng", "PK"]"#).unwrap();
    assert_eq!(policy.embargoed, CountryPolicy::default().embargoed);
    assert_eq!(
        policy.check(cc("NG")),
        CountryCheck::HighRisk { country: cc("NG") }
    );
    assert_eq!(
        policy.check(cc("RU")),
        CountryCheck::Allowed { country: cc("RU") }
    );
}

#[test]
fn empty_list_in_config_empties_it() {
    let policy: CountryPolicy = toml::from_str("embargoed = []").unwrap();
    assert_eq!(
        policy.check(cc("CU")),
        CountryCheck::Allowed { country: cc("CU") }
    );
}

#[test]
fn country_on_both_lists_is_embargoed() {
    let policy: CountryPolicy = toml::from_str(r#"embargoed = ["RU"]"#).unwrap();
    assert!(policy.high_risk.contains(&cc("RU")));
    assert_eq!(
        policy.check(cc("RU")),
        CountryCheck::Embargoed { country: cc("RU") }
    );
}

#[test]
fn bad_codes_and_unknown_keys_in_config_are_errors() {
    let err = toml::from_str::<CountryPolicy>(r#"embargoed = ["XX"]"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("`XX` is not an ISO 3166-1 alpha-2 country code"),
        "{err}"
    );
    assert!(toml::from_str::<CountryPolicy>(r#"embargo = ["CU"]"#).is_err());
}

#[test]
fn country_checks_are_stored_as_tagged_json() {
    let check = CountryPolicy::default().check(cc("ir"));
    let json = serde_json::to_value(check).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"outcome": "embargoed", "country": "IR"})
    );
    assert_eq!(serde_json::from_value::<CountryCheck>(json).unwrap(), check);
    assert_eq!(check.country(), cc("IR"));
}
