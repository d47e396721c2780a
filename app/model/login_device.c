/* login_device: issuing and checking the device cookies of the two log-in pages. */
#include "login_device.h"
#include "arena.h"
#include "base64.h"
#include "conf.h"
#include "crypto.h"
#include "str.h"
#include "worker.h"

#include <string.h>

#define NONCE_BYTES 16

static const char *signature(struct worker *w, struct arena *a, const char *realm, const char *email, const char *nonce)
{
	static const char label[] = "motus login device cookie v1";
	const char *secret = conf_str(&w->conf, CONF_MEDIA_URL_SECRET);
	const char *msg = arena_printf(a, "%s\n%s\n%s", realm, email, nonce);
	unsigned char key[32], mac[32];

	crypto_hmac_sha256(key, secret, strlen(secret), label, sizeof(label) - 1);
	crypto_hmac_sha256(mac, key, sizeof(key), msg, strlen(msg));
	return base64url_encode(a, mac, sizeof(mac));
}

const char *login_device_issue(struct worker *w, struct arena *a, const char *realm, const char *email)
{
	unsigned char raw[NONCE_BYTES];
	const char *nonce;

	if (!email || crypto_random(raw, sizeof(raw)) < 0)
		return NULL;
	nonce = base64url_encode(a, raw, sizeof(raw));
	return arena_printf(a, "%s.%s", nonce, signature(w, a, realm, email, nonce));
}

const char *login_device_id(struct worker *w, struct arena *a, const char *realm, const char *email, const char *cookie)
{
	const char *dot;
	char *nonce;

	if (!cookie || !email || strlen(cookie) > 128 || !(dot = strchr(cookie, '.')) || dot == cookie)
		return NULL;
	nonce = arena_strndup(a, cookie, (size_t)(dot - cookie));
	for (const char *p = nonce; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p))
			return NULL;
	return str_equal_ct(dot + 1, signature(w, a, realm, email, nonce)) ? nonce : NULL;
}
