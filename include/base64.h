/* base64: RFC 4648 encoding (optionally in CRLF-broken lines, for MIME) and decoding. */
#ifndef MOTUS_BASE64_H
#define MOTUS_BASE64_H

#include <stddef.h>

struct arena;

/*
 * p[0..n) as base64 in the arena. line_len 0 gives one line; otherwise a
 * CRLF follows every line_len characters and the last line (MIME uses 76).
 */
char *base64_encode(struct arena *a, const void *p, size_t n, size_t line_len);

/*
 * Decodes s[0..n), ignoring CR, LF, space and tab; padding is optional.
 * NULL on any other character or a truncated group. The bytes (NUL-terminated
 * for convenience) live in the arena; *out_len is their count.
 */
void *base64_decode(struct arena *a, const char *s, size_t n, size_t *out_len);

#endif
