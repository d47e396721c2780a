/*
 * json: the project's only door to json-c. Trees are owned by the request
 * arena (the root is released at reset); children belong to their parent.
 * Parsing enforces a size and a nesting limit; output is serialised once.
 */
#ifndef MOTUS_JSON_H
#define MOTUS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct json; /* a json-c object */

enum json_kind { JSON_NULL, JSON_BOOL, JSON_INT, JSON_DOUBLE, JSON_STRING, JSON_OBJECT, JSON_ARRAY };

/*
 * Parses exactly one JSON object or array filling text[0..len) (trailing
 * white space allowed). Fails with code 400 on a syntax error, trailing
 * bytes, invalid UTF-8, a top-level scalar or nesting deeper than max_depth.
 * The tree is released with the arena.
 */
struct json *json_parse(struct arena *a, const char *text, size_t len, int max_depth, struct err *e);

/* New roots, released with the arena. */
struct json *json_new_object(struct arena *a);
struct json *json_new_array(struct arena *a);

/* Builders: the new child belongs to its parent. Return the child. */
struct json *json_set_object(struct json *obj, const char *key);
struct json *json_set_array(struct json *obj, const char *key);
void json_set_string(struct json *obj, const char *key, const char *value); /* NULL value -> null */
void json_set_int(struct json *obj, const char *key, int64_t value);
void json_set_bool(struct json *obj, const char *key, bool value);
void json_set_double(struct json *obj, const char *key, double value); /* finite values only */
void json_set_null(struct json *obj, const char *key);
/* Attaches value, a node of another tree, under key; both trees stay valid (value is shared, not copied). */
void json_set_value(struct json *obj, const char *key, struct json *value);
struct json *json_push_object(struct json *arr);
void json_push_string(struct json *arr, const char *value);

/* Readers. NULL when absent; type checks are the caller's via json_kind. */
enum json_kind json_kind_of(const struct json *j);
struct json *json_get(const struct json *obj, const char *key);
/*
 * Like json_get, but tells a member holding JSON null (true, *value NULL)
 * from an absent one (false). value may be NULL.
 */
bool json_lookup(const struct json *obj, const char *key, struct json **value);
const char *json_string(const struct json *j); /* NULL unless a string */
/* The bytes of a string, counting any NUL inside it ("\u0000"), so strlen(json_string(j)) may be less; 0 unless a
 * string. */
size_t json_string_len(const struct json *j);
bool json_boolean(const struct json *j);
int64_t json_int(const struct json *j);   /* 0 unless an integer */
double json_double(const struct json *j); /* any number as a double; 0 otherwise */
/* True and *out set when j is a JSON integer (not a double, not a string) that fits in int64. */
bool json_int64(const struct json *j, int64_t *out);
size_t json_array_len(const struct json *arr);
struct json *json_array_at(const struct json *arr, size_t i);

/* Iterates an object's members in order: returns false when done. */
struct json_iter {
	void *entry;
};
void json_iter_init(struct json_iter *it, const struct json *obj);
bool json_iter_next(struct json_iter *it, const char **key, struct json **value);

/* Compact serialisation; the text lives as long as the tree does. */
const char *json_serialize(const struct json *j, size_t *len);

#endif
