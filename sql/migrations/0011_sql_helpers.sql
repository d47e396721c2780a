-- The time formats the models' statements share, as functions, so each
-- statement reads as plain SQL wherever it lives. STABLE like the built-ins
-- they wrap, which lets the planner inline them: they cost nothing extra.

-- RFC 3339 in UTC, to the second: what the API and the audit log say.
CREATE FUNCTION iso_utc(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- The same for people: "2026-05-01 07:00:00 UTC", as the CMS shows times.
CREATE FUNCTION text_utc(t timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') $$;

-- Microseconds since the Unix epoch and back: the sort keys of keyset cursors.
CREATE FUNCTION epoch_us(t timestamptz) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;
CREATE FUNCTION from_epoch_us(us bigint) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT timestamptz 'epoch' + us * interval '1 microsecond' $$;
