/* validate: collects per-field input errors so one 400 can name all of them. */
#ifndef MOTUS_VALIDATE_H
#define MOTUS_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "http_problem.h"

struct arena;
struct json;

#define VALIDATE_MAX_ERRORS 16

struct validate {
	struct arena *arena;
	struct http_problem_field errors[VALIDATE_MAX_ERRORS];
	size_t n;
};

void validate_init(struct validate *v, struct arena *a);
/* Records an error (the first VALIDATE_MAX_ERRORS are kept). */
void validate_add(struct validate *v, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool validate_ok(const struct validate *v);
/* Records "unknown_field" for every member of the JSON object doc not named in fields (NULL-terminated). */
void validate_known_fields(struct validate *v, const struct json *doc, const char *const *fields);
/* True when value is one of the NULL-terminated choices; records "invalid" otherwise. */
bool validate_choice(struct validate *v, const char *field, const char *value, const char *const *choices);

#endif
