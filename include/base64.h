/* base64: RFC 4648 encoding and decoding: the standard alphabet (MIME, optionally in CRLF-broken lines) and base64url.
 */
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

/*
 * base64url without padding (RFC 4648 §5, as JOSE and PKCE use it). The
 * encoder returns a NUL-terminated string in the arena. The decoder refuses
 * padding, characters outside the alphabet, an impossible length and
 * non-zero unused bits (so every byte string has exactly one encoding); it
 * returns n bytes plus a NUL in the arena, or NULL.
 */
char *base64url_encode(struct arena *a, const void *p, size_t n);
unsigned char *base64url_decode(struct arena *a, const char *s, size_t len, size_t *n);

#endif
