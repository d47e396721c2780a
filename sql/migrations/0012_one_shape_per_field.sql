-- One shape per field. Ingredients become objects everywhere, and the words of
-- diets, goals and equipment become the one vocabulary of app/model/vocabulary.c
-- (slugs: "gluten-free", "resistance-band", "mat"), in preferences, content and
-- the saved revisions alike. Items whose document changed get a new updated_at,
-- so delta sync sends them again in their new shape.

-- A line of text as the CMS reads one (app/cms/content_form.c, ingredient()):
-- a leading number (or a/b) is the quantity, a unit word after it the unit,
-- the rest the name; a line without a leading number is all name. The units
-- are content_edit_units. The seed writes its recipes through it too.
CREATE FUNCTION ingredient_from_line(line text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    m text[];
    rest text;
    word text;
    q numeric;
    out jsonb;
BEGIN
    m := regexp_match(line, '^(-?[0-9]*\.?[0-9]+)(?:/([0-9]*\.?[0-9]+))?(?:[ \t]+(.*))?$');
    IF m IS NULL OR (m[2] IS NOT NULL AND m[2]::numeric = 0) THEN
        RETURN jsonb_build_object('name', line);
    END IF;
    q := CASE WHEN m[2] IS NULL THEN m[1]::numeric ELSE (m[1]::float8 / m[2]::float8)::numeric END;
    out := jsonb_build_object('quantity', q);
    rest := btrim(coalesce(m[3], ''), E' \t');
    word := substring(rest FROM '^[^ \t]+');
    IF word = ANY (ARRAY['g', 'kg', 'mg', 'ml', 'l', 'tsp', 'tbsp', 'cup', 'oz', 'lb', 'piece', 'slice', 'clove',
                         'pinch', 'handful', 'can', 'bunch', 'sprig', 'leaf', 'scoop']) THEN
        out := out || jsonb_build_object('unit', word);
        rest := btrim(substr(rest, length(word) + 1), E' \t');
    END IF;
    RETURN out || jsonb_build_object('name', rest);
END
$$;

-- A word of diets, goals or equipment as the vocabulary spells it.
CREATE FUNCTION vocabulary_word(w text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE s WHEN 'yoga-mat' THEN 'mat' ELSE s END
    FROM (SELECT regexp_replace(lower(btrim(w)), '[ _]+', '-', 'g') AS s) x
$$;

-- A list of words in its one shape: each once, in the vocabulary's spelling, in
-- byte order (as the model keeps them: content_edit_canonical), so a document
-- saved unchanged in the CMS, whose checkboxes have an order of their own, is
-- unchanged.
CREATE FUNCTION vocabulary_words(words jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(to_jsonb(w) ORDER BY w COLLATE "C"), '[]')
    FROM (SELECT DISTINCT vocabulary_word(d) AS w FROM jsonb_array_elements_text(words) AS e(d)) x
$$;

-- A body in its one shape: ingredients as objects, diet and equipment as vocabulary_words.
CREATE FUNCTION body_in_one_shape(b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT b
        || CASE WHEN jsonb_typeof(b->'ingredients') = 'array' THEN jsonb_build_object('ingredients',
               (SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(i) = 'string'
                                               THEN ingredient_from_line(i #>> '{}') ELSE i END ORDER BY n), '[]')
                FROM jsonb_array_elements(b->'ingredients') WITH ORDINALITY AS e(i, n))) ELSE '{}' END
        || CASE WHEN jsonb_typeof(b->'diet') = 'array'
                THEN jsonb_build_object('diet', vocabulary_words(b->'diet')) ELSE '{}' END
        || CASE WHEN jsonb_typeof(b->'equipment') = 'array'
                THEN jsonb_build_object('equipment', vocabulary_words(b->'equipment')) ELSE '{}' END
$$;

UPDATE content SET body = body_in_one_shape(body), updated_at = now()
WHERE body_in_one_shape(body) IS DISTINCT FROM body;

UPDATE content_revision
SET document = jsonb_set(document, '{body}', body_in_one_shape(document->'body'))
WHERE jsonb_typeof(document->'body') = 'object'
  AND body_in_one_shape(document->'body') IS DISTINCT FROM document->'body';

-- The model checks the words (vocabulary.c); a second list here would drift from it.
ALTER TABLE user_preferences DROP CONSTRAINT IF EXISTS user_preferences_diet_check;
-- A person's choices keep the order they were made in; only the spelling changes.
UPDATE user_preferences
SET diet = vocabulary_word(diet),
    goals = ARRAY(SELECT vocabulary_word(g) FROM unnest(goals) WITH ORDINALITY AS u(g, n) ORDER BY n),
    equipment = ARRAY(SELECT vocabulary_word(e) FROM unnest(equipment) WITH ORDINALITY AS u(e, n) ORDER BY n)
WHERE diet <> vocabulary_word(diet)
   OR goals <> ARRAY(SELECT vocabulary_word(g) FROM unnest(goals) WITH ORDINALITY AS u(g, n) ORDER BY n)
   OR equipment <> ARRAY(SELECT vocabulary_word(e) FROM unnest(equipment) WITH ORDINALITY AS u(e, n) ORDER BY n);

-- A media URL as the API serves it: absolute. A stored /media/ path (an upload)
-- is put under base, the public media base URL (media_base_url); an https URL
-- (a CDN's) stays as it is.
CREATE FUNCTION media_url(u text, base text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN left(u, 1) = '/' THEN base || u ELSE u END $$;

-- The same for the media URLs of a body (a workout's video_url, a run's audio_url).
CREATE FUNCTION media_urls_in(b jsonb, base text) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT b || jsonb_strip_nulls(jsonb_build_object('video_url', media_url(b->>'video_url', base),
                                                     'audio_url', media_url(b->>'audio_url', base)))
$$;
