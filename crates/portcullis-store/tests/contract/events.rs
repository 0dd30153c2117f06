use portcullis_domain::EventFilter;
use portcullis_domain::{ActivityEvent, PageRequest, Timestamp};
use portcullis_store::EventStore;

use crate::contract;

fn event(uid: &str, time: i64, user: &str) -> ActivityEvent {
    ActivityEvent {
        uid: uid.to_owned(),
        class_uid: 6003,
        time: Timestamp::from_unix_millis(time),
        status_id: 1,
        partner_tenant_id: Some("p".into()),
        user_id: Some(user.to_owned()),
        customer_tenant_id: Some("c".into()),
        operation: Some("users.read".into()),
        body: serde_json::json!({"class_uid": 6003, "metadata": {"uid": uid}, "nested": {"n": [1, 2]}}),
    }
}

contract!(
    events_append_in_order_and_ignore_duplicate_uids,
    |store, _db| {
        let added = store
            .append_events(&[
                event("a", 10, "u1"),
                event("b", 20, "u2"),
                event("a", 30, "u1"),
            ])
            .await
            .unwrap();
        assert_eq!(added, 2, "the second `a` is a duplicate");
        assert_eq!(
            store.append_events(&[event("b", 20, "u2")]).await.unwrap(),
            0
        );
        let all = store
            .list_events(&EventFilter::default(), &PageRequest::first(10))
            .await
            .unwrap();
        let uids: Vec<_> = all.items.iter().map(|e| e.event.uid.as_str()).collect();
        assert_eq!(uids, ["a", "b"]);
        assert_eq!(
            all.items[0].event,
            event("a", 10, "u1"),
            "the body round-trips"
        );
        assert!(all.items[0].seq < all.items[1].seq);
    }
);

contract!(events_filter_by_subject_and_time_and_page, |store, _db| {
    let batch: Vec<_> = (0..5)
        .map(|n| {
            event(
                &format!("e{n}"),
                100 * n,
                if n % 2 == 0 { "even" } else { "odd" },
            )
        })
        .collect();
    store.append_events(&batch).await.unwrap();
    let even = EventFilter {
        since: Some(Timestamp::from_unix_millis(100)),
        until: Some(Timestamp::from_unix_millis(400)),
        ..EventFilter::default()
    };
    let window = store
        .list_events(&even, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(window.items.len(), 3, "100 inclusive to 400 exclusive");
    let first = store
        .list_events(&EventFilter::default(), &PageRequest::first(2))
        .await
        .unwrap();
    let second = store
        .list_events(
            &EventFilter::default(),
            &PageRequest::new(Some(2), first.next.clone()).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(first.items.len() + second.items.len(), 4);
    assert!(second.items[0].seq > first.items[1].seq);
    // Newest first: the same events from the other end, paged the same way.
    let newest = EventFilter {
        newest_first: true,
        ..EventFilter::default()
    };
    let latest = store
        .list_events(&newest, &PageRequest::first(3))
        .await
        .unwrap();
    let rest = store
        .list_events(
            &newest,
            &PageRequest::new(Some(3), latest.next.clone()).unwrap(),
        )
        .await
        .unwrap();
    let seqs: Vec<i64> = latest
        .items
        .iter()
        .chain(&rest.items)
        .map(|e| e.seq)
        .collect();
    let everything = store
        .list_events(&EventFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    let mut ascending: Vec<i64> = everything.items.iter().map(|e| e.seq).collect();
    ascending.reverse();
    assert_eq!(ascending.len(), 5);
    assert_eq!(seqs, ascending, "every event once, newest first");
    assert!(rest.next.is_none());
});

contract!(
    a_large_batch_is_stored_whole_across_statements,
    |store, _db| {
        let batch: Vec<_> = (0..450)
            .map(|n| event(&format!("bulk{n}"), n, "u"))
            .collect();
        let mut with_duplicates = batch.clone();
        with_duplicates.extend(batch[..10].iter().cloned());
        assert_eq!(store.append_events(&with_duplicates).await.unwrap(), 450);
        let mut seen = Vec::new();
        let mut page = PageRequest::first(200);
        loop {
            let got = store
                .list_events(&EventFilter::default(), &page)
                .await
                .unwrap();
            seen.extend(got.items.iter().map(|e| e.event.uid.clone()));
            match got.next {
                Some(next) => page = PageRequest::new(Some(200), Some(next)).unwrap(),
                None => break,
            }
        }
        let sent: Vec<_> = batch.iter().map(|e| e.uid.clone()).collect();
        assert_eq!(seen, sent, "each stored once, in the order sent");
    }
);

contract!(
    pruning_deletes_only_events_before_the_cutoff,
    |store, _db| {
        store
            .append_events(&[
                event("old", 1_000, "u1"),
                event("edge", 2_000, "u1"),
                event("new", 3_000, "u1"),
            ])
            .await
            .unwrap();
        assert_eq!(
            store
                .prune_events(Timestamp::from_unix_millis(2_000))
                .await
                .unwrap(),
            1
        );
        let left: Vec<String> = store
            .list_events(&EventFilter::default(), &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.event.uid)
            .collect();
        assert_eq!(left, ["edge", "new"]);
        assert_eq!(
            store
                .prune_events(Timestamp::from_unix_millis(2_000))
                .await
                .unwrap(),
            0
        );
    }
);
