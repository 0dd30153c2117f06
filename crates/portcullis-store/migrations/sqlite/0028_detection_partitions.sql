-- Partitioned detection (several nodes on NATS JetStream): one row per
-- partition of the activity stream, holding the partition's detection
-- state (JSON), the last JetStream stream sequence it took in and how many
-- events it ran through detection. The three move together in one
-- transaction, compared-and-set on `last_seq`, so a partition's new owner
-- resumes exactly where the last commit left off.

CREATE TABLE detection_partitions (
    partition_no INTEGER PRIMARY KEY NOT NULL,
    partitions INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);
