/* base64: RFC 4648, the standard alphabet (MIME) and the URL-safe one (JOSE, PKCE). */
#include "base64.h"
#include "arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Groups of three bytes as four characters of abc; '=' padding only when pad. */
static char *encode(struct arena *a, const void *p, size_t n, const char *abc, bool pad, size_t line_len)
{
	const unsigned char *in = p;
	size_t chars = (n + 2) / 3 * 4, lines = line_len ? (chars + line_len - 1) / line_len : 0;
	char *out = arena_alloc(a, chars + 2 * lines + 1), *o = out;
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		char quad[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < n ? abc[v >> 6 & 63] : '=',
				i + 2 < n ? abc[v & 63] : '='};

		for (int k = 0; k < 4; k++) {
			if (quad[k] == '=' && !pad)
				break;
			*o++ = quad[k];
			if (line_len && ++col == line_len) {
				*o++ = '\r';
				*o++ = '\n';
				col = 0;
			}
		}
	}
	if (line_len && col) {
		*o++ = '\r';
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

char *base64_encode(struct arena *a, const void *p, size_t n, size_t line_len)
{
	return encode(a, p, n, alphabet, true, line_len);
}

char *base64url_encode(struct arena *a, const void *p, size_t n)
{
	return encode(a, p, n, url_alphabet, false, 0);
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

void *base64_decode(struct arena *a, const char *s, size_t n, size_t *out_len)
{
	unsigned char *out = arena_alloc(a, n / 4 * 3 + 4), *o = out;
	unsigned acc = 0;
	int bits = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int v;

		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = value_of(c);
		if (v < 0 || pad) /* nothing but padding after padding */
			return NULL;
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)(acc >> bits & 0xff);
		}
	}
	/* Leftover bits: 0 (complete), 2 (one '=' short) or 4 (two); 6 is a truncated group. */
	if (bits >= 6 || pad > 2 || (acc & ((1u << bits) - 1)) != 0)
		return NULL;
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}

static int url_value_of(unsigned char c)
{
	const char *hit = c ? strchr(url_alphabet, c) : NULL;

	return hit ? (int)(hit - url_alphabet) : -1;
}

unsigned char *base64url_decode(struct arena *a, const char *s, size_t len, size_t *n)
{
	unsigned char *out;
	size_t j = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (len % 4 == 1)
		return NULL;
	out = arena_alloc(a, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		int v = url_value_of((unsigned char)s[i]);

		if (v < 0)
			return NULL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[j++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) /* leftover bits must be zero: one encoding per byte string */
		return NULL;
	out[j] = '\0';
	*n = j;
	return out;
}
