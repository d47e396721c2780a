/* session: random session ids stored as digests, CSRF tokens, the session cookie. */
#include "session.h"
#include "arena.h"
#include "crypto.h"
#include "str.h"

#include <string.h>

const char *session_random_token(struct arena *a)
{
	unsigned char raw[SESSION_CSRF_LEN / 2];
	char *hex = arena_alloc(a, SESSION_CSRF_LEN + 1);

	if (crypto_random(raw, sizeof(raw)) < 0)
		return NULL;
	str_hex(hex, raw, sizeof(raw));
	return hex;
}

static const char *digest(struct arena *a, const char *id)
{
	char *out = arena_alloc(a, 65);

	crypto_sha256_hex(out, id, strlen(id));
	return out;
}

int session_new(struct arena *a, const char **id, const char **id_hash, const char **csrf, struct err *e)
{
	unsigned char raw[SESSION_ID_LEN / 2];
	char *hex = arena_alloc(a, SESSION_ID_LEN + 1);

	if (crypto_random(raw, sizeof(raw)) < 0)
		return err_set(e, 0, "no randomness for a session id");
	str_hex(hex, raw, sizeof(raw));
	*csrf = session_random_token(a);
	if (!*csrf)
		return err_set(e, 0, "no randomness for a CSRF token");
	*id = hex;
	*id_hash = digest(a, hex);
	return 0;
}

const char *session_id_hash(struct arena *a, const char *id)
{
	if (!id || strlen(id) != SESSION_ID_LEN)
		return NULL;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return NULL;
	return digest(a, id);
}

bool session_csrf_ok(const char *expected, const char *given)
{
	if (!expected || !given || !*expected || !*given)
		return false;
	return str_equal_ct(expected, given);
}

static bool octets_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("\",;\\", *s))
			return false;
	return true;
}

const char *session_cookie_format(struct arena *a, const struct session_cookie *c)
{
	if (!c->name || !*c->name || strchr(c->name, '=') || !octets_ok(c->name) || !c->value || !octets_ok(c->value))
		return NULL;
	return arena_printf(a, "%s=%s; Path=%s%s; HttpOnly; SameSite=Strict%s", c->name, c->value,
			    c->path ? c->path : "/", c->max_age < 0 ? "" : arena_printf(a, "; Max-Age=%ld", c->max_age),
			    c->secure ? "; Secure" : "");
}
