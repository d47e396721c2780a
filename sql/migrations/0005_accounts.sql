-- Accounts and the OAuth 2 state around them. Secrets (codes, refresh and
-- email tokens) are 256-bit random values stored only as SHA-256 hex.

CREATE TABLE app_user (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email             text NOT NULL UNIQUE,          -- normalised: trimmed, lowercase
    password_hash     text NOT NULL,                 -- argon2id, PHC string
    display_name      text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    email_verified_at timestamptz,
    disabled_at       timestamptz,
    deleted_at        timestamptz,                   -- erased: personal data gone, row kept for accounting
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Registered OAuth clients (the iOS, Android and web apps): public clients, PKCE only.
CREATE TABLE oauth_client (
    client_id     text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    name          text NOT NULL,
    redirect_uris text[] NOT NULL CHECK (cardinality(redirect_uris) > 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Authorization codes: single use, bound to the client, redirect URI and PKCE challenge.
CREATE TABLE oauth_code (
    code_hash      text PRIMARY KEY,
    client_id      text NOT NULL REFERENCES oauth_client ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    redirect_uri   text NOT NULL,
    code_challenge text NOT NULL,
    scope          text NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    family_id      uuid                              -- the refresh family it started, to revoke on reuse
);

-- Refresh tokens: single use; each refresh rotates within a family; a used
-- token presented again revokes the whole family.
CREATE TABLE refresh_token (
    token_hash  text PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    client_id   text NOT NULL REFERENCES oauth_client ON DELETE CASCADE,
    scope       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);
CREATE INDEX refresh_token_user ON refresh_token (user_id) WHERE revoked_at IS NULL;

-- Email verification and password reset links.
CREATE TABLE email_token (
    token_hash text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE user_preferences (
    user_id   uuid PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    diet      text NOT NULL DEFAULT 'omnivore'
              CHECK (diet IN ('omnivore', 'vegetarian', 'vegan', 'pescatarian', 'keto', 'paleo', 'gluten_free')),
    goals     text[] NOT NULL DEFAULT '{}',
    equipment text[] NOT NULL DEFAULT '{}',
    units     text NOT NULL DEFAULT 'metric' CHECK (units IN ('metric', 'imperial')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Marketing and analytics consent: every change is a row (time and source), the latest wins.
CREATE TABLE user_consent (
    id          bigserial PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('marketing_email', 'analytics')),
    granted     boolean NOT NULL,
    source      text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_consent_latest ON user_consent (user_id, kind, recorded_at DESC);
