-- Entitlements (premium scopes granted to users) and content revisions.

-- One row per user and scope: granting again replaces the expiry and who
-- granted it and clears a revocation. A grant is active while it is not
-- revoked and expires_at lies ahead; every grant has an expiry (staff grant
-- for a period; subscriptions will feed the same table with their renewal
-- dates). Access tokens carry the active scopes at issuance.
CREATE TABLE entitlement (
    user_id    uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    scope      text NOT NULL CHECK (scope ~ '^premium:[a-z0-9_.-]{1,56}$'),
    expires_at timestamptz NOT NULL,
    granted_by text NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 200),
    granted_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    PRIMARY KEY (user_id, scope)
);
CREATE INDEX entitlement_active_idx ON entitlement (user_id, expires_at) WHERE revoked_at IS NULL;

-- Every save of a content item keeps its editable document, numbered from 1
-- per item; restoring one saves it again as the next number.
CREATE TABLE content_revision (
    content_id bigint NOT NULL REFERENCES content ON DELETE CASCADE,
    number     integer NOT NULL CHECK (number >= 1),
    document   jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    saved_by   text NOT NULL CHECK (length(saved_by) BETWEEN 1 AND 200),
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (content_id, number)
);
