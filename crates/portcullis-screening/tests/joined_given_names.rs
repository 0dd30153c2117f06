//! Korean and Cantonese given names written joined (`Kim Jongun`, `Chan
//! Taiman`), hyphenated or spaced (`Kim Jong-un`, `Chan Tai Man`), or in
//! Hangul and Han characters find each other in both directions and both
//! orders, on a list where the surname alone is far too common to bring
//! the entity among the candidates (a thousand Kims and a thousand Chans
//! with other given names, written every way).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

use portcullis_screening::{DEFAULT_THRESHOLD, Entity, Kind, Query, Schema, Screener};
use support::synth::{self, Rng};

const KOREAN: &[&str] = &[
    "min", "seo", "jun", "ji", "hyun", "woo", "young", "soo", "ho", "jae", "sung", "hee", "kyung",
    "tae", "sang", "hwan",
];
const CANTONESE: &[&str] = &[
    "ka", "wai", "kin", "chi", "fai", "kwok", "wing", "yin", "siu", "hung", "lok", "shing", "yee",
    "kit",
];

/// A given name of two syllables written one of the three ways.
fn given(rng: &mut Rng, syllables: &[&str]) -> String {
    let (a, b) = (rng.pick(syllables), rng.pick(syllables));
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    match rng.below(3) {
        0 => format!("{}-{b}", cap(a)),
        1 => format!("{}{b}", cap(a)),
        _ => format!("{} {}", cap(a), cap(b)),
    }
}

fn person(id: String, name: &str) -> Entity {
    Entity {
        id,
        schema: Schema::Person,
        names: vec![name.to_owned()],
        countries: vec![],
        birth_years: vec![],
    }
}

/// The listed names under test, after a crowd of namesakes.
const LISTED: &[&str] = &[
    "Kim Jong-un",
    "Kim Jongun",
    "김정은",
    "Chan Tai-man",
    "Chan Taiman",
    "陳大文",
    "Lee Myung-bak",
    "Cheung Kwok-wing",
    "Sun Yat-sen",
];

fn screener() -> Screener {
    let mut rng = Rng::new(5);
    let mut entities = synth::entities(3_000, 13);
    for i in 0..1_000 {
        let name = format!("Kim {}", given(&mut rng, KOREAN));
        entities.push(person(format!("kim-{i}"), &name));
        let name = format!("Chan {}", given(&mut rng, CANTONESE));
        entities.push(person(format!("chan-{i}"), &name));
    }
    for (i, name) in LISTED.iter().enumerate() {
        entities.push(person(format!("listed-{i}"), name));
    }
    Screener::new(entities)
}

fn found(screener: &Screener, query: &str, listed: &str) -> bool {
    let i = LISTED.iter().position(|l| *l == listed).unwrap();
    let hits = screener.screen(
        &Query {
            name: query.to_owned(),
            country: None,
            birth_year: None,
            kind: Kind::Person,
        },
        DEFAULT_THRESHOLD,
    );
    hits.iter().any(|m| m.entity_id == format!("listed-{i}"))
}

#[test]
fn joined_split_and_native_given_names_find_each_other_among_namesakes() {
    let screener = screener();
    for (query, listed) in [
        // Korean: the list splits, the applicant joins
        ("Kim Jongun", "Kim Jong-un"),
        ("Jongun Kim", "Kim Jong-un"),
        ("KIM JONGUN", "Kim Jong-un"),
        ("Kim Jongun", "김정은"),
        ("Jongun Kim", "김정은"),
        // the list joins, the applicant splits or writes Hangul
        ("Kim Jong Un", "Kim Jongun"),
        ("Jong-un Kim", "Kim Jongun"),
        ("김정은", "Kim Jongun"),
        ("김정은", "Kim Jong-un"),
        ("Lee Myungbak", "Lee Myung-bak"),
        ("Myungbak Lee", "Lee Myung-bak"),
        // Cantonese, both ways and in Han characters
        ("Chan Taiman", "Chan Tai-man"),
        ("Taiman Chan", "Chan Tai-man"),
        ("Chan Taiman", "陳大文"),
        ("Chan Tai Man", "Chan Taiman"),
        ("Tai-man Chan", "Chan Taiman"),
        ("陳大文", "Chan Taiman"),
        ("陳大文", "Chan Tai-man"),
        ("Cheung Kwokwing", "Cheung Kwok-wing"),
        // an older spelling, joined
        ("Sun Yatsen", "Sun Yat-sen"),
    ] {
        assert!(found(&screener, query, listed), "{query} ~ {listed}");
    }
}

#[test]
fn a_different_joined_given_name_is_not_the_same_person() {
    let screener = screener();
    for (query, listed) in [
        ("Kim Jongnam", "Kim Jong-un"),
        ("Kim Jongil", "김정은"),
        ("김정일", "Kim Jongun"),
        ("Chan Taiming", "Chan Tai-man"),
        ("Chan Kaiman", "陳大文"),
        ("Lee Myunghee", "Lee Myung-bak"),
    ] {
        assert!(!found(&screener, query, listed), "{query} ~ {listed}");
    }
}
