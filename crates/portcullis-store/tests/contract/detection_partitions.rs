use portcullis_domain::Timestamp;
use portcullis_store::{DetectionPartitionStore, PartitionProgress, PartitionSnapshot, Store};

use crate::contract;

fn snapshot(last_seq: i64, processed: i64, state: &str) -> PartitionSnapshot {
    PartitionSnapshot {
        partitions: 16,
        last_seq,
        processed,
        state: state.to_owned(),
    }
}

const AT: Timestamp = Timestamp::from_unix_millis(1_000);

contract!(
    a_partition_moves_forward_only_from_the_sequence_its_saver_read,
    |store, _db| {
        assert_eq!(store.load_detection_partition(3).await.unwrap(), None);
        // First save: from nothing.
        assert!(
            store
                .save_detection_partition(3, 0, &snapshot(10, 10, "a"), "n1", AT)
                .await
                .unwrap()
        );
        // A second node that also read "nothing" cannot save over it.
        assert!(
            !store
                .save_detection_partition(3, 0, &snapshot(7, 7, "b"), "n2", AT)
                .await
                .unwrap()
        );
        // The owner moves on from 10; a stale owner still at 10 cannot.
        assert!(
            store
                .save_detection_partition(3, 10, &snapshot(25, 20, "c"), "n1", AT)
                .await
                .unwrap()
        );
        assert!(
            !store
                .save_detection_partition(3, 10, &snapshot(30, 25, "d"), "n2", AT)
                .await
                .unwrap()
        );
        assert_eq!(
            store.load_detection_partition(3).await.unwrap(),
            Some(snapshot(25, 20, "c"))
        );
        assert!(
            store
                .save_detection_partition(0, 0, &snapshot(2, 2, "e"), "n2", AT)
                .await
                .unwrap()
        );
        assert_eq!(
            store.detection_partition_progress().await.unwrap(),
            vec![
                PartitionProgress {
                    partition: 0,
                    partitions: 16,
                    last_seq: 2,
                    processed: 2
                },
                PartitionProgress {
                    partition: 3,
                    partitions: 16,
                    last_seq: 25,
                    processed: 20
                },
            ]
        );
    }
);

contract!(
    partition_locks_are_held_by_one_member_and_freed_when_it_leaves,
    |store, _db| {
        let Some(mut first) = Store::partition_locks(&store).await.unwrap() else {
            // SQLite: one process owns the database; nothing to share.
            assert_eq!(store.backend(), portcullis_store::Backend::Sqlite);
            return;
        };
        let mut second = Store::partition_locks(&store).await.unwrap().unwrap();
        assert_ne!(first.member(), second.member());
        assert_eq!(first.members().await.unwrap(), 2);
        assert!(first.try_acquire(5).await.unwrap());
        assert!(!second.try_acquire(5).await.unwrap(), "held by the first");
        assert!(second.try_acquire(6).await.unwrap());
        first.release(5).await.unwrap();
        assert!(second.try_acquire(5).await.unwrap(), "released");
        assert!(!first.try_acquire(6).await.unwrap());
        // A member that goes away (its connection closes) frees everything.
        // (PostgreSQL ends the closed session's backend a moment later.)
        second.leave().await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while first.members().await.unwrap() != 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the member never left"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(first.try_acquire(5).await.unwrap());
        assert!(first.try_acquire(6).await.unwrap());
        assert!(first.alive().await);
    }
);
