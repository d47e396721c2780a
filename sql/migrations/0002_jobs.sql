-- The durable job queue: jobs are enqueued in the transaction that causes
-- them (transactional outbox) and claimed by motus-worker processes with
-- FOR UPDATE SKIP LOCKED. A claimed job is leased: when its worker dies the
-- lease expires and another worker takes it over. Failed jobs come back after
-- a growing delay; after max_attempts they stay 'dead' (the dead letters)
-- until retried by hand.

CREATE TABLE job (
    id              bigserial PRIMARY KEY,
    queue           text NOT NULL CHECK (queue ~ '^[a-z][a-z0-9_]{0,47}$'),
    kind            text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,62}$'),
    payload         jsonb NOT NULL DEFAULT '{}',
    idempotency_key text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts    int NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
    run_at          timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    locked_by       text,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CHECK (state <> 'running' OR locked_until IS NOT NULL)
);

-- The claim: due pending jobs of some queues, oldest first ...
CREATE INDEX job_pending_idx ON job (queue, run_at, id) WHERE state = 'pending';
-- ... and running jobs whose worker's lease has expired.
CREATE INDEX job_running_idx ON job (queue, locked_until) WHERE state = 'running';
-- motusctl jobs list / purge.
CREATE INDEX job_finished_idx ON job (state, finished_at) WHERE state IN ('done', 'dead');
