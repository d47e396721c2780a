-- The CMS: staff accounts (separate from app users), their sessions, and the
-- audit log of every staff action. Session ids are 256-bit random values
-- stored only as SHA-256 hex; the CSRF token is the session's synchronizer token.

CREATE TABLE staff (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL UNIQUE,              -- normalised: trimmed, lowercase
    password_hash text NOT NULL,                     -- argon2id, PHC string
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    role          text NOT NULL CHECK (role IN ('editor', 'admin')),
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

CREATE TABLE staff_session (
    id_hash      text PRIMARY KEY,
    staff_id     uuid NOT NULL REFERENCES staff ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL                -- the absolute timeout; the idle one is checked on use
);
CREATE INDEX staff_session_staff_idx ON staff_session (staff_id);
CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);

-- Who did what, when, from where, with the record before and after. staff_email
-- is kept as text so an entry outlives its account; staff_id is NULL for
-- motusctl and for failed log-ins with an unknown address.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    staff_id    uuid REFERENCES staff ON DELETE SET NULL,
    staff_email text NOT NULL,
    action      text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]{0,63}$'),
    target_type text,
    target_id   text,
    before      jsonb,
    after       jsonb,
    at          timestamptz NOT NULL DEFAULT now(),
    remote_addr text
);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id DESC);
