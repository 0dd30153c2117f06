//! Indicators: upserted by id, newer versions win, sources counted, audited.

use portcullis_domain::IntelUpsert;
use portcullis_domain::Timestamp;
use portcullis_store::{AuditStore, IntelStore, StoredIndicator};

use crate::contract;
use crate::support::{audit_log, ctx};

fn indicator(id: &str, modified: Option<i64>, pattern: &str) -> StoredIndicator {
    StoredIndicator {
        id: id.into(),
        source: String::new(),
        name: Some(format!("name of {id}")),
        pattern: pattern.into(),
        observable_type: "domain-name".into(),
        valid_from: Timestamp::from_unix_millis(0),
        valid_until: None,
        revoked: false,
        confidence: Some(80),
        modified: modified.map(Timestamp::from_unix_millis),
        attributes: "{}".into(),
    }
}

contract!(newer_versions_replace_older_ones_only, |store, _db| {
    let first = store
        .upsert_indicators(
            &ctx(1_000),
            "feed-a",
            &[
                indicator("indicator--1", Some(10), "[domain-name:value = 'a.com']"),
                indicator("indicator--2", None, "[domain-name:value = 'b.com']"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        first,
        IntelUpsert {
            inserted: 2,
            updated: 0,
            unchanged: 0
        }
    );
    let second = store
        .upsert_indicators(
            &ctx(2_000),
            "feed-a",
            &[
                indicator("indicator--1", Some(20), "[domain-name:value = 'a2.com']"),
                indicator("indicator--1", Some(5), "[domain-name:value = 'old.com']"),
                indicator("indicator--2", None, "[domain-name:value = 'b2.com']"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        second,
        IntelUpsert {
            inserted: 0,
            updated: 1,
            unchanged: 2
        }
    );
    store
        .upsert_indicators(
            &ctx(3_000),
            "feed-b",
            &[indicator(
                "indicator--3",
                None,
                "[domain-name:value = 'c.com']",
            )],
        )
        .await
        .unwrap();
    let all = store.all_indicators().await.unwrap();
    let patterns: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|i| (i.id.as_str(), i.source.as_str(), i.pattern.as_str()))
        .collect();
    assert_eq!(
        patterns,
        [
            ("indicator--1", "feed-a", "[domain-name:value = 'a2.com']"),
            ("indicator--2", "feed-a", "[domain-name:value = 'b.com']"),
            ("indicator--3", "feed-b", "[domain-name:value = 'c.com']"),
        ]
    );
    assert_eq!(all[0].confidence, Some(80));
    let sources = store.intel_sources().await.unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(
        (sources[0].source.as_str(), sources[0].indicators),
        ("feed-a", 2)
    );
    assert_eq!(sources[0].last_imported_at.unix_millis(), 2_000);
    let last = audit_log(&store).await.pop().unwrap();
    assert_eq!(
        (last.operation.as_str(), last.target_id.as_str()),
        ("intel.import", "feed-b")
    );
    assert!(store.verify_audit().await.unwrap().is_ok());
});
