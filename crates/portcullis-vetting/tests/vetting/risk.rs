//! The risk score and auto-approval.

use portcullis_vetting::{
    AutoApprovePolicy, CountryCheck, CountryCode, DomainCheck, EmailCheck, MandatoryCheck,
    RiskAssessment, RiskFactor, RiskInputs, RiskLevel, RiskWeights, assess, auto_approvable,
};
use proptest::prelude::*;

fn cc(text: &str) -> CountryCode {
    CountryCode::parse(text).unwrap()
}

fn clean() -> RiskInputs {
    RiskInputs {
        domain: DomainCheck::Verified,
        email: EmailCheck::Matches {
            domain: "acme.com".to_owned(),
        },
        country: vec![CountryCheck::Allowed { country: cc("DE") }],
        watchlist_best_score: None,
        watchlist_hits: 0,
        intel_hits: 0,
    }
}

fn score(inputs: &RiskInputs) -> RiskAssessment {
    assess(inputs, &RiskWeights::default())
}

fn enabled() -> AutoApprovePolicy {
    AutoApprovePolicy {
        enabled: true,
        ..AutoApprovePolicy::default()
    }
}

#[test]
fn clean_case_scores_zero_low_with_no_failures() {
    let assessment = score(&clean());
    assert_eq!(assessment.score, 0);
    assert_eq!(assessment.level, RiskLevel::Low);
    assert!(assessment.mandatory_failed.is_empty());
    assert!(assessment.contributions.is_empty());
}

#[test]
fn unverified_domain_fails_a_mandatory_check_and_adds_40() {
    for domain in [
        DomainCheck::RecordMissing,
        DomainCheck::token_mismatch(vec!["x".to_owned()]),
        DomainCheck::Unreachable {
            reason: "timeout".to_owned(),
        },
    ] {
        let assessment = score(&RiskInputs { domain, ..clean() });
        assert_eq!(assessment.score, 40);
        assert_eq!(assessment.level, RiskLevel::Medium);
        assert_eq!(
            assessment.mandatory_failed,
            vec![MandatoryCheck::DomainVerified]
        );
        assert_eq!(
            assessment.contributions[0].factor,
            RiskFactor::DomainNotVerified
        );
    }
}

#[test]
fn each_email_outcome_has_its_documented_points() {
    let cases = [
        (
            EmailCheck::Alias {
                domain: "a.com".into(),
            },
            5,
            false,
        ),
        (
            EmailCheck::DomainMismatch {
                domain: "b.com".into(),
            },
            25,
            true,
        ),
        (
            EmailCheck::FreeMail {
                domain: "gmail.com".into(),
            },
            30,
            true,
        ),
        (
            EmailCheck::Invalid {
                reason: "bad".into(),
            },
            30,
            true,
        ),
    ];
    for (email, points, mandatory) in cases {
        let assessment = score(&RiskInputs {
            email: email.clone(),
            ..clean()
        });
        assert_eq!(u32::from(assessment.score), points, "{email:?}");
        assert_eq!(
            assessment
                .mandatory_failed
                .contains(&MandatoryCheck::EmailAcceptable),
            mandatory,
            "{email:?}"
        );
    }
}

#[test]
fn embargoed_country_anywhere_maxes_the_score_and_fails_a_mandatory_check() {
    let inputs = RiskInputs {
        country: vec![
            CountryCheck::Allowed { country: cc("DE") },
            CountryCheck::Embargoed { country: cc("KP") },
        ],
        ..clean()
    };
    let assessment = score(&inputs);
    assert_eq!(assessment.score, 100);
    assert_eq!(assessment.level, RiskLevel::High);
    assert_eq!(
        assessment.mandatory_failed,
        vec![MandatoryCheck::NoEmbargoedCountry]
    );
    assert_eq!(assessment.contributions[0].reason, "embargoed: KP");
}

#[test]
fn high_risk_countries_add_25_each() {
    let inputs = RiskInputs {
        country: vec![
            CountryCheck::HighRisk { country: cc("RU") },
            CountryCheck::HighRisk { country: cc("BY") },
        ],
        ..clean()
    };
    let assessment = score(&inputs);
    assert_eq!(assessment.score, 50);
    assert_eq!(assessment.level, RiskLevel::Medium);
    assert!(assessment.mandatory_failed.is_empty());
    assert_eq!(assessment.contributions[0].reason, "high-risk: RU, BY");
}

#[test]
fn watchlist_and_intel_evidence_add_their_points() {
    let inputs = RiskInputs {
        watchlist_best_score: Some(0.5),
        watchlist_hits: 1,
        intel_hits: 2,
        ..clean()
    };
    let assessment = score(&inputs);
    let points: Vec<(RiskFactor, u32)> = assessment
        .contributions
        .iter()
        .map(|c| (c.factor, c.points))
        .collect();
    assert_eq!(
        points,
        vec![
            (RiskFactor::WatchlistSimilarity, 20),
            (RiskFactor::WatchlistHit, 30),
            (RiskFactor::IntelHit, 50),
        ]
    );
    assert_eq!(assessment.score, 100);
}

#[test]
fn out_of_range_and_nan_watchlist_scores_are_clamped_failing_closed() {
    let at = |s: f64| {
        score(&RiskInputs {
            watchlist_best_score: Some(s),
            ..clean()
        })
        .score
    };
    assert_eq!(at(-3.0), 0);
    assert_eq!(at(0.0), 0);
    assert_eq!(at(7.0), 40);
    assert_eq!(at(f64::INFINITY), 40);
    assert_eq!(at(f64::NAN), 40);
}

#[test]
fn huge_hit_counts_saturate_at_100() {
    let inputs = RiskInputs {
        watchlist_hits: usize::MAX,
        intel_hits: usize::MAX,
        ..clean()
    };
    assert_eq!(score(&inputs).score, 100);
}

#[test]
fn levels_follow_configured_thresholds() {
    let weights = RiskWeights {
        medium_from: 10,
        high_from: 30,
        ..RiskWeights::default()
    };
    let with_intel = |hits| {
        assess(
            &RiskInputs {
                intel_hits: hits,
                ..clean()
            },
            &weights,
        )
        .level
    };
    assert_eq!(with_intel(0), RiskLevel::Low);
    assert_eq!(with_intel(1), RiskLevel::Medium);
    assert_eq!(with_intel(2), RiskLevel::High);
    let alias = RiskInputs {
        email: EmailCheck::Alias {
            domain: "a.com".into(),
        },
        ..clean()
    };
    assert_eq!(assess(&alias, &weights).level, RiskLevel::Low);
}

#[test]
fn auto_approval_is_off_by_default() {
    let assessment = score(&clean());
    assert!(!AutoApprovePolicy::default().enabled);
    assert!(!auto_approvable(&assessment, &AutoApprovePolicy::default()));
    assert!(auto_approvable(&assessment, &enabled()));
}

#[test]
fn auto_approval_needs_all_mandatory_checks_even_at_a_low_score() {
    let weights = RiskWeights {
        domain_not_verified: 0,
        ..RiskWeights::default()
    };
    let assessment = assess(
        &RiskInputs {
            domain: DomainCheck::RecordMissing,
            ..clean()
        },
        &weights,
    );
    assert_eq!(assessment.score, 0);
    assert!(!auto_approvable(&assessment, &enabled()));
}

#[test]
fn auto_approval_stops_above_max_score() {
    let alias = score(&RiskInputs {
        email: EmailCheck::Alias {
            domain: "a.com".into(),
        },
        ..clean()
    });
    assert_eq!(alias.score, 5);
    assert!(auto_approvable(&alias, &enabled()));
    assert!(!auto_approvable(
        &alias,
        &AutoApprovePolicy {
            enabled: true,
            max_score: 4
        }
    ));
    let medium = score(&RiskInputs {
        intel_hits: 1,
        ..clean()
    });
    assert!(!auto_approvable(
        &medium,
        &AutoApprovePolicy {
            enabled: true,
            max_score: 100
        }
    ));
}

#[test]
fn weights_and_policy_read_from_partial_toml() {
    let weights: RiskWeights = toml::from_str("intel_hit = 50\nhigh_from = 70").unwrap();
    assert_eq!(weights.intel_hit, 50);
    assert_eq!(weights.high_from, 70);
    assert_eq!(
        weights.domain_not_verified,
        RiskWeights::default().domain_not_verified
    );
    assert!(toml::from_str::<RiskWeights>("intel_hits = 50").is_err());
    assert!(toml::from_str::<RiskWeights>("intel_hit = 300").is_err());
    assert!(toml::from_str::<RiskWeights>("intel_hit = -1").is_err());

    let policy: AutoApprovePolicy = toml::from_str("enabled = true").unwrap();
    assert_eq!(policy, enabled());
    assert_eq!(
        toml::from_str::<AutoApprovePolicy>("").unwrap(),
        AutoApprovePolicy::default()
    );
}

#[test]
fn assessment_round_trips_through_json() {
    let inputs = RiskInputs {
        domain: DomainCheck::RecordMissing,
        watchlist_best_score: Some(0.9),
        country: vec![CountryCheck::HighRisk { country: cc("MM") }],
        ..clean()
    };
    let assessment = score(&inputs);
    let json = serde_json::to_value(&assessment).unwrap();
    assert_eq!(json["level"], "high");
    assert_eq!(
        json["mandatory_failed"],
        serde_json::json!(["domain_verified"])
    );
    assert_eq!(json["contributions"][0]["factor"], "domain_not_verified");
    assert_eq!(
        serde_json::from_value::<RiskAssessment>(json).unwrap(),
        assessment
    );
    let inputs_json = serde_json::to_string(&inputs).unwrap();
    assert_eq!(
        serde_json::from_str::<RiskInputs>(&inputs_json).unwrap(),
        inputs
    );
}

fn any_domain() -> impl Strategy<Value = DomainCheck> {
    prop_oneof![
        Just(DomainCheck::Verified),
        Just(DomainCheck::RecordMissing),
        Just(DomainCheck::token_mismatch(vec!["x".to_owned()])),
        Just(DomainCheck::Unreachable {
            reason: "t".to_owned()
        }),
    ]
}

fn any_email() -> impl Strategy<Value = EmailCheck> {
    prop_oneof![
        Just(EmailCheck::Matches {
            domain: "a.com".into()
        }),
        Just(EmailCheck::Alias {
            domain: "b.com".into()
        }),
        Just(EmailCheck::DomainMismatch {
            domain: "c.com".into()
        }),
        Just(EmailCheck::FreeMail {
            domain: "gmail.com".into()
        }),
        Just(EmailCheck::Invalid {
            reason: "bad".into()
        }),
    ]
}

fn any_country() -> impl Strategy<Value = CountryCheck> {
    (
        prop::sample::select(vec!["DE", "FR", "RU", "KP", "BR"]),
        0..3_u8,
    )
        .prop_map(|(code, kind)| {
            let country = cc(code);
            match kind {
                0 => CountryCheck::Allowed { country },
                1 => CountryCheck::HighRisk { country },
                _ => CountryCheck::Embargoed { country },
            }
        })
}

fn any_inputs() -> impl Strategy<Value = RiskInputs> {
    (
        any_domain(),
        any_email(),
        prop::collection::vec(any_country(), 0..4),
        prop::option::of(prop_oneof![-0.5..1.5_f64, Just(f64::NAN)]),
        0..4_usize,
        0..4_usize,
    )
        .prop_map(
            |(domain, email, country, watchlist_best_score, watchlist_hits, intel_hits)| {
                RiskInputs {
                    domain,
                    email,
                    country,
                    watchlist_best_score,
                    watchlist_hits,
                    intel_hits,
                }
            },
        )
}

/// Weights mostly small, so that sums seldom reach the cap and hide a change.
fn any_weights() -> impl Strategy<Value = RiskWeights> {
    let weight = prop_oneof![9 => 0..=30_u8, 1 => any::<u8>()];
    (prop::array::uniform10(weight), any::<u8>(), any::<u8>()).prop_map(|(w, a, b)| RiskWeights {
        domain_not_verified: w[0],
        email_alias: w[1],
        email_domain_mismatch: w[2],
        email_free_mail: w[3],
        email_invalid: w[4],
        country_high_risk: w[5],
        country_embargoed: w[6],
        watchlist_similarity: w[7],
        watchlist_hit: w[8],
        intel_hit: w[9],
        medium_from: a.min(b),
        high_from: a.max(b),
    })
}

/// One more piece of risk evidence added to `inputs`.
fn worsen(inputs: &RiskInputs, how: u8, country: CountryCheck, step: f64) -> RiskInputs {
    let mut worse = inputs.clone();
    match how % 7 {
        0 => worse.domain = DomainCheck::RecordMissing,
        1 => {
            if worse.email
                == (EmailCheck::Matches {
                    domain: "a.com".into(),
                })
            {
                worse.email = EmailCheck::FreeMail {
                    domain: "gmail.com".into(),
                };
            }
        }
        2 => worse.country.push(country),
        3 => {
            if let Some(slot) = worse.country.first_mut() {
                *slot = match *slot {
                    CountryCheck::Allowed { country } => CountryCheck::HighRisk { country },
                    CountryCheck::HighRisk { country } | CountryCheck::Embargoed { country } => {
                        CountryCheck::Embargoed { country }
                    }
                };
            }
        }
        4 => {
            worse.watchlist_best_score = match worse.watchlist_best_score {
                None => Some(step),
                Some(s) if s.is_nan() => Some(s),
                Some(s) => Some(s + step),
            }
        }
        5 => worse.watchlist_hits += 1,
        _ => worse.intel_hits += 1,
    }
    worse
}

proptest! {
    #[test]
    fn score_stays_within_0_to_100_and_level_matches_it(inputs in any_inputs(), weights in any_weights()) {
        let assessment = assess(&inputs, &weights);
        prop_assert!(assessment.score <= 100);
        let total: u32 = assessment.contributions.iter().map(|c| c.points).sum();
        prop_assert_eq!(u32::from(assessment.score), total.min(100));
        let expected = if assessment.score >= weights.high_from {
            RiskLevel::High
        } else if assessment.score >= weights.medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        };
        prop_assert_eq!(assessment.level, expected);
    }

    #[test]
    fn more_risk_evidence_never_lowers_the_score_or_level(
        inputs in any_inputs(),
        weights in any_weights(),
        how in any::<u8>(),
        country in any_country(),
        step in 0.0..1.0_f64,
    ) {
        let worse = worsen(&inputs, how, country, step);
        let before = assess(&inputs, &weights);
        let after = assess(&worse, &weights);
        prop_assert!(after.score >= before.score, "{:?} -> {:?}", before, after);
        prop_assert!(after.level >= before.level);
        for failed in &before.mandatory_failed {
            prop_assert!(after.mandatory_failed.contains(failed));
        }
    }

    #[test]
    fn auto_approval_implies_every_mandatory_check_passed(inputs in any_inputs(), max_score in any::<u8>()) {
        let assessment = score(&inputs);
        let policy = AutoApprovePolicy { enabled: true, max_score };
        if auto_approvable(&assessment, &policy) {
            prop_assert!(inputs.domain.is_verified());
            prop_assert!(inputs.email.is_acceptable());
            let embargoed = inputs.country.iter().any(|c| matches!(c, CountryCheck::Embargoed { .. }));
            prop_assert!(!embargoed);
            prop_assert!(assessment.score <= max_score);
            prop_assert_eq!(assessment.level, RiskLevel::Low);
        }
        let disabled = AutoApprovePolicy { enabled: false, max_score };
        prop_assert!(!auto_approvable(&assessment, &disabled));
    }
}

#[test]
fn default_email_weights_rank_alias_below_mismatch_below_free_mail() {
    let w = RiskWeights::default();
    assert!(w.email_alias < w.email_domain_mismatch);
    assert!(w.email_domain_mismatch <= w.email_free_mail);
    assert!(w.email_free_mail <= w.email_invalid);
    assert!(w.medium_from <= w.high_from);
}
