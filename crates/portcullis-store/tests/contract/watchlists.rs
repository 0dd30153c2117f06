//! Watchlists: loads replace a list whole, versioned and audited.

use portcullis_domain::Timestamp;
use portcullis_domain::WatchlistInfo;
use portcullis_store::{AuditStore, StoreError, StoredEntity, WatchlistStore};

use crate::contract;
use crate::support::{audit_log, ctx};

fn info(name: &str) -> WatchlistInfo {
    WatchlistInfo {
        name: name.into(),
        format: "ftm".into(),
        entity_count: 0,
        rejected_count: 1,
        loaded_at: Timestamp::from_unix_millis(0),
        version: 0,
    }
}

fn entities(ids: &[&str]) -> Vec<StoredEntity> {
    ids.iter()
        .map(|id| StoredEntity {
            entity_id: (*id).into(),
            fingerprint: format!("fp-{id}"),
            entity: format!("{{\"id\":\"{id}\"}}"),
        })
        .collect()
}

contract!(loads_replace_the_list_whole, |store, _db| {
    let many: Vec<String> = (0..1_234).map(|i| format!("e{i}")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let first = store
        .replace_watchlist(&ctx(1_000), &info("sanctions"), &entities(&refs))
        .await
        .unwrap();
    assert_eq!((first.version, first.entity_count), (1, 1_234));
    store
        .replace_watchlist(&ctx(2_000), &info("peps"), &entities(&["p1"]))
        .await
        .unwrap();
    let second = store
        .replace_watchlist(&ctx(3_000), &info("sanctions"), &entities(&["a", "b"]))
        .await
        .unwrap();
    assert_eq!((second.version, second.entity_count), (2, 2));
    assert_eq!(second.loaded_at.unix_millis(), 3_000);
    let all = store.all_watchlist_entities().await.unwrap();
    let ids: Vec<(String, String)> = all.into_iter().map(|(l, e)| (l, e.entity_id)).collect();
    assert_eq!(
        ids,
        [
            ("peps".into(), "p1".into()),
            ("sanctions".into(), "a".into()),
            ("sanctions".into(), "b".into())
        ]
    );
    let names: Vec<String> = store
        .list_watchlists()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["peps", "sanctions"]);
    let log = audit_log(&store).await;
    let last = log.last().unwrap();
    assert_eq!(
        (last.operation.as_str(), last.target_id.as_str()),
        ("watchlist.load", "sanctions")
    );
    assert!(
        last.after
            .as_deref()
            .unwrap()
            .contains("\"entity_count\":2")
    );
    assert!(store.verify_audit().await.unwrap().is_ok());
});

contract!(a_load_with_a_duplicate_id_changes_nothing, |store, _db| {
    store
        .replace_watchlist(&ctx(1_000), &info("sanctions"), &entities(&["a"]))
        .await
        .unwrap();
    let err = store
        .replace_watchlist(&ctx(2_000), &info("sanctions"), &entities(&["x", "x"]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidChange(_)), "{err:?}");
    let all = store.all_watchlist_entities().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1.entity_id, "a");
});

contract!(deleting_a_list_removes_its_entities, |store, _db| {
    store
        .replace_watchlist(&ctx(1_000), &info("sanctions"), &entities(&["a"]))
        .await
        .unwrap();
    store
        .delete_watchlist(&ctx(2_000), "sanctions")
        .await
        .unwrap();
    assert!(store.all_watchlist_entities().await.unwrap().is_empty());
    assert!(store.list_watchlists().await.unwrap().is_empty());
    assert!(matches!(
        store.delete_watchlist(&ctx(3_000), "sanctions").await,
        Err(StoreError::NotFound)
    ));
});
