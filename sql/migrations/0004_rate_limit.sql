-- Fixed-window rate limits (log-in, sign-up, password reset), shared by every
-- worker on every host. One row per key, reused window after window.
CREATE TABLE rate_limit (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL
);
