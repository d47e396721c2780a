/* validate: field error collection. */
#include "validate.h"
#include "arena.h"
#include "buf.h"
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
