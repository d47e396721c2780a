/* str: small string helpers that every module needs. */
#ifndef MOTUS_STR_H
#define MOTUS_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;

bool str_eq(const char *a, const char *b);
bool str_starts_with(const char *s, const char *prefix);

/*
 * Parses all of s as a base-10 integer in [min, max]. Rejects empty input,
 * signs where min >= 0, trailing garbage and overflow.
 */
int str_to_long(const char *s, long min, long max, long *out) MOTUS_MUSTCHECK;

/* Parses "true"/"false"/"yes"/"no"/"on"/"off"/"1"/"0". */
int str_to_bool(const char *s, bool *out) MOTUS_MUSTCHECK;

/*
 * Percent-decodes s[0..n) into the arena. With plus_is_space, '+' becomes ' '
 * (query strings). Rejects malformed escapes and decoded NUL bytes. NULL on error.
 */
char *str_url_decode(struct arena *a, const char *s, size_t n, bool plus_is_space);

/* Appends a percent-encoded form of s (unreserved characters kept) to the arena. */
char *str_url_encode(struct arena *a, const char *s);

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool str_valid_utf8(const char *s, size_t n);

/*
 * The characters (code points) of s[0..n) when it is one line of text: well-formed UTF-8 without control
 * characters (C0 including NUL, CR and LF; DEL; C1) or line and paragraph separators. -1 otherwise.
 */
long str_line_text_chars(const char *s, size_t n);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void str_hex(char *out, const void *p, size_t n);

/* 64-bit FNV-1a: fast, stable content hash for ETags and cache keys. */
uint64_t str_hash64(const void *p, size_t n);

/* True when s is 1 to max of a-z, 0-9 and '-' (not first): a slug (tags, content items, diets). False for NULL. */
bool str_is_slug(const char *s, size_t max);

/* True when s has the shape of a UUID (8-4-4-4-12 hex digits, either case). False for NULL. */
bool str_is_uuid(const char *s);

/*
 * s as a UUID in canonical form, lowercase (hex digits of either case are
 * accepted: ids are stored and compared lowercase), in a; NULL when s is
 * not a UUID (or NULL).
 */
const char *str_uuid(struct arena *a, const char *s);

/* Compares without an early exit, for secrets. Different lengths compare unequal. */
bool str_equal_ct(const char *a, const char *b);

#endif
