/* validate: field error collection. */
#include "validate.h"
#include "arena.h"
#include "buf.h"
#include "json.h"
#include "str.h"

#include <stdarg.h>
#include <stdio.h>

void validate_init(struct validate *v, struct arena *a)
{
	v->arena = a;
	v->n = 0;
}

void validate_add(struct validate *v, const char *field, const char *code, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	if (v->n == VALIDATE_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	v->errors[v->n].field = arena_strdup(v->arena, field);
	v->errors[v->n].code = code;
	v->errors[v->n].detail = arena_strdup(v->arena, detail);
	v->n++;
}

bool validate_ok(const struct validate *v)
{
	return v->n == 0;
}

void validate_known_fields(struct validate *v, const struct json *doc, const char *const *fields)
{
	struct json_iter it;
	const char *k;
	struct json *unused;

	json_iter_init(&it, doc);
	while (json_iter_next(&it, &k, &unused)) {
		const char *const *f = fields;

		while (*f && !str_eq(*f, k))
			f++;
		if (!*f)
			validate_add(v, k, "unknown_field", "not a field of this document");
	}
}

bool validate_choice(struct validate *v, const char *field, const char *value, const char *const *choices)
{
	struct buf list;

	for (const char *const *c = choices; *c; c++)
		if (str_eq(value, *c))
			return true;
	buf_init(&list, v->arena);
	for (const char *const *c = choices; *c; c++)
		buf_printf(&list, "%s%s", c == choices ? "" : ", ", *c);
	validate_add(v, field, "invalid", "must be one of %s", buf_cstr(&list));
	return false;
}
