/* base64: RFC 4648, standard alphabet. */
#include "base64.h"
#include "arena.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(struct arena *a, const void *p, size_t n, size_t line_len)
{
	const unsigned char *in = p;
	size_t chars = (n + 2) / 3 * 4, lines = line_len ? (chars + line_len - 1) / line_len : 0;
	char *out = arena_alloc(a, chars + 2 * lines + 1), *o = out;
	size_t col = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		char quad[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63], i + 1 < n ? alphabet[v >> 6 & 63] : '=',
				i + 2 < n ? alphabet[v & 63] : '='};

		for (int k = 0; k < 4; k++) {
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
