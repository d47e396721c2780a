/* buf: a growable byte buffer whose memory belongs to an arena. */
#ifndef MOTUS_BUF_H
#define MOTUS_BUF_H

#include <stddef.h>

struct arena;

struct buf {
	struct arena *arena;
	char *data; /* always NUL-terminated when len > 0 or after buf_cstr */
	size_t len, cap;
};

/* Starts empty; memory comes from `a` and lives until its next reset. */
void buf_init(struct buf *b, struct arena *a);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included (for log lines). */
void buf_put_json_string(struct buf *b, const char *s);
/* The contents as a C string (empty string when nothing was appended). */
const char *buf_cstr(struct buf *b);
void buf_clear(struct buf *b);

#endif
