-- Remote client configuration: per platform, the oldest app version still
-- supported, the newest one, and feature flags that switch on from a version.
-- Versions are stored normalised as major.minor.patch and compared as int[].

CREATE TABLE client_config (
    platform       text PRIMARY KEY CHECK (platform IN ('ios', 'android', 'web')),
    min_version    text NOT NULL CHECK (min_version ~ '^[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}$'),
    latest_version text NOT NULL CHECK (latest_version ~ '^[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}$'),
    update_url     text,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (string_to_array(min_version, '.')::int[] <= string_to_array(latest_version, '.')::int[])
);

CREATE TABLE client_feature (
    platform    text NOT NULL REFERENCES client_config (platform) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    enabled     boolean NOT NULL DEFAULT true,
    min_version text CHECK (min_version ~ '^[0-9]{1,5}\.[0-9]{1,5}\.[0-9]{1,5}$'),
    PRIMARY KEY (platform, name)
);
