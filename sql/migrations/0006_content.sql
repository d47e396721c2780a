-- Content: workouts, recipes and audio runs, their tags and likes. An item is
-- published when status = 'published' and deleted_at IS NULL; a deleted item
-- keeps its row as a tombstone so delta sync can report the removal.

CREATE TABLE content (
    id             bigserial PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    kind           text NOT NULL CHECK (kind IN ('workout', 'recipe', 'run')),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary        text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    -- Kind-specific: recipe {meal, servings, ingredients[], steps[], nutrition{}, diet[]};
    -- workout {duration_s, level, equipment[], body_focus[]}; run {duration_s, week, day, transcript (WebVTT)}.
    body           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(body) = 'object'),
    image_url      text,
    duration_s     integer CHECK (duration_s >= 0),
    access         text NOT NULL DEFAULT 'free' CHECK (access IN ('free', 'premium')),
    required_scope text CHECK (required_scope ~ '^[a-z][a-z0-9_:.-]{0,63}$'),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'scheduled')),
    publish_at     timestamptz,
    published_at   timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz,
    search         tsvector GENERATED ALWAYS AS
                       (to_tsvector('english', title || ' ' || summary)) STORED,
    CHECK ((access = 'premium') = (required_scope IS NOT NULL)),
    CHECK (status <> 'scheduled' OR publish_at IS NOT NULL),
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);

-- The list's keyset order, and the delta-sync order.
CREATE INDEX content_published_idx ON content (published_at DESC, id DESC)
    WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX content_updated_idx ON content (updated_at, id);
CREATE INDEX content_search_idx ON content USING gin (search);
CREATE INDEX content_body_idx ON content USING gin (body jsonb_path_ops);

CREATE TABLE tag (
    id   serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,49}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80)
);

CREATE TABLE content_tag (
    content_id bigint NOT NULL REFERENCES content ON DELETE CASCADE,
    tag_id     integer NOT NULL REFERENCES tag ON DELETE CASCADE,
    PRIMARY KEY (content_id, tag_id)
);
CREATE INDEX content_tag_tag_idx ON content_tag (tag_id, content_id);

CREATE TABLE content_like (
    user_id    uuid NOT NULL REFERENCES app_user ON DELETE CASCADE,
    content_id bigint NOT NULL REFERENCES content ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, content_id)
);
CREATE INDEX content_like_content_idx ON content_like (content_id, created_at);
