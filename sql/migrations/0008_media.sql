-- Media: uploaded images, videos and audio. The bytes live on disk under
-- media_dir (storage_name is relative to it); this row is written only once
-- the file is in place, so no row ever names a missing file. Images are public
-- (served by the web server from media_dir/public); video and audio are
-- private and reach clients only through short-lived signed URLs.

CREATE TABLE media (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind          text NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
    content_type  text NOT NULL CHECK (content_type ~ '^[a-z]+/[a-z0-9.+-]+$'),
    bytes         bigint NOT NULL CHECK (bytes > 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_name  text NOT NULL UNIQUE CHECK (storage_name ~ '^(public|private)/[0-9a-f-]{36}\.[a-z0-9]{1,5}$'),
    original_name text NOT NULL DEFAULT '' CHECK (length(original_name) <= 255),
    created_by    text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The CMS library: newest first.
CREATE INDEX media_created_idx ON media (created_at DESC, id DESC);
CREATE INDEX media_kind_created_idx ON media (kind, created_at DESC, id DESC);
