-- Every change says who made it, whichever face it came through: the actor is
-- "staff:<email>" (the CMS), "cli:<unix user>" (motusctl), "ops-api" (the
-- operations API) or "job:<kind>" (a queue job). staff_id and staff_email stay
-- for staff actors, so an entry still names the account after it is renamed.
ALTER TABLE audit_log ADD COLUMN actor text;
UPDATE audit_log SET actor = CASE WHEN staff_email = 'motusctl' THEN 'cli:motusctl' ELSE 'staff:' || staff_email END;
UPDATE audit_log SET staff_email = NULL WHERE staff_email = 'motusctl';
ALTER TABLE audit_log ALTER COLUMN actor SET NOT NULL,
    ALTER COLUMN staff_email DROP NOT NULL,
    ADD CONSTRAINT audit_log_actor_shape CHECK (actor ~ '^[a-z][a-z-]*(:.+)?$' AND length(actor) <= 300);
CREATE INDEX audit_log_actor_idx ON audit_log (lower(actor), id DESC);

-- Media, revisions and grants name the same actor: as long as any actor may be
-- ("staff:" and an email address of up to 254 characters).
ALTER TABLE media DROP CONSTRAINT media_created_by_check,
    ADD CONSTRAINT media_created_by_check CHECK (length(created_by) BETWEEN 1 AND 300);
ALTER TABLE content_revision DROP CONSTRAINT content_revision_saved_by_check,
    ADD CONSTRAINT content_revision_saved_by_check CHECK (length(saved_by) BETWEEN 1 AND 300);
ALTER TABLE entitlement DROP CONSTRAINT entitlement_granted_by_check,
    ADD CONSTRAINT entitlement_granted_by_check CHECK (length(granted_by) BETWEEN 1 AND 300);

-- Media ids in content bodies are kept lowercase, as media rows are: the premium
-- check of a file looks for its id in the bodies of premium items.
UPDATE content SET body = body || jsonb_strip_nulls(jsonb_build_object(
        'video_media_id', lower(body->>'video_media_id'), 'audio_media_id', lower(body->>'audio_media_id')))
    WHERE body->>'video_media_id' <> lower(body->>'video_media_id')
       OR body->>'audio_media_id' <> lower(body->>'audio_media_id');
