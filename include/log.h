/*
 * log: one JSON object per line on stderr. The pool redirects stderr to a
 * file or the journal; lines are written with a single write(2) so lines
 * from several workers never interleave.
 */
#ifndef MOTUS_LOG_H
#define MOTUS_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Level by name ("debug", "info", "warn", "error"); -1 for an unknown name. */
int log_level_parse(const char *name);
void log_set_level(enum log_level level);
/* Where lines go (default 2, stderr). */
void log_set_fd(int fd);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* The access line written once per request. Strings may be NULL. */
struct log_request {
	const char *id, *method, *route, *path, *user;
	int status;
	size_t bytes;
	uint64_t micros;
};
void log_request(const struct log_request *r);

/* The line motus-worker writes once per job run. error may be NULL. */
struct log_job {
	long id;
	const char *queue, *kind, *outcome, *error; /* outcome: done, retry or dead */
	int attempt;
	uint64_t micros;
};
void log_job(const struct log_job *j);

#endif
