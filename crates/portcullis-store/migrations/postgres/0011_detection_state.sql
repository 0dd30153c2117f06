-- The detection engine's persisted state: how far into the activity stream
-- it has read, and its per-entity state (JSON), so that a restart resumes
-- without re-alerting. One row.

CREATE TABLE detection_state (
    id BIGINT PRIMARY KEY NOT NULL,
    cursor BIGINT NOT NULL,
    state TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);
