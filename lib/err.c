/* err: filling a caller's struct err. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_msg(struct err *e, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void set_msg(struct err *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	e->field[0] = '\0';
	va_start(ap, fmt);
	set_msg(e, fmt, ap);
	va_end(ap);
	return -1;
}

int err_set_field(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field);
	va_start(ap, fmt);
	set_msg(e, fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}
