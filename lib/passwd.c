/* passwd: argon2id hashes in PHC format, re-hash detection, password rules. */
#include "passwd.h"
#include "crypto.h"
#include "str.h"

#include <argon2.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SALT_BYTES 16
#define HASH_BYTES 32

int passwd_hash(const struct passwd_params *p, const char *password, char out[PASSWD_ENCODED_MAX], struct err *e)
{
	unsigned char salt[SALT_BYTES];
	int rc;

	if (argon2_encodedlen(p->iterations, p->memory_kib, p->parallelism, SALT_BYTES, HASH_BYTES, Argon2_id) >
	    PASSWD_ENCODED_MAX)
		return err_set(e, 0, "argon2id parameters too large for the encoded form");
	if (crypto_random(salt, sizeof(salt)) < 0)
		return err_set(e, 0, "no randomness for a salt");
	rc = argon2id_hash_encoded(p->iterations, p->memory_kib, p->parallelism, password, strlen(password), salt,
				   sizeof(salt), HASH_BYTES, out, PASSWD_ENCODED_MAX);
	if (rc != ARGON2_OK)
		return err_set(e, 0, "argon2id: %s", argon2_error_message(rc));
	return 0;
}

int passwd_verify(const char *encoded, const char *password)
{
	int rc;

	if (!encoded || strncmp(encoded, "$argon2id$", 10) != 0)
		return -1;
	rc = argon2id_verify(encoded, password, strlen(password));
	if (rc == ARGON2_OK)
		return 1;
	return rc == ARGON2_VERIFY_MISMATCH ? 0 : -1;
}

void passwd_verify_dummy(const struct passwd_params *p, const char *password)
{
	static char dummy[PASSWD_ENCODED_MAX];
	static struct passwd_params made_with;
	struct err e;

	/* Made once per process with the current parameters, so it costs what a real one does. */
	if (!dummy[0] || memcmp(&made_with, p, sizeof(*p)) != 0) {
		if (passwd_hash(p, "motus-dummy-password", dummy, &e) < 0)
			return;
		made_with = *p;
	}
	(void)!passwd_verify(dummy, password);
}

bool passwd_needs_rehash(const char *encoded, const struct passwd_params *p)
{
	unsigned m, t, par;

	if (!encoded || sscanf(encoded, "$argon2id$v=19$m=%u,t=%u,p=%u$", &m, &t, &par) != 3)
		return true;
	return m != p->memory_kib || t != p->iterations || par != p->parallelism;
}

/* The most common passwords of public breach lists that pass the length rule. */
static const char *const common[] = {
	"1234567890", "12345678910", "123456789a", "1q2w3e4r5t",    "1qaz2wsx3edc",  "abcdefghij",
	"qwertyuiop", "password1!",  "password12", "password123",   "passw0rd123",   "iloveyou12",
	"qwerty1234", "qwerty12345", "0987654321", "1111111111",    "0000000000",    "a123456789",
	"zxcvbnm123", "letmein123",  "welcome123", "football12",    "baseball12",    "superman12",
	"sunshine12", "princess12",  "dragon1234", "monkey1234",    "1234qwerty",    "asdfghjkl1",
	"changeme12", "trustno1234", "starwars12", "administrator", "motuspassword", NULL,
};

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

int passwd_check_strength(const char *password, const char *email, struct err *e)
{
	size_t n = utf8_length(password);

	if (!str_valid_utf8(password, strlen(password)))
		return err_set_field(e, 400, "password", "must be valid UTF-8");
	if (n < PASSWD_MIN_LENGTH)
		return err_set_field(e, 400, "password", "must be at least %d characters", PASSWD_MIN_LENGTH);
	if (n > PASSWD_MAX_LENGTH)
		return err_set_field(e, 400, "password", "must be at most %d characters", PASSWD_MAX_LENGTH);
	for (const char *const *c = common; *c; c++)
		if (strcasecmp(password, *c) == 0)
			return err_set_field(e, 400, "password", "is one of the most common passwords");
	if (email && *email) {
		const char *at = strchr(email, '@');
		size_t local = at ? (size_t)(at - email) : strlen(email);

		if (strcasecmp(password, email) == 0 ||
		    (local >= 4 && strlen(password) == local && strncasecmp(password, email, local) == 0))
			return err_set_field(e, 400, "password", "must not be your email address");
	}
	return 0;
}
