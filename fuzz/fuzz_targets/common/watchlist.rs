//! What both watchlist targets check on a loaded list.

use portcullis_screening::{Kind, LoadLimits, LoadReport, Query, Screener, Watchlist};

/// Small caps, so the capped paths (long line, truncated file) are reached.
pub const LIMITS: LoadLimits = LoadLimits {
    max_line_bytes: 2048,
    max_total_bytes: 16 * 1024,
};

/// Every entity has a name and is found by id; the screener built from the
/// list screens the first few listed names with scores in 0..=1.
pub fn check(report: LoadReport) {
    let list = Watchlist::new(report.entities);
    for entity in list.entities() {
        assert!(list.get(&entity.id).is_some(), "entity found by id");
        assert!(!entity.names.is_empty(), "an entity has a name");
    }
    let queries: Vec<Query> = list
        .entities()
        .take(4)
        .filter_map(|e| {
            Some(Query {
                name: e.names.first()?.clone(),
                country: e.countries.first().cloned(),
                birth_year: e.birth_years.first().copied(),
                kind: Kind::Person,
            })
        })
        .collect();
    let screener = Screener::new(list.entities().cloned().collect());
    for query in &queries {
        for hit in screener.screen(query, 0.0) {
            assert!((0.0..=1.0).contains(&hit.score), "score {}", hit.score);
        }
    }
}
