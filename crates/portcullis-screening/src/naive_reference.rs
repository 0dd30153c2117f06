//! The index against the naive reference: screening through the index's
//! candidates finds the same matches as scoring every name, on lists small
//! enough that the candidate cap does not bind.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]

use crate::screener::Candidates;
use crate::{Entity, Kind, Query, Schema, Screener};

/// Names in every family the matcher reads, each listed and each queried
/// in another spelling.
const LISTED: &[(&str, Schema)] = &[
    ("Deng Xiaoping", Schema::Person),
    ("邓小平", Schema::Person),
    ("Mao Zedong", Schema::Person),
    ("Tsang Yam-kuen", Schema::Person),
    ("曾蔭權", Schema::Person),
    ("Kim Jong-un", Schema::Person),
    ("김정일", Schema::Person),
    ("Park Geun-hye", Schema::Person),
    ("Abd al-Rahman Yasin", Schema::Person),
    ("Usama bin Muhammad bin Awad bin Ladin", Schema::Person),
    ("محمد بن سلمان", Schema::Person),
    ("Hallam & Harrow Marine Services", Schema::Company),
    (
        "Kestrel Holdings Ltd trading as Bluewater Logistics",
        Schema::Company,
    ),
    ("National Iranian Oil Company", Schema::Company),
    ("NIOC", Schema::Company),
    ("ООО Ромашка", Schema::Company),
    ("Vladimir Putin", Schema::Person),
    ("Wang Wei", Schema::Person),
    ("Huang Wei", Schema::Person),
    ("John Smith", Schema::Person),
    ("Chan Tai-man", Schema::Person),
    ("陳大文", Schema::Person),
    ("Kim Jongun", Schema::Person),
    ("Lee Myung-bak", Schema::Person),
    ("孫逸仙", Schema::Person),
];

const QUERIES: &[(&str, Kind)] = &[
    ("Teng Hsiao-ping", Kind::Person),
    ("Xiaoping Deng", Kind::Person),
    ("Mao Tse-tung", Kind::Person),
    ("Zang Jam Kyun", Kind::Person),
    ("Kim Jongun", Kind::Person),
    ("Kim Chong-il", Kind::Person),
    ("Bak Geunhye", Kind::Person),
    ("Abdurrahman Yasin", Kind::Person),
    ("Osama bin Laden", Kind::Person),
    ("Mohammed bin Salman", Kind::Person),
    ("Hallam & Upjohn Marine Services", Kind::Organization),
    ("Bluewater Logistics", Kind::Organization),
    ("N.I.O.C.", Kind::Organization),
    ("Romashka LLC", Kind::Organization),
    ("Wladimir Putin", Kind::Person),
    ("Wong Wei", Kind::Person),
    ("Jon Smith", Kind::Person),
    ("Li Wei", Kind::Person),
    ("Chan Taiman", Kind::Person),
    ("Taiman Chan", Kind::Person),
    ("Kim Jong Un", Kind::Person),
    ("김정은", Kind::Person),
    ("Lee Myungbak", Kind::Person),
    ("Sun Yatsen", Kind::Person),
    ("Chan Kaiman", Kind::Person),
];

fn screener() -> Screener {
    Screener::new(
        LISTED
            .iter()
            .enumerate()
            .map(|(i, (name, schema))| Entity {
                id: format!("e{i}"),
                schema: *schema,
                names: vec![(*name).to_owned()],
                countries: vec![],
                birth_years: vec![],
            })
            .collect(),
    )
}

#[test]
fn indexed_screening_finds_what_scoring_every_name_finds() {
    let screener = screener();
    for threshold in [0.3, 0.5, 0.7] {
        for (name, kind) in QUERIES {
            let query = Query {
                name: (*name).to_owned(),
                country: None,
                birth_year: None,
                kind: *kind,
            };
            let indexed = screener.screen_with(&query, threshold, Candidates::Indexed);
            let naive = screener.screen_with(&query, threshold, Candidates::All);
            assert_eq!(indexed, naive, "{name} at {threshold}");
        }
    }
}

#[test]
fn the_naive_reference_is_not_empty() {
    let screener = screener();
    let query = Query {
        name: "Teng Hsiao-ping".to_owned(),
        country: None,
        birth_year: None,
        kind: Kind::Person,
    };
    let naive = screener.screen_with(&query, 0.7, Candidates::All);
    assert_eq!(
        naive
            .iter()
            .map(|m| m.entity_id.as_str())
            .collect::<Vec<_>>(),
        vec!["e0", "e1"]
    );
}
