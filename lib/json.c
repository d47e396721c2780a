/* json: json-c behind a small arena-aware interface. */
#include "json.h"
#include "arena.h"
#include "str.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define J(x) ((json_object *)(x))

static void put(void *p)
{
	json_object_put(p);
}

static struct json *own(struct arena *a, json_object *o)
{
	if (o)
		arena_defer(a, put, o);
	return (struct json *)o;
}

static bool only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

/*
 * True when o nests containers more than levels deep. json-c's limit (set to
 * max_depth + 1 below, so a value inside the innermost allowed container is
 * accepted) also lets an empty container sit in that last level: "[[[[]]]]"
 * passes it at 3, so the containers are counted here. The recursion is as
 * deep as the tokener allowed, max_depth + 1.
 */
static bool nested_deeper_than(json_object *o, int levels)
{
	if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);

		if (levels == 0)
			return true;
		for (size_t i = 0; i < n; i++)
			if (nested_deeper_than(json_object_array_get_idx(o, i), levels - 1))
				return true;
	} else if (json_object_is_type(o, json_type_object)) {
		struct json_object_iterator it = json_object_iter_begin(o), end = json_object_iter_end(o);

		if (levels == 0)
			return true;
		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
			if (nested_deeper_than(json_object_iter_peek_value(&it), levels - 1))
				return true;
	}
	return false;
}

struct json *json_parse(struct arena *a, const char *text, size_t len, int max_depth, struct err *e)
{
	json_tokener *tok;
	json_object *o;
	enum json_tokener_error jerr;

	if (len == 0) {
		err_set_field(e, 400, "body", "empty JSON body");
		return NULL;
	}
	if (!str_valid_utf8(text, len) || memchr(text, '\0', len)) {
		err_set_field(e, 400, "body", "request body is not valid UTF-8");
		return NULL;
	}
	/* json-c counts a value inside the innermost container as a level of its own. */
	tok = json_tokener_new_ex(max_depth + 1);
	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success &&
	    !only_space(text + json_tokener_get_parse_end(tok), len - json_tokener_get_parse_end(tok))) {
		json_object_put(o);
		json_tokener_free(tok);
		err_set_field(e, 400, "body", "unexpected data after the JSON value");
		return NULL;
	}
	if (jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			err_set_field(e, 400, "body", "truncated JSON body");
		else if (jerr == json_tokener_error_depth)
			err_set_field(e, 400, "body", "JSON nested deeper than %d levels", max_depth);
		else
			err_set_field(e, 400, "body", "malformed JSON: %s", json_tokener_error_desc(jerr));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object) && !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		err_set_field(e, 400, "body", "the JSON body must be an object or an array");
		return NULL;
	}
	if (nested_deeper_than(o, max_depth)) {
		json_object_put(o);
		err_set_field(e, 400, "body", "JSON nested deeper than %d levels", max_depth);
		return NULL;
	}
	return own(a, o);
}

struct json *json_new_object(struct arena *a)
{
	return own(a, json_object_new_object());
}

struct json *json_new_array(struct arena *a)
{
	return own(a, json_object_new_array());
}

static void set(struct json *obj, const char *key, json_object *v)
{
	json_object_object_add(J(obj), key, v);
}

struct json *json_set_object(struct json *obj, const char *key)
{
	json_object *o = json_object_new_object();

	set(obj, key, o);
	return (struct json *)o;
}

struct json *json_set_array(struct json *obj, const char *key)
{
	json_object *o = json_object_new_array();

	set(obj, key, o);
	return (struct json *)o;
}

void json_set_string(struct json *obj, const char *key, const char *value)
{
	set(obj, key, value ? json_object_new_string(value) : NULL);
}

void json_set_int(struct json *obj, const char *key, int64_t value)
{
	set(obj, key, json_object_new_int64(value));
}

void json_set_double(struct json *obj, const char *key, double value)
{
	char text[32];

	/* 15 significant digits: 0.1 stays 0.1 when serialised, not 0.10000000000000001. */
	snprintf(text, sizeof(text), "%.15g", value);
	set(obj, key, json_object_new_double_s(value, text));
}

void json_set_bool(struct json *obj, const char *key, bool value)
{
	set(obj, key, json_object_new_boolean(value));
}

void json_set_null(struct json *obj, const char *key)
{
	set(obj, key, NULL);
}

void json_set_value(struct json *obj, const char *key, struct json *value)
{
	set(obj, key, json_object_get(J(value)));
}

struct json *json_push_object(struct json *arr)
{
	json_object *o = json_object_new_object();

	json_object_array_add(J(arr), o);
	return (struct json *)o;
}

void json_push_string(struct json *arr, const char *value)
{
	json_object_array_add(J(arr), json_object_new_string(value));
}

enum json_kind json_kind_of(const struct json *j)
{
	switch (json_object_get_type(J(j))) {
	case json_type_boolean:
		return JSON_BOOL;
	case json_type_int:
		return JSON_INT;
	case json_type_double:
		return JSON_DOUBLE;
	case json_type_string:
		return JSON_STRING;
	case json_type_object:
		return JSON_OBJECT;
	case json_type_array:
		return JSON_ARRAY;
	case json_type_null:
	default:
		return JSON_NULL;
	}
}

struct json *json_get(const struct json *obj, const char *key)
{
	json_object *v = NULL;

	if (!obj || !json_object_is_type(J(obj), json_type_object))
		return NULL;
	if (!json_object_object_get_ex(J(obj), key, &v))
		return NULL;
	return (struct json *)v;
}

bool json_lookup(const struct json *obj, const char *key, struct json **value)
{
	json_object *v = NULL;

	if (value)
		*value = NULL;
	if (!obj || !json_object_is_type(J(obj), json_type_object))
		return false;
	if (!json_object_object_get_ex(J(obj), key, &v))
		return false;
	if (value)
		*value = (struct json *)v;
	return true;
}

const char *json_string(const struct json *j)
{
	return j && json_object_is_type(J(j), json_type_string) ? json_object_get_string(J(j)) : NULL;
}

size_t json_string_len(const struct json *j)
{
	return j && json_object_is_type(J(j), json_type_string) ? (size_t)json_object_get_string_len(J(j)) : 0;
}

bool json_boolean(const struct json *j)
{
	return j && json_object_is_type(J(j), json_type_boolean) && json_object_get_boolean(J(j));
}

int64_t json_int(const struct json *j)
{
	return j && json_object_is_type(J(j), json_type_int) ? json_object_get_int64(J(j)) : 0;
}

double json_double(const struct json *j)
{
	if (j && (json_object_is_type(J(j), json_type_double) || json_object_is_type(J(j), json_type_int)))
		return json_object_get_double(J(j));
	return 0;
}

bool json_int64(const struct json *j, int64_t *out)
{
	int64_t v;

	if (!j || !json_object_is_type(J(j), json_type_int))
		return false;
	v = json_object_get_int64(J(j));
	/* json-c saturates out-of-range literals at INT64_MIN/MAX; refuse those. */
	if (v == INT64_MAX || v == INT64_MIN)
		return false;
	*out = v;
	return true;
}

size_t json_array_len(const struct json *arr)
{
	return arr && json_object_is_type(J(arr), json_type_array) ? json_object_array_length(J(arr)) : 0;
}

struct json *json_array_at(const struct json *arr, size_t i)
{
	return (struct json *)json_object_array_get_idx(J(arr), i);
}

void json_iter_init(struct json_iter *it, const struct json *obj)
{
	it->entry = obj && json_object_is_type(J(obj), json_type_object) ? json_object_get_object(J(obj))->head : NULL;
}

bool json_iter_next(struct json_iter *it, const char **key, struct json **value)
{
	struct lh_entry *e = it->entry;

	if (!e)
		return false;
	*key = lh_entry_k(e);
	*value = (struct json *)lh_entry_v(e);
	it->entry = lh_entry_next(e);
	return true;
}

const char *json_serialize(const struct json *j, size_t *len)
{
	size_t n;
	const char *s =
		json_object_to_json_string_length(J(j), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	if (len)
		*len = n;
	return s;
}
