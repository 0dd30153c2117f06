//! Leases: one holder per key at a time; given back on release, on drop,
//! and (PostgreSQL) when the holder's connection dies.

use portcullis_store::{Backend, LeaseKey, Store as _};

use crate::contract;

contract!(a_lease_has_one_holder_until_released, |store, _db| {
    let other = store.clone();
    let mut held = store
        .try_lease(LeaseKey::LEADER)
        .await
        .unwrap()
        .expect("a free lease is granted");
    held.confirm().await.unwrap();
    assert!(
        other.try_lease(LeaseKey::LEADER).await.unwrap().is_none(),
        "a held lease is not granted twice"
    );
    // Another key is another lease.
    let partition = other
        .try_lease(LeaseKey::new(1_007))
        .await
        .unwrap()
        .expect("another key is free");
    assert_eq!(partition.key(), LeaseKey::new(1_007));

    held.release().await.unwrap();
    let mut taken = other
        .try_lease(LeaseKey::LEADER)
        .await
        .unwrap()
        .expect("a released lease is granted again");
    taken.confirm().await.unwrap();
    drop(taken);
    // Dropping closes the lease's connection; on PostgreSQL the server
    // ends that session (and frees its locks) a moment later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while store.try_lease(LeaseKey::LEADER).await.unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "a dropped lease is given back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
});

contract!(
    a_lease_whose_connection_dies_passes_to_another_holder,
    |store, _db| {
        if store.backend() != Backend::Postgres {
            return; // one process owns a SQLite file: there is no other node
        }
        let mut held = store.try_lease(LeaseKey::LEADER).await.unwrap().unwrap();
        // The holder's session is killed, as when its process dies.
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE application_name = 'portcullis-lease' AND datname = current_database()",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(killed, 1);
        assert!(
            held.confirm().await.is_err(),
            "the holder learns that its lease is gone"
        );
        // The server released the lock with the session (terminating is
        // asynchronous: poll until the lock is free, within a deadline).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            if let Some(mut lease) = store.try_lease(LeaseKey::LEADER).await.unwrap() {
                lease.confirm().await.unwrap();
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the lease of a dead session was never released"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
);
