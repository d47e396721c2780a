/* content_edit_rules: the rules an editable content document must keep (pure; no database). */
#include "arena.h"
#include "content.h"
#include "content_edit.h"
#include "entitlement.h"
#include "json.h"
#include "str.h"
#include "validate.h"
#include "vocabulary.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX      200
#define SUMMARY_MAX    1000
#define URL_MAX        2000
#define TAGS_MAX       20
#define LIST_MAX       100
#define LINE_MAX       200
#define STEP_MAX       2000
#define TRANSCRIPT_MAX 200000
#define DURATION_MAX   86400

static const char *const fields[] = {"slug",      "kind",       "title", "summary", "access", "required_scope",
				     "image_url", "duration_s", "tags",  "body",    NULL};
static const char *const accesses[] = {"free", "premium", NULL};
const char *const content_edit_meals[] = {"breakfast", "lunch", "dinner", "snack", NULL};
const char *const content_edit_levels[] = {"beginner", "intermediate", "advanced", NULL};
const char *const content_edit_units[] = {"g",       "kg",  "mg",    "ml",    "l",     "tsp",   "tbsp",
					  "cup",     "oz",  "lb",    "piece", "slice", "clove", "pinch",
					  "handful", "can", "bunch", "sprig", "leaf",  "scoop", NULL};
const char *const content_edit_nutrients[] = {"kcal",    "protein_g", "carbs_g", "fat_g",     "saturated_fat_g",
					      "fibre_g", "sugar_g",   "salt_g",  "sodium_mg", NULL};
static const char *const recipe_fields[] = {"meal", "servings", "ingredients", "steps", "nutrition", "diet", NULL};
static const char *const ingredient_fields[] = {"name", "quantity", "unit", NULL};
static const char *const workout_fields[] = {"level", "equipment", "body_focus", "video_media_id", "video_url", NULL};
static const char *const run_fields[] = {"week", "day", "transcript", "audio_media_id", "audio_url", NULL};
/* Reached through other routes: no item may take these slugs. */
static const char *const reserved[] = {"popular", "changes", NULL};

static const char *at(struct validate *v, const char *base, size_t i)
{
	return arena_printf(v->arena, "%s[%zu]", base, i);
}

static const char *dot(struct validate *v, const char *base, const char *name)
{
	return arena_printf(v->arena, "%s.%s", base, name);
}

/* Like validate_known_fields, for a nested object whose path is prefix. */
static void known_fields(struct validate *v, const struct json *obj, const char *prefix, const char *const *names)
{
	struct json_iter it;
	const char *k;
	struct json *unused;

	json_iter_init(&it, obj);
	while (json_iter_next(&it, &k, &unused)) {
		const char *const *f = names;

		while (*f && !str_eq(*f, k))
			f++;
		if (!*f)
			validate_add(v, dot(v, prefix, k), "unknown_field", "not a field of this document");
	}
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (str_eq(s, *list))
			return true;
	return false;
}

/* Characters, not bytes: the strings json_parse hands out are valid UTF-8. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool has_control(const char *s, bool newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && !(newlines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return true;
	}
	return false;
}

/* A path of our media library ("/media/...") or an https URL with a host. */
static bool media_url_ok(const char *s)
{
	size_t n = strlen(s);
	const char *rest;

	if (n > URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\')
			return false;
	}
	if (str_starts_with(s, "/media/"))
		return n > 7 && !strstr(s, "..") && !strstr(s + 1, "//");
	if (!str_starts_with(s, "https://"))
		return false;
	rest = s + 8;
	return *rest && *rest != '/' && *rest != ':' && *rest != '@';
}

/* A member that may be absent or null: NULL for both. */
static struct json *optional(const struct json *obj, const char *key)
{
	struct json *j = NULL;

	json_lookup(obj, key, &j);
	return j;
}

static struct json *required(struct validate *v, const struct json *obj, const char *key, const char *path)
{
	struct json *j = optional(obj, key);

	if (!j)
		validate_add(v, path, "required", "is required");
	return j;
}

/* A string of 1..max characters (when given); NULL after recording what is wrong. */
static const char *text(struct validate *v, const struct json *j, const char *path, size_t max, bool newlines)
{
	const char *s = json_string(j);

	if (!s) {
		validate_add(v, path, "invalid", "must be a string");
		return NULL;
	}
	if (!*s || chars(s) > max) {
		validate_add(v, path, "invalid", "must be 1 to %zu characters", max);
		return NULL;
	}
	if (has_control(s, newlines)) {
		validate_add(v, path, "invalid", "must not contain control characters");
		return NULL;
	}
	return s;
}

static bool integer(struct validate *v, const struct json *j, const char *path, int64_t min, int64_t max)
{
	int64_t n;

	if (!json_int64(j, &n) || n < min || n > max) {
		validate_add(v, path, "invalid", "must be a whole number from %lld to %lld", (long long)min,
			     (long long)max);
		return false;
	}
	return true;
}

static bool number(struct validate *v, const struct json *j, const char *path, double max)
{
	enum json_kind k = j ? json_kind_of(j) : JSON_NULL;
	double d = json_double(j);

	if ((k != JSON_INT && k != JSON_DOUBLE) || !(d >= 0) || d > max) {
		validate_add(v, path, "invalid", "must be a number from 0 to %g", max);
		return false;
	}
	return true;
}

/* An array of 1..max (min_one) or 0..max members; false after recording. */
static bool array(struct validate *v, const struct json *j, const char *path, size_t max, bool min_one)
{
	size_t n;

	if (!j || json_kind_of(j) != JSON_ARRAY) {
		validate_add(v, path, "invalid", "must be a list");
		return false;
	}
	n = json_array_len(j);
	if ((min_one && n == 0) || n > max) {
		validate_add(v, path, "invalid", "must have %s to %zu entries", min_one ? "1" : "0", max);
		return false;
	}
	return true;
}

static bool object(struct validate *v, const struct json *j, const char *path)
{
	if (!j || json_kind_of(j) != JSON_OBJECT) {
		validate_add(v, path, "invalid", "must be an object");
		return false;
	}
	return true;
}

/* A list of distinct slugs (tags, body focus), or of words of voc when it is not NULL (diets, equipment). */
static void slug_list(struct validate *v, const struct json *j, const char *path, size_t max, bool min_one,
		      const struct vocabulary *voc)
{
	if (!array(v, j, path, max, min_one))
		return;
	for (size_t i = 0; i < json_array_len(j); i++) {
		const char *s = json_string(json_array_at(j, i));

		if (!s || !str_is_slug(s, 50)) {
			validate_add(v, at(v, path, i), "invalid",
				     "must be a slug such as high-protein (a-z, 0-9 and -, at most 50)");
			continue;
		}
		if (voc && !vocabulary_check(v, at(v, path, i), s, voc))
			continue;
		for (size_t k = 0; k < i; k++)
			if (str_eq(s, json_string(json_array_at(j, k)))) {
				validate_add(v, at(v, path, i), "duplicate", "is listed twice");
				break;
			}
	}
}

static void text_list(struct validate *v, const struct json *j, const char *path, size_t max_n, size_t max_len,
		      bool min_one)
{
	if (!array(v, j, path, max_n, min_one))
		return;
	for (size_t i = 0; i < json_array_len(j); i++)
		text(v, json_array_at(j, i), at(v, path, i), max_len, false);
}

static void media_id(struct validate *v, const struct json *body, const char *key)
{
	struct json *j = optional(body, key);
	const char *s = j ? json_string(j) : NULL;

	if (j && (!s || !str_is_uuid(s)))
		validate_add(v, dot(v, "body", key), "invalid",
			     "must be the id (a UUID) of an item of the media library");
}

static void media_url(struct validate *v, const struct json *body, const char *key)
{
	struct json *j = optional(body, key);
	const char *s = j ? json_string(j) : NULL;

	if (j && (!s || !media_url_ok(s)))
		validate_add(v, dot(v, "body", key), "invalid", "must be a /media/ path or an https URL");
}

static void ingredient(struct validate *v, const struct json *j, const char *path)
{
	struct json *q, *u;
	const char *unit;

	/* One shape: an object, never a line of text (the CMS turns its lines into objects). */
	if (!j || json_kind_of(j) != JSON_OBJECT) {
		validate_add(v, path, "invalid", "must be an object {name, quantity, unit}");
		return;
	}
	known_fields(v, j, path, ingredient_fields);
	if (required(v, j, "name", dot(v, path, "name")))
		text(v, json_get(j, "name"), dot(v, path, "name"), LINE_MAX, false);
	q = optional(j, "quantity");
	if (q)
		number(v, q, dot(v, path, "quantity"), 100000);
	u = optional(j, "unit");
	if (u) {
		unit = json_string(u);
		if (!unit)
			validate_add(v, dot(v, path, "unit"), "invalid", "must be a string");
		else
			validate_choice(v, dot(v, path, "unit"), unit, content_edit_units);
		if (!q)
			validate_add(v, dot(v, path, "quantity"), "required", "is required with a unit");
	}
}

static void recipe(struct validate *v, const struct json *b)
{
	struct json *j;

	known_fields(v, b, "body", recipe_fields);
	if ((j = required(v, b, "meal", "body.meal"))) {
		if (!json_string(j))
			validate_add(v, "body.meal", "invalid", "must be a string");
		else
			validate_choice(v, "body.meal", json_string(j), content_edit_meals);
	}
	if ((j = required(v, b, "servings", "body.servings")))
		integer(v, j, "body.servings", 1, 100);
	if ((j = required(v, b, "ingredients", "body.ingredients")) && array(v, j, "body.ingredients", LIST_MAX, true))
		for (size_t i = 0; i < json_array_len(j); i++)
			ingredient(v, json_array_at(j, i), at(v, "body.ingredients", i));
	if ((j = required(v, b, "steps", "body.steps")))
		text_list(v, j, "body.steps", LIST_MAX, STEP_MAX, true);
	if ((j = optional(b, "nutrition")) && object(v, j, "body.nutrition")) {
		struct json_iter it;
		const char *k;
		struct json *val;

		known_fields(v, j, "body.nutrition", content_edit_nutrients);
		json_iter_init(&it, j);
		while (json_iter_next(&it, &k, &val))
			if (one_of(k, content_edit_nutrients))
				number(v, val, dot(v, "body.nutrition", k), 100000);
	}
	if ((j = optional(b, "diet")))
		slug_list(v, j, "body.diet", TAGS_MAX, false, &vocabulary_diets);
}

static void workout(struct validate *v, const struct json *b)
{
	struct json *j;

	known_fields(v, b, "body", workout_fields);
	if ((j = required(v, b, "level", "body.level"))) {
		if (!json_string(j))
			validate_add(v, "body.level", "invalid", "must be a string");
		else
			validate_choice(v, "body.level", json_string(j), content_edit_levels);
	}
	if ((j = optional(b, "equipment")))
		slug_list(v, j, "body.equipment", TAGS_MAX, false, &vocabulary_equipment);
	if ((j = optional(b, "body_focus")))
		slug_list(v, j, "body.body_focus", 10, false, NULL);
	media_id(v, b, "video_media_id");
	media_url(v, b, "video_url");
}

static void run(struct validate *v, const struct json *b)
{
	struct json *j;
	const char *t;

	known_fields(v, b, "body", run_fields);
	if ((j = required(v, b, "week", "body.week")))
		integer(v, j, "body.week", 1, 52);
	if ((j = required(v, b, "day", "body.day")))
		integer(v, j, "body.day", 1, 7);
	if ((j = required(v, b, "transcript", "body.transcript"))) {
		t = json_string(j);
		/* WebVTT: the signature, then a space, tab or line end (RFC-less, per the W3C spec). */
		if (!t || !str_starts_with(t, "WEBVTT") || !(t[6] == '\0' || strchr(" \t\r\n", t[6])))
			validate_add(v, "body.transcript", "invalid", "must be WebVTT: text starting with WEBVTT");
		else if (strlen(t) > TRANSCRIPT_MAX)
			validate_add(v, "body.transcript", "invalid", "must be at most %d bytes", TRANSCRIPT_MAX);
		else if (has_control(t, true))
			validate_add(v, "body.transcript", "invalid", "must not contain control characters");
	}
	media_id(v, b, "audio_media_id");
	media_url(v, b, "audio_url");
}

bool content_edit_validate(const struct json *doc, struct validate *v)
{
	struct json *j;
	const char *kind = NULL, *access = "free", *s;

	if (!doc || json_kind_of(doc) != JSON_OBJECT) {
		validate_add(v, "document", "invalid", "must be a JSON object");
		return false;
	}
	validate_known_fields(v, doc, fields);
	if ((j = required(v, doc, "slug", "slug"))) {
		s = json_string(j);
		if (!s || !str_is_slug(s, 100))
			validate_add(v, "slug", "invalid", "must be 1 to 100 of a-z, 0-9 and - (not first)");
		else if (one_of(s, reserved))
			validate_add(v, "slug", "reserved", "is reserved by the API");
	}
	if ((j = required(v, doc, "kind", "kind"))) {
		kind = json_string(j);
		if (!kind)
			validate_add(v, "kind", "invalid", "must be a string");
		else if (!validate_choice(v, "kind", kind, content_kinds))
			kind = NULL;
	}
	if ((j = required(v, doc, "title", "title")))
		text(v, j, "title", TITLE_MAX, false);
	if ((j = optional(doc, "summary")) && !(json_string(j) && !*json_string(j)))
		text(v, j, "summary", SUMMARY_MAX, true);
	if ((j = optional(doc, "access"))) {
		access = json_string(j);
		if (!access)
			validate_add(v, "access", "invalid", "must be a string");
		else if (!validate_choice(v, "access", access, accesses))
			access = NULL;
	}
	j = optional(doc, "required_scope");
	if (access && str_eq(access, "premium")) {
		if (!j)
			validate_add(v, "required_scope", "required", "is required for premium content");
		else if (!json_string(j) || !entitlement_scope_valid(json_string(j)))
			validate_add(v, "required_scope", "invalid", "must be premium: and 1 to 56 of a-z, 0-9, _ . -");
	} else if (access && j) {
		validate_add(v, "required_scope", "invalid", "is only for premium content");
	}
	if ((j = optional(doc, "image_url")) && (!json_string(j) || !media_url_ok(json_string(j))))
		validate_add(v, "image_url", "invalid", "must be a /media/ path or an https URL");
	if ((j = optional(doc, "duration_s")))
		integer(v, j, "duration_s", 0, DURATION_MAX);
	if ((j = optional(doc, "tags")))
		slug_list(v, j, "tags", TAGS_MAX, false, NULL);
	if ((j = required(v, doc, "body", "body")) && object(v, j, "body") && kind) {
		if (str_eq(kind, "recipe"))
			recipe(v, j);
		else if (str_eq(kind, "workout"))
			workout(v, j);
		else
			run(v, j);
	}
	return validate_ok(v);
}

static int by_bytes(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* obj's member key, an array of strings, again in byte order. */
static void sort_words(struct arena *a, struct json *obj, const char *key)
{
	struct json *words = json_get(obj, key), *sorted;
	size_t n = json_array_len(words);
	const char **s;

	if (!words || json_kind_of(words) != JSON_ARRAY || n < 2)
		return;
	s = arena_alloc(a, n * sizeof(*s));
	for (size_t i = 0; i < n; i++)
		s[i] = json_string(json_array_at(words, i));
	qsort(s, n, sizeof(*s), by_bytes);
	sorted = json_new_array(a);
	for (size_t i = 0; i < n; i++)
		json_push_string(sorted, s[i]);
	json_set_value(obj, key, sorted);
}

const char *content_edit_canonical(struct arena *a, const struct json *doc)
{
	const char *text = json_serialize(doc, NULL);
	struct err e = {0};
	struct json *copy = json_parse(a, text, strlen(text), 64, &e), *body = json_get(copy, "body");

	if (!body || json_kind_of(body) != JSON_OBJECT)
		return text;
	sort_words(a, body, "diet");
	sort_words(a, body, "equipment");
	return json_serialize(copy, NULL);
}
