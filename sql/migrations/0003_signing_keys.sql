-- Keys that sign access tokens (ES256, P-256). One key is active: it signs.
-- A rotated key is retired (it no longer signs) but stays published in the
-- JWKS until expires_at = retired_at + signing_keys_refresh_s (how long a worker may still sign
-- with its cached copy) + access-token lifetime + leeway, when
-- every token it signed has expired. kid is the RFC 7638 thumbprint; public_jwk
-- is json, not jsonb, so the JWKS is served exactly as it was written.

CREATE TABLE signing_key (
    kid          text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{43}$'),
    alg          text NOT NULL DEFAULT 'ES256' CHECK (alg = 'ES256'),
    private_pem  text NOT NULL,
    public_pem   text NOT NULL,
    public_jwk   json NOT NULL CHECK (public_jwk->>'kid' = kid AND public_jwk->>'kty' = 'EC'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at   timestamptz,
    expires_at   timestamptz,
    CHECK (retired_at IS NULL OR activated_at IS NOT NULL),
    CHECK ((retired_at IS NULL) = (expires_at IS NULL))
);

-- At most one key signs at a time.
CREATE UNIQUE INDEX signing_key_one_active ON signing_key ((true))
    WHERE activated_at IS NOT NULL AND retired_at IS NULL;
