/* cms/content_form: the content form's flat fields to the editable document and back, and the preview's view. */
#include "arena.h"
#include "buf.h"
#include "cms_content_form.h"
#include "content_edit.h"
#include "http_query.h"
#include "json.h"
#include "media.h"
#include "str.h"
#include "validate.h"
#include "vocabulary.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The labels of content_edit_nutrients, in its order. */
static const struct {
	const char *key, *label;
} nutrient_labels[] = {
	{"kcal", "Energy (kcal)"},
	{"protein_g", "Protein (g)"},
	{"carbs_g", "Carbohydrate (g)"},
	{"fat_g", "Fat (g)"},
	{"saturated_fat_g", "Saturated fat (g)"},
	{"fibre_g", "Fibre (g)"},
	{"sugar_g", "Sugars (g)"},
	{"salt_g", "Salt (g)"},
	{"sodium_mg", "Sodium (mg)"},
};

#define N_NUTRIENTS (sizeof(nutrient_labels) / sizeof(*nutrient_labels))

static const char *const common_fields[] = {"slug",      "title",      "summary", "access", "required_scope",
					    "image_url", "duration_s", "tags",    NULL};
static const char *const recipe_fields[] = {"meal", "servings", "ingredients", "steps", NULL};
static const char *const workout_fields[] = {"level", "equipment", "body_focus", "video_media_id", "video_url", NULL};
static const char *const run_fields[] = {"week", "day", "transcript", "audio_media_id", "audio_url", NULL};

static const char *const *kind_fields(const char *kind)
{
	if (str_eq(kind, "recipe"))
		return recipe_fields;
	if (str_eq(kind, "workout"))
		return workout_fields;
	return run_fields;
}

/* --- small text helpers ------------------------------------------------------------------------------------- */

static const char *trim(struct arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* A textarea's text with CRLF line ends made LF. */
static const char *lf(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s), *o = out;

	for (const char *p = s; *p; p++)
		if (!(*p == '\r' && p[1] == '\n'))
			*o++ = *p;
	*o = '\0';
	return out;
}

/* Calls fn for each non-empty trimmed piece of s split at sep. */
static void each_piece(struct arena *a, const char *s, char sep, struct json *arr)
{
	const char *start = s;

	for (const char *p = s;; p++) {
		if (*p == sep || *p == '\0') {
			const char *t = trim(a, start, (size_t)(p - start));

			if (*t)
				json_push_string(arr, t);
			if (!*p)
				break;
			start = p + 1;
		}
	}
}

static const char *number_text(struct arena *a, const struct json *j)
{
	int64_t n;

	if (!j)
		return "";
	if (json_int64(j, &n))
		return arena_printf(a, "%lld", (long long)n);
	if (json_kind_of(j) == JSON_DOUBLE)
		return arena_printf(a, "%.15g", json_double(j));
	return json_string(j) ? json_string(j) : "";
}

static const char *joined(struct arena *a, const struct json *arr, const char *sep)
{
	struct buf b;

	buf_init(&b, a);
	for (size_t i = 0; arr && json_kind_of(arr) == JSON_ARRAY && i < json_array_len(arr); i++) {
		const char *s = json_string(json_array_at(arr, i));

		if (s)
			buf_printf(&b, "%s%s", b.len ? sep : "", s);
	}
	return buf_cstr(&b);
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (str_eq(s, *list))
			return true;
	return false;
}

/* "200 g rolled oats" for {quantity 200, unit g, name "rolled oats"}; a text line as it is. */
static const char *ingredient_line(struct arena *a, const struct json *ing)
{
	struct buf b;
	const struct json *q = json_get(ing, "quantity"), *u = json_get(ing, "unit");

	if (json_string(ing))
		return json_string(ing);
	buf_init(&b, a);
	if (q)
		buf_printf(&b, "%s ", number_text(a, q));
	if (json_string(u))
		buf_printf(&b, "%s ", json_string(u));
	buf_puts(&b, json_string(json_get(ing, "name")) ? json_string(json_get(ing, "name")) : "");
	return buf_cstr(&b);
}

/* --- document -> form --------------------------------------------------------------------------------------- */

struct json *cms_content_form_from_doc(struct arena *a, const struct json *doc)
{
	struct json *f = json_new_object(a), *body = json_get(doc, "body"), *ings, *nut, *diet;
	struct buf lines;

	for (const char *const *k = common_fields; *k; k++) {
		const struct json *j = json_get(doc, *k);

		if (str_eq(*k, "tags"))
			json_set_string(f, *k, joined(a, j, ", "));
		else
			json_set_string(f, *k, number_text(a, j));
	}
	if (!*json_string(json_get(f, "access")))
		json_set_string(f, "access", "free");
	for (const char *const *k = kind_fields(json_string(json_get(doc, "kind"))); *k; k++) {
		const struct json *j = json_get(body, *k);

		if (str_eq(*k, "equipment") || str_eq(*k, "body_focus"))
			json_set_string(f, *k, joined(a, j, ", "));
		else if (str_eq(*k, "steps"))
			json_set_string(f, *k, joined(a, j, "\n"));
		else if (!str_eq(*k, "ingredients"))
			json_set_string(f, *k, number_text(a, j));
	}
	buf_init(&lines, a);
	ings = json_get(body, "ingredients");
	for (size_t i = 0; ings && json_kind_of(ings) == JSON_ARRAY && i < json_array_len(ings); i++)
		buf_printf(&lines, "%s%s", i ? "\n" : "", ingredient_line(a, json_array_at(ings, i)));
	json_set_string(f, "ingredients", buf_cstr(&lines));
	nut = json_get(body, "nutrition");
	for (size_t i = 0; i < N_NUTRIENTS; i++)
		json_set_string(f, arena_printf(a, "n_%s", nutrient_labels[i].key),
				number_text(a, json_get(nut, nutrient_labels[i].key)));
	diet = json_get(body, "diet");
	for (size_t i = 0; diet && json_kind_of(diet) == JSON_ARRAY && i < json_array_len(diet); i++)
		if (json_string(json_array_at(diet, i)))
			json_set_string(f, arena_printf(a, "diet_%s", json_string(json_array_at(diet, i))), "on");
	return f;
}

struct json *cms_content_form_from_post(struct arena *a, const struct http_query *form, const char *kind)
{
	struct json *f = json_new_object(a);

	for (const char *const *k = common_fields; *k; k++)
		json_set_string(f, *k, http_query_get(form, *k) ? http_query_get(form, *k) : "");
	for (const char *const *k = kind_fields(kind); *k; k++)
		json_set_string(f, *k, http_query_get(form, *k) ? http_query_get(form, *k) : "");
	for (size_t i = 0; i < form->n; i++)
		if (str_starts_with(form->params[i].name, "n_") || str_starts_with(form->params[i].name, "diet_"))
			json_set_string(f, form->params[i].name, form->params[i].value);
	if (!*json_string(json_get(f, "access")))
		json_set_string(f, "access", "free");
	return f;
}

/* --- form -> document --------------------------------------------------------------------------------------- */

static const char *field(struct arena *a, const struct http_query *form, const char *name)
{
	const char *s = http_query_get(form, name);

	return s ? trim(a, s, strlen(s)) : "";
}

/* A whole number field: set when given, a form error when it is not a number. */
static void int_field(struct arena *a, const struct http_query *form, const char *name, struct json *obj,
		      const char *key, struct validate *v)
{
	const char *s = field(a, form, name);
	long n;

	if (!*s)
		return;
	if (str_to_long(s, LONG_MIN, LONG_MAX, &n) < 0) {
		validate_add(v, name, "invalid", "must be a whole number");
		return;
	}
	json_set_int(obj, key, n);
}

/* A decimal number ("1.5"); false when s is none. */
static bool parse_number(const char *s, double *out)
{
	char *end;

	if (!*s || !(isdigit((unsigned char)*s) || *s == '.' || *s == '-'))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*out);
}

static void set_number(struct json *obj, const char *key, double d)
{
	if (d == floor(d) && fabs(d) < 1e15)
		json_set_int(obj, key, (int64_t)d);
	else
		json_set_double(obj, key, d);
}

/*
 * "200 g rolled oats" -> {quantity 200, unit g, name "rolled oats"}; "3 eggs"
 * -> {quantity 3, name eggs}; "1/2 tsp salt" -> quantity 0.5; a line without
 * a leading number -> {name}.
 */
static void ingredient(struct arena *a, const char *line, struct json *arr)
{
	struct json *o = json_push_object(arr);
	const char *p = line, *word;
	size_t n = strcspn(p, " \t");
	const char *first = arena_strndup(a, p, n), *slash = strchr(first, '/');
	double q, num, den;

	if (slash && parse_number(arena_strndup(a, first, (size_t)(slash - first)), &num) &&
	    parse_number(slash + 1, &den) && den > 0)
		q = num / den;
	else if (!parse_number(first, &q)) {
		json_set_string(o, "name", line);
		return;
	}
	set_number(o, "quantity", q);
	p = trim(a, p + n, strlen(p + n));
	n = strcspn(p, " \t");
	word = arena_strndup(a, p, n);
	if (*word && one_of(word, content_edit_units)) {
		json_set_string(o, "unit", word);
		p = trim(a, p + n, strlen(p + n));
	}
	json_set_string(o, "name", p);
}

struct json *cms_content_form_to_doc(struct arena *a, const struct http_query *form, const char *kind,
				     struct validate *v)
{
	struct json *doc = json_new_object(a), *body, *list, *nut;
	const char *s;

	json_set_string(doc, "slug", field(a, form, "slug"));
	json_set_string(doc, "kind", kind);
	json_set_string(doc, "title", field(a, form, "title"));
	if (*(s = lf(a, field(a, form, "summary"))))
		json_set_string(doc, "summary", s);
	s = field(a, form, "access");
	json_set_string(doc, "access", *s ? s : "free");
	if (str_eq(s, "premium") && *field(a, form, "required_scope"))
		json_set_string(doc, "required_scope", field(a, form, "required_scope"));
	if (*(s = field(a, form, "image_url")))
		json_set_string(doc, "image_url", s);
	int_field(a, form, "duration_s", doc, "duration_s", v);
	list = json_set_array(doc, "tags");
	each_piece(a, field(a, form, "tags"), ',', list);
	body = json_set_object(doc, "body");
	if (str_eq(kind, "recipe")) {
		if (*(s = field(a, form, "meal")))
			json_set_string(body, "meal", s);
		int_field(a, form, "servings", body, "servings", v);
		if (*field(a, form, "ingredients")) {
			struct json *lines = json_new_array(a);

			list = json_set_array(body, "ingredients");
			each_piece(a, field(a, form, "ingredients"), '\n', lines);
			for (size_t i = 0; i < json_array_len(lines); i++)
				ingredient(a, json_string(json_array_at(lines, i)), list);
		}
		if (*field(a, form, "steps"))
			each_piece(a, field(a, form, "steps"), '\n', json_set_array(body, "steps"));
		nut = json_set_object(body, "nutrition");
		for (size_t i = 0; i < N_NUTRIENTS; i++) {
			const char *name = arena_printf(a, "n_%s", nutrient_labels[i].key);
			double d;

			if (!*(s = field(a, form, name)))
				continue;
			if (!parse_number(s, &d))
				validate_add(v, name, "invalid", "must be a number such as 12.5");
			else
				set_number(nut, nutrient_labels[i].key, d);
		}
		list = json_set_array(body, "diet");
		for (size_t i = 0; i < form->n; i++)
			if (str_starts_with(form->params[i].name, "diet_") && form->params[i].name[5])
				json_push_string(list, form->params[i].name + 5);
	} else if (str_eq(kind, "workout")) {
		if (*(s = field(a, form, "level")))
			json_set_string(body, "level", s);
		each_piece(a, field(a, form, "equipment"), ',', json_set_array(body, "equipment"));
		each_piece(a, field(a, form, "body_focus"), ',', json_set_array(body, "body_focus"));
		if (*(s = field(a, form, "video_media_id")))
			json_set_string(body, "video_media_id", s);
		if (*(s = field(a, form, "video_url")))
			json_set_string(body, "video_url", s);
	} else {
		int_field(a, form, "week", body, "week", v);
		int_field(a, form, "day", body, "day", v);
		/* A transcript keeps its blank lines (WebVTT cues are separated by them), only CRLF becomes LF. */
		s = http_query_get(form, "transcript");
		if (s && *trim(a, s, strlen(s)))
			json_set_string(body, "transcript", lf(a, s));
		if (*(s = field(a, form, "audio_media_id")))
			json_set_string(body, "audio_media_id", s);
		if (*(s = field(a, form, "audio_url")))
			json_set_string(body, "audio_url", s);
	}
	return doc;
}

/* --- the model's errors on the form ------------------------------------------------------------------------- */

static bool has_field(const struct validate *v, const char *f)
{
	for (size_t i = 0; i < v->n; i++)
		if (str_eq(v->errors[i].field, f))
			return true;
	return false;
}

void cms_content_form_errors(struct validate *out, const struct validate *model)
{
	for (size_t i = 0; i < model->n; i++) {
		const char *path = model->errors[i].field, *detail = model->errors[i].detail, *name, *rest;
		size_t n;

		if (str_starts_with(path, "body."))
			path += 5;
		if (str_starts_with(path, "nutrition.")) {
			name = arena_printf(out->arena, "n_%s", path + 10);
			rest = "";
		} else {
			n = strcspn(path, "[.");
			name = arena_strndup(out->arena, path, n);
			rest = path + n;
		}
		if (str_starts_with(name, "diet"))
			name = "diet";
		if (*rest == '[') {
			long line = strtol(rest + 1, (char **)&rest, 10) + 1;
			const char *what = str_eq(name, "ingredients") || str_eq(name, "steps") ? "line" : "entry";

			if (*rest == ']')
				rest++;
			detail = *rest == '.' ? arena_printf(out->arena, "%s %ld, %s: %s", what, line, rest + 1, detail)
					      : arena_printf(out->arena, "%s %ld: %s", what, line, detail);
		}
		if (!has_field(out, name))
			validate_add(out, name, model->errors[i].code, "%s", detail);
	}
}

/* --- what the form template needs ---------------------------------------------------------------------------- */

static void choices(struct json *d, const char *key, const char *const *values, const char *current)
{
	struct json *arr = json_set_array(d, key);

	for (size_t i = 0; values[i]; i++) {
		struct json *o = json_push_object(arr);

		json_set_string(o, "value", values[i]);
		json_set_bool(o, "selected", str_eq(values[i], current));
	}
}

/* The library's files of kind as choices, with the current value first when the library does not have it. */
static int media_choices(struct worker *w, struct arena *a, struct json *d, const char *key, const char *kind,
			 const char *current, bool by_url, struct err *e)
{
	struct media_page page;
	struct json *arr = json_set_array(d, key);
	bool found = false;

	if (media_list(w, a, kind, 0, 100, &page, e) < 0)
		return -1;
	for (size_t i = 0; i < page.n; i++) {
		const struct media *m = &page.items[i];
		const char *value = by_url ? m->url : m->id;
		struct json *o;

		if (!value)
			continue;
		o = json_push_object(arr);
		json_set_string(o, "value", value);
		json_set_string(o, "label",
				arena_printf(a, "%s (%s, %s)", m->original_name ? m->original_name : m->id,
					     m->content_type, m->created_at));
		json_set_bool(o, "selected", str_eq(value, current));
		found |= str_eq(value, current);
	}
	if (current && *current && !found) {
		struct json *o = json_push_object(arr);

		json_set_string(o, "value", current);
		json_set_string(o, "label", arena_printf(a, "%s (current)", current));
		json_set_bool(o, "selected", true);
	}
	return 0;
}

int cms_content_form_data(struct worker *w, struct arena *a, struct json *data, struct json *f, const char *kind,
			  struct err *e)
{
	struct json *errors = json_get(data, "errors"), *arr, *words;
	const char *access = json_string(json_get(f, "access"));
	struct json_iter it;
	const char *k;
	struct json *val;

	json_set_value(data, "f", f);
	json_set_string(data, "kind", kind);
	json_set_bool(data, "is_recipe", str_eq(kind, "recipe"));
	json_set_bool(data, "is_workout", str_eq(kind, "workout"));
	json_set_bool(data, "is_run", str_eq(kind, "run"));
	json_set_bool(data, "access_premium", str_eq(access, "premium"));
	json_set_bool(data, "access_free", !str_eq(access, "premium"));
	choices(data, "meals", content_edit_meals, json_string(json_get(f, "meal")));
	choices(data, "levels", content_edit_levels, json_string(json_get(f, "level")));
	arr = json_set_array(data, "nutrition");
	for (size_t i = 0; i < N_NUTRIENTS; i++) {
		struct json *o = json_push_object(arr);
		const char *name = arena_printf(a, "n_%s", nutrient_labels[i].key);

		json_set_string(o, "name", name);
		json_set_string(o, "label", nutrient_labels[i].label);
		json_set_string(o, "value", json_string(json_get(f, name)));
		json_set_string(o, "error", json_string(json_get(errors, name)));
	}
	arr = json_set_array(data, "diets");
	for (const struct vocabulary_word *d = vocabulary_diets.words; d->slug; d++) {
		struct json *o = json_push_object(arr);

		json_set_string(o, "slug", d->slug);
		json_set_string(o, "label", d->label);
		json_set_bool(o, "checked", json_get(f, arena_printf(a, "diet_%s", d->slug)) != NULL);
	}
	/* A stored word the vocabulary no longer has is offered too, so an edit never drops it unseen. */
	json_iter_init(&it, f);
	while (json_iter_next(&it, &k, &val))
		if (str_starts_with(k, "diet_") && !vocabulary_has(&vocabulary_diets, k + 5)) {
			struct json *o = json_push_object(arr);

			json_set_string(o, "slug", k + 5);
			json_set_string(o, "label", k + 5);
			json_set_bool(o, "checked", true);
		}
	words = json_set_array(data, "equipment_words");
	for (const struct vocabulary_word *word = vocabulary_equipment.words; word->slug; word++)
		json_push_string(words, word->slug);
	if (media_choices(w, a, data, "images", "image", json_string(json_get(f, "image_url")), true, e) < 0 ||
	    (str_eq(kind, "workout") &&
	     media_choices(w, a, data, "videos", "video", json_string(json_get(f, "video_media_id")), false, e) < 0) ||
	    (str_eq(kind, "run") &&
	     media_choices(w, a, data, "audios", "audio", json_string(json_get(f, "audio_media_id")), false, e) < 0))
		return -1;
	return 0;
}

/* --- the preview ---------------------------------------------------------------------------------------------- */

static void copy_strings(struct arena *a, struct json *out, const char *key, const struct json *arr)
{
	struct json *list = json_set_array(out, key);

	(void)a;
	for (size_t i = 0; arr && json_kind_of(arr) == JSON_ARRAY && i < json_array_len(arr); i++)
		if (json_string(json_array_at(arr, i)))
			json_push_string(list, json_string(json_array_at(arr, i)));
}

struct json *cms_content_display(struct arena *a, const struct json *doc)
{
	struct json *d = json_new_object(a), *body = json_get(doc, "body"), *list, *ings, *nut;
	const char *kind = json_string(json_get(doc, "kind")), *image = json_string(json_get(doc, "image_url"));
	int64_t secs;

	for (const char *const *k =
		     (const char *const[]){"slug", "kind", "title", "summary", "access", "required_scope", NULL};
	     *k; k++)
		json_set_string(d, *k, json_string(json_get(doc, *k)));
	json_set_bool(d, "premium", str_eq(json_string(json_get(doc, "access")), "premium"));
	/* The CMS's CSP loads images from this site only: others are shown as their address. */
	if (image && str_starts_with(image, "/media/"))
		json_set_string(d, "image_local", image);
	else if (image)
		json_set_string(d, "image_remote", image);
	if (json_int64(json_get(doc, "duration_s"), &secs))
		json_set_string(d, "duration",
				arena_printf(a, "%lld min %02lld s", (long long)(secs / 60), (long long)(secs % 60)));
	copy_strings(a, d, "tags", json_get(doc, "tags"));
	json_set_bool(d, "is_recipe", str_eq(kind, "recipe"));
	json_set_bool(d, "is_workout", str_eq(kind, "workout"));
	json_set_bool(d, "is_run", str_eq(kind, "run"));
	if (str_eq(kind, "recipe")) {
		json_set_string(d, "meal", json_string(json_get(body, "meal")));
		json_set_string(d, "servings", number_text(a, json_get(body, "servings")));
		list = json_set_array(d, "ingredients");
		ings = json_get(body, "ingredients");
		for (size_t i = 0; ings && json_kind_of(ings) == JSON_ARRAY && i < json_array_len(ings); i++)
			json_push_string(list, ingredient_line(a, json_array_at(ings, i)));
		copy_strings(a, d, "steps", json_get(body, "steps"));
		copy_strings(a, d, "diet", json_get(body, "diet"));
		list = json_set_array(d, "nutrition");
		nut = json_get(body, "nutrition");
		for (size_t i = 0; i < N_NUTRIENTS; i++) {
			const struct json *j = json_get(nut, nutrient_labels[i].key);

			if (!j)
				continue;
			struct json *o = json_push_object(list);

			json_set_string(o, "label", nutrient_labels[i].label);
			json_set_string(o, "value", number_text(a, j));
		}
	} else if (str_eq(kind, "workout")) {
		json_set_string(d, "level", json_string(json_get(body, "level")));
		copy_strings(a, d, "equipment", json_get(body, "equipment"));
		copy_strings(a, d, "body_focus", json_get(body, "body_focus"));
		json_set_string(d, "media_id", json_string(json_get(body, "video_media_id")));
		json_set_string(d, "media_url", json_string(json_get(body, "video_url")));
	} else {
		json_set_string(d, "week", number_text(a, json_get(body, "week")));
		json_set_string(d, "day", number_text(a, json_get(body, "day")));
		json_set_string(d, "transcript", json_string(json_get(body, "transcript")));
		json_set_string(d, "media_id", json_string(json_get(body, "audio_media_id")));
		json_set_string(d, "media_url", json_string(json_get(body, "audio_url")));
	}
	return d;
}
