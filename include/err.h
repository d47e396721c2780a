/* err: the one way a lib/ function reports why it failed. */
#ifndef MOTUS_ERR_H
#define MOTUS_ERR_H

#define MOTUS_MUSTCHECK __attribute__((warn_unused_result))

/*
 * Filled by a function that returns -1 (or NULL). `code` is the callee's
 * classification (an HTTP status for the http_* modules, an enum for db);
 * `field` names the offending input where there is one; `msg` is for logs and
 * problem details, never for control flow.
 */
struct err {
	int code;
	char field[64];
	char msg[256];
};

/* Sets code and a printf-formatted message; returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like err_set, and names the input field the error is about. */
int err_set_field(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void err_clear(struct err *e);

#endif
