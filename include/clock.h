/*
 * clock: monotonic microseconds for durations, wall time for logs, and the
 * wall clock every expiry and schedule reads: the system's, or a test
 * stack's, which a file moves ahead.
 */
#ifndef MOTUS_CLOCK_H
#define MOTUS_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define MOTUS_CLOCK_MUSTCHECK __attribute__((warn_unused_result))

uint64_t clock_now_us(void);

/*
 * The wall clock in Unix seconds / milliseconds, for what expires or falls
 * due (tokens, signed URLs, grants, schedules): the system clock, plus the
 * test clock's offset when one is in use.
 */
int64_t clock_unix(void);
int64_t clock_unix_ms(void);
/*
 * Makes clock_unix() add the whole seconds written in the file at path (the
 * setting test_clock_file; the test stack's Postgres adds the same to now()).
 * The file is read at every call. NULL or "": the system clock, no file read.
 */
void clock_use_test_file(const char *path);

/* Wall time as RFC 3339 UTC with milliseconds (the system clock, for logs); out must hold 32 bytes. */
void clock_rfc3339(char *out, size_t n);

/*
 * A UTC date and time as people and forms write it, as a Unix time:
 * "YYYY-MM-DD HH:MM", with 'T' or a space between, optional ":SS", an
 * optional trailing 'Z' ("2026-05-01T07:00" from a datetime-local input,
 * "2026-05-01 07:00:00Z" on a command line). -1 for anything else, also for
 * dates that do not exist (2026-02-30, 25:00).
 */
int clock_parse_utc(const char *s, int64_t *out) MOTUS_CLOCK_MUSTCHECK;

/* A calendar date "YYYY-MM-DD" (years 1970 to 9999) as the Unix time of its midnight UTC; -1 when it is none. */
int clock_parse_date(const char *s, int64_t *out) MOTUS_CLOCK_MUSTCHECK;

#endif
