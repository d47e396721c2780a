/*
 * Integration: access tokens end to end. The JWKS and OAuth metadata, a
 * token from `motusctl token issue` accepted by GET /v1/token-info, every
 * kind of bad token refused with the right code and challenge, a key
 * rotation that keeps old and new tokens valid, and a verifier that has
 * nothing but the JWKS and the openssl command line.
 */
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "clock.h"
#include "crypto.h"
#include "harness.h"
#include "harness_clock.h"
#include "json.h"
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct arena *mem;

static void setup(void)
{
	mem = arena_new(1 << 16);
}

static void teardown(void)
{
	arena_free(mem);
	mem = NULL;
	harness_reset();
}

/* Runs a shell command; its stdout without the final newline. Fails the test on a non-zero exit. */
static char *run(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	struct buf out;
	char chunk[4096];
	size_t got;
	int rc;

	ck_assert_ptr_nonnull(f);
	buf_init(&out, mem);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, got);
	rc = pclose(f);
	ck_assert_msg(rc == 0, "command failed (%d): %s\n%s", rc, cmd, buf_cstr(&out));
	char *s = arena_strdup(mem, buf_cstr(&out));
	size_t n = strlen(s);
	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
	return s;
}

/* motusctl with the stack's settings, its output. */
static char *ctl(const char *args)
{
	return run(arena_printf(mem, "MOTUS_CONFIG=%s/etc/motus.conf %s/bin/motusctl %s 2>&1", harness_var(),
				harness_var(), args));
}

static char *issue(const char *args)
{
	return ctl(arena_printf(mem, "token issue %s", args));
}

static struct reply *token_info(const char *token)
{
	const char *h[] = {arena_printf(mem, "Authorization: Bearer %s", token), NULL};

	return http_request("GET", "/v1/token-info", token ? h : NULL, NULL, 0);
}

/* A JSON segment of a token (0: header, 1: claims). */
static struct json *segment(const char *token, int which)
{
	const char *p = token, *end;
	size_t n;
	unsigned char *raw;
	struct err e = {0};

	for (int i = 0; i < which; i++)
		p = strchr(p, '.') + 1;
	end = strchr(p, '.');
	raw = base64url_decode(mem, p, (size_t)(end - p), &n);
	ck_assert_ptr_nonnull(raw);
	return json_parse(mem, (const char *)raw, n, 8, &e);
}

static const char *kid_of(const char *token)
{
	return json_string(json_get(segment(token, 0), "kid"));
}

/* The JWK named kid in a JWKS reply, or NULL. */
static struct json *jwk(const struct reply *r, const char *kid)
{
	struct json *keys = json_get(r->json, "keys");

	for (size_t i = 0; i < json_array_len(keys); i++)
		if (str_eq(json_string(json_get(json_array_at(keys, i), "kid")), kid))
			return json_array_at(keys, i);
	return NULL;
}

/* Polls the JWKS until it lists kid: a worker re-reads the keys every signing_keys_refresh_s. */
static struct reply *jwks_with(const char *kid, struct json **k)
{
	double deadline = now_s() + (double)atol(ctl("config get signing_keys_refresh_s")) + 5;
	struct reply *r;

	do {
		r = http_get("/.well-known/jwks.json");
		ck_assert_int_eq(r->status, 200);
		*k = jwk(r, kid);
		if (!*k)
			usleep(100000);
	} while (!*k && now_s() < deadline);
	ck_assert_msg(*k != NULL, "kid %s not in %s", kid, r->body);
	return r;
}

START_TEST(jwks_publishes_the_active_key)
{
	char *token = issue("jwks-check");
	struct json *k;
	struct reply *r = jwks_with(kid_of(token), &k);
	const char *inm[2];

	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/jwk-set+json");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "public, max-age=300");
	ck_assert_ptr_nonnull(reply_header(r, "ETag"));
	ck_assert_str_eq(json_string(json_get(k, "kty")), "EC");
	ck_assert_str_eq(json_string(json_get(k, "crv")), "P-256");
	ck_assert_str_eq(json_string(json_get(k, "alg")), "ES256");
	ck_assert_str_eq(json_string(json_get(k, "use")), "sig");
	ck_assert_uint_eq(strlen(json_string(json_get(k, "x"))), 43);
	ck_assert_uint_eq(strlen(json_string(json_get(k, "y"))), 43);
	ck_assert_ptr_null(json_get(k, "d")); /* never the private part */
	ck_assert_ptr_null(strstr(r->body, "PRIVATE"));
	inm[0] = arena_printf(mem, "If-None-Match: %s", reply_header(r, "ETag"));
	inm[1] = NULL;
	/* Workers may hold copies of different ages; one of a few answers 304. */
	bool not_modified = false;
	for (int i = 0; i < 8 && !not_modified; i++)
		not_modified = http_request("GET", "/.well-known/jwks.json", inm, NULL, 0)->status == 304;
	ck_assert(not_modified);
}
END_TEST

START_TEST(oauth_metadata_describes_the_server)
{
	struct reply *r = http_get("/.well-known/oauth-authorization-server");
	const char *iss = harness_env("MOTUS_JWT_ISSUER");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(reply_str(r, "issuer"), iss);
	ck_assert_str_eq(reply_str(r, "authorization_endpoint"), arena_printf(mem, "%s/oauth/authorize", iss));
	ck_assert_str_eq(reply_str(r, "token_endpoint"), arena_printf(mem, "%s/oauth/token", iss));
	ck_assert_str_eq(reply_str(r, "revocation_endpoint"), arena_printf(mem, "%s/oauth/revoke", iss));
	ck_assert_str_eq(reply_str(r, "jwks_uri"), arena_printf(mem, "%s/.well-known/jwks.json", iss));
	ck_assert_str_eq(json_string(json_array_at(json_get(r->json, "response_types_supported"), 0)), "code");
	ck_assert_uint_eq(json_array_len(json_get(r->json, "grant_types_supported")), 2);
	ck_assert_str_eq(json_string(json_array_at(json_get(r->json, "code_challenge_methods_supported"), 0)), "S256");
	ck_assert_uint_eq(json_array_len(json_get(r->json, "code_challenge_methods_supported")), 1);
	ck_assert_str_eq(json_string(json_array_at(json_get(r->json, "token_endpoint_auth_methods_supported"), 0)),
			 "none");
	ck_assert_uint_ge(json_array_len(json_get(r->json, "scopes_supported")), 1);
}
END_TEST

START_TEST(token_info_answers_the_verified_claims)
{
	char *token = issue("it-user-1 profile premium");
	struct json *claims = segment(token, 1);
	long ttl = atol(ctl("config get access_token_ttl_s"));
	int64_t exp, iat;
	struct reply *r = token_info(token);

	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_str(r, "sub"), "it-user-1");
	ck_assert_str_eq(reply_str(r, "scope"), "profile premium");
	ck_assert_str_eq(reply_str(r, "jti"), json_string(json_get(claims, "jti")));
	ck_assert(json_int64(json_get(r->json, "exp"), &exp));
	ck_assert(json_int64(json_get(r->json, "iat"), &iat));
	ck_assert_int_eq(exp - iat, ttl);
	ck_assert_int_le(llabs((long long)iat - (long long)clock_unix()), 60);
	/* The token itself is the RFC 9068 profile. */
	ck_assert_str_eq(json_string(json_get(segment(token, 0), "typ")), "at+jwt");
	ck_assert_str_eq(json_string(json_get(segment(token, 0), "alg")), "ES256");
	ck_assert_str_eq(json_string(json_get(claims, "iss")), harness_env("MOTUS_JWT_ISSUER"));
	ck_assert_str_eq(json_string(json_get(claims, "aud")), "motus-api");
	/* RFC 9068 §2.2 requires client_id: the operator's client, or the one named. */
	ck_assert_str_eq(json_string(json_get(claims, "client_id")), "motusctl");
	ck_assert_str_eq(json_string(json_get(segment(issue("--client motus-web it-user-1"), 1), "client_id")),
			 "motus-web");
	ck_assert_str_eq(
		json_string(json_get(segment(issue("--at 1700000000 --client motus-ios it-user-1"), 1), "client_id")),
		"motus-ios");
}
END_TEST

/* Replaces the signature (or the whole header) of a real token to make the hostile ones. */
static char *with_header_signed_by_hmac(const char *token, const char *header_json, const char *secret)
{
	const char *body = strchr(token, '.') + 1, *dot = strchr(body, '.');
	char *input = arena_printf(mem, "%s.%.*s", base64url_encode(mem, header_json, strlen(header_json)),
				   (int)(dot - body), body);
	unsigned char mac[32];

	if (!secret)
		return arena_printf(mem, "%s.", input);
	crypto_hmac_sha256(mac, secret, strlen(secret), input, strlen(input));
	return arena_printf(mem, "%s.%s", input, base64url_encode(mem, mac, sizeof(mac)));
}

START_TEST(bad_tokens_are_refused_with_the_right_code_and_challenge)
{
	char *good = issue("it-user-2 premium");
	const char *kid = kid_of(good);
	char *pem = ctl(arena_printf(mem, "keys pem %s", kid));
	char *expired = issue(arena_printf(mem, "--at %lld it-user-2", (long long)clock_unix() - 3600));
	char *tampered = arena_strdup(mem, good);
	char *payload = strchr(tampered, '.') + 1;
	const struct {
		const char *name, *authorization, *code, *challenge;
	} cases[] = {
		{"no Authorization", NULL, "invalid_token", "Bearer realm=\"motus\""},
		{"Basic credentials", "Basic dXNlcjpwYXNz", "invalid_token", "Bearer realm=\"motus\""},
		{"garbage", "Bearer garbage", "invalid_token", "Bearer realm=\"motus\", error=\"invalid_token\""},
		{"expired", arena_printf(mem, "Bearer %s", expired), "access_token_expired",
		 "Bearer realm=\"motus\", error=\"invalid_token\", error_description=\"The access token expired\""},
		{"HS256 keyed with the public key",
		 arena_printf(mem, "Bearer %s",
			      with_header_signed_by_hmac(
				      good,
				      arena_printf(mem, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", kid),
				      arena_printf(mem, "%s\n", pem))),
		 "invalid_token", "Bearer realm=\"motus\", error=\"invalid_token\""},
		{"HS256 keyed with the public key, no final newline",
		 arena_printf(mem, "Bearer %s",
			      with_header_signed_by_hmac(
				      good,
				      arena_printf(mem, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", kid),
				      pem)),
		 "invalid_token", "Bearer realm=\"motus\", error=\"invalid_token\""},
		{"alg none",
		 arena_printf(mem, "Bearer %s",
			      with_header_signed_by_hmac(
				      good,
				      arena_printf(mem, "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", kid),
				      NULL)),
		 "invalid_token", "Bearer realm=\"motus\", error=\"invalid_token\""},
		{"tampered claims", NULL, "invalid_token", "Bearer realm=\"motus\", error=\"invalid_token\""},
	};

	/* flip one character of the claims segment */
	payload[5] = payload[5] == 'A' ? 'B' : 'A';
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *auth = i == 7 ? arena_printf(mem, "Bearer %s", tampered) : cases[i].authorization;
		const char *h[] = {auth ? arena_printf(mem, "Authorization: %s", auth) : NULL, NULL};
		struct reply *r = http_request("GET", "/v1/token-info", auth ? h : NULL, NULL, 0);

		ck_assert_msg(r->status == 401, "%s: %ld %s", cases[i].name, r->status, r->body);
		ck_assert_str_eq(reply_header(r, "Content-Type"), "application/problem+json");
		ck_assert_msg(str_eq(reply_str(r, "code"), cases[i].code), "%s: code %s", cases[i].name,
			      reply_str(r, "code"));
		ck_assert_msg(str_eq(reply_header(r, "WWW-Authenticate"), cases[i].challenge), "%s: challenge %s",
			      cases[i].name, reply_header(r, "WWW-Authenticate"));
		ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	}
	/* The good one still works. */
	ck_assert_int_eq(token_info(good)->status, 200);
}
END_TEST

/* Every worker remembers a token it verified (token_cache_entries): that must vouch for nothing but those bytes. */
START_TEST(a_remembered_token_vouches_for_no_other_bytes)
{
	char *good = issue("it-user-3 profile");
	char *tampered = arena_strdup(mem, good), *sig = strrchr(tampered, '.') + 1;
	double hits = metric_sum("motus_token_cache_requests_total{result=\"hit\"}");

	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(token_info(good)->status, 200);
	ck_assert_msg(metric_sum("motus_token_cache_requests_total{result=\"hit\"}") > hits,
		      "12 presentations of one token and not one was found remembered");
	/* The same claims and header, another signature; and the good token with a byte more. */
	sig[3] = sig[3] == 'A' ? 'B' : 'A';
	for (int i = 0; i < 12; i++) {
		ck_assert_int_eq(token_info(tampered)->status, 401);
		ck_assert_int_eq(token_info(arena_printf(mem, "%sA", good))->status, 401);
	}
	ck_assert_int_eq(token_info(good)->status, 200);
}
END_TEST

/* Remembered or not, a token is refused once exp + jwt_leeway_s has passed, with the expired code. */
START_TEST(a_remembered_token_expires_on_time)
{
	long ttl = atol(ctl("config get access_token_ttl_s")), leeway = atol(ctl("config get jwt_leeway_s"));
	char *token = issue("it-user-4 profile");

	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(token_info(token)->status, 200);
	harness_clock_advance((int)(ttl + leeway));
	for (int i = 0; i < 12; i++) {
		struct reply *r = token_info(token);

		ck_assert_msg(r->status == 401, "a remembered token answered %ld after its expiry", r->status);
		ck_assert_str_eq(reply_str(r, "code"), "access_token_expired");
	}
}
END_TEST

/* Every worker must accept it: send it often enough to reach all of them. */
static void accepted_everywhere(const char *token, const char *sub)
{
	for (int i = 0; i < 12; i++) {
		struct reply *r = token_info(token);

		ck_assert_msg(r->status == 200, "%s refused (%ld %s)", sub, r->status, r->body);
		ck_assert_str_eq(reply_str(r, "sub"), sub);
	}
}

START_TEST(rotation_keeps_old_and_new_tokens_valid)
{
	char *old = issue("it-before-rotation"), *fresh;
	long refresh = atol(ctl("config get signing_keys_refresh_s"));
	double deadline;
	struct reply *r;

	accepted_everywhere(old, "it-before-rotation");
	ck_assert_ptr_nonnull(strstr(ctl("keys rotate"), "retired"));
	fresh = issue("it-after-rotation");
	ck_assert_str_ne(kid_of(old), kid_of(fresh));
	/* A worker that has not re-read the keys yet looks them up when it meets the new kid. */
	accepted_everywhere(fresh, "it-after-rotation");
	accepted_everywhere(old, "it-before-rotation");
	ck_assert_ptr_nonnull(strstr(ctl("keys list"), "retired"));
	/* Within signing_keys_refresh_s every worker publishes both. */
	deadline = now_s() + (double)refresh + 5;
	int both = 0;
	while (both < 8 && now_s() < deadline) {
		r = http_get("/.well-known/jwks.json");
		ck_assert_int_eq(r->status, 200);
		both = jwk(r, kid_of(old)) && jwk(r, kid_of(fresh)) ? both + 1 : 0;
		if (both < 8)
			usleep(100000);
	}
	ck_assert_msg(both == 8, "the JWKS does not list both keys after %ld s", refresh + 5);
	/* generate is a no-op now that a key is active */
	ck_assert_ptr_nonnull(strstr(ctl("keys generate"), "already active"));
}
END_TEST

/* DER of a P-256 SubjectPublicKeyInfo: this fixed prefix, then 04 || x || y. */
static const unsigned char spki_prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
					    0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
					    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};

/* A DER INTEGER of a 32-byte big-endian unsigned value. */
static size_t der_int(unsigned char *out, const unsigned char *v)
{
	size_t i = 0, n = 0;

	while (i < 31 && v[i] == 0)
		i++;
	out[n++] = 0x02;
	out[n++] = (unsigned char)(32 - i + (v[i] & 0x80 ? 1 : 0));
	if (v[i] & 0x80)
		out[n++] = 0x00;
	memcpy(out + n, v + i, 32 - i);
	return n + 32 - i;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* openssl dgst -verify with a key and signature made from the JWKS and the token alone. */
static int openssl_verify(const char *dir, const struct json *k, const char *input, const unsigned char *rs)
{
	unsigned char spki[sizeof(spki_prefix) + 64], sig[80], ints[76];
	size_t nx, ny, n;
	const char *x = json_string(json_get(k, "x")), *y = json_string(json_get(k, "y"));
	unsigned char *xb = base64url_decode(mem, x, strlen(x), &nx), *yb = base64url_decode(mem, y, strlen(y), &ny);
	char *cmd;
	int rc;

	ck_assert(xb && yb && nx == 32 && ny == 32);
	memcpy(spki, spki_prefix, sizeof(spki_prefix));
	memcpy(spki + sizeof(spki_prefix), xb, 32);
	memcpy(spki + sizeof(spki_prefix) + 32, yb, 32);
	/* JOSE r || s -> ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } */
	n = der_int(ints, rs);
	n += der_int(ints + n, rs + 32);
	sig[0] = 0x30;
	sig[1] = (unsigned char)n;
	memcpy(sig + 2, ints, n);
	write_file(arena_printf(mem, "%s/key.der", dir), spki, sizeof(spki));
	write_file(arena_printf(mem, "%s/sig.der", dir), sig, n + 2);
	write_file(arena_printf(mem, "%s/input", dir), input, strlen(input));
	cmd = arena_printf(
		mem, "cd %s && openssl dgst -sha256 -keyform DER -verify key.der -signature sig.der input >out 2>&1",
		dir);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

START_TEST(a_party_with_only_the_jwks_verifies_the_signature)
{
	char *token = issue("it-user-3 premium"), dir[] = "/tmp/motus-jwks.XXXXXX";
	const char *sig64 = strrchr(token, '.') + 1;
	char *input = arena_strndup(mem, token, (size_t)(sig64 - 1 - token)), *bad;
	size_t n;
	unsigned char *rs = base64url_decode(mem, sig64, strlen(sig64), &n);
	struct json *k = NULL;

	ck_assert(rs && n == 64);
	jwks_with(kid_of(token), &k);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(openssl_verify(dir, k, input, rs) == 0, "openssl refused the signature: %s",
		      run(arena_printf(mem, "cat %s/out", dir)));
	ck_assert_str_eq(run(arena_printf(mem, "cat %s/out", dir)), "Verified OK");
	/* and refuses a changed token */
	bad = arena_strdup(mem, input);
	bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
	ck_assert_int_ne(openssl_verify(dir, k, bad, rs), 0);
	run(arena_printf(mem, "rm -rf %s", dir));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("tokens");
	TCase *tc = harness_case(s, "tokens", HARNESS_SHARED);
	/* Rotates the signing keys every suite's tokens are signed with. */
	TCase *rotation = harness_case(s, "tokens_rotation", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, jwks_publishes_the_active_key);
	tcase_add_test(tc, oauth_metadata_describes_the_server);
	tcase_add_test(tc, token_info_answers_the_verified_claims);
	tcase_add_test(tc, bad_tokens_are_refused_with_the_right_code_and_challenge);
	tcase_add_test(tc, a_party_with_only_the_jwks_verifies_the_signature);
	tcase_add_test(tc, a_remembered_token_vouches_for_no_other_bytes);
	tcase_add_checked_fixture(rotation, setup, teardown);
	tcase_set_timeout(rotation, 120);
	tcase_add_test(rotation, rotation_keeps_old_and_new_tokens_valid);
	tcase_add_test(rotation, a_remembered_token_expires_on_time);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
