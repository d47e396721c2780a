/* oauth_flow: what an app does to get a user's tokens, for the integration suites. */
#include "oauth_flow.h"
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "crypto.h"
#include "json.h"
#include "str.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define A harness_arena()

const char *unique_email(const char *who)
{
	return arena_printf(A, "%s.%d.%ld@example.org", who, (int)getpid(), (long)(now_s() * 1000) % 100000000);
}

static const char *enc(const char *s)
{
	return str_url_encode(A, s);
}

struct reply *post_json(const char *path, const char *body, const char *bearer)
{
	const char *headers[] = {"Content-Type: application/json",
				 bearer ? arena_printf(A, "Authorization: Bearer %s", bearer) : NULL, NULL};

	return http_request("POST", path, headers, body, strlen(body));
}

struct reply *post_form(const char *path, const char *body, const char *cookie)
{
	const char *headers[] = {"Content-Type: application/x-www-form-urlencoded",
				 cookie ? arena_printf(A, "Cookie: %s", cookie) : NULL, NULL};

	return http_request("POST", path, headers, body, strlen(body));
}

struct reply *get_bearer(const char *path, const char *token)
{
	const char *headers[] = {arena_printf(A, "Authorization: Bearer %s", token), NULL};

	return http_request("GET", path, headers, NULL, 0);
}

/* The email's text with quoted-printable soft breaks and =3D undone. */
static const char *unqp(const char *s)
{
	struct buf b;

	buf_init(&b, A);
	for (const char *p = s; *p; p++) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 2;
		} else if (p[0] == '=' && p[1] == '\n') {
			p += 1;
		} else if (p[0] == '=' && p[1] == '3' && p[2] == 'D') {
			buf_putc(&b, '=');
			p += 2;
		} else {
			buf_putc(&b, *p);
		}
	}
	return buf_cstr(&b);
}

/* The text (quoted-printable undone) of a stored message to `to` that links to `path`, or NULL. */
const char *find_email(const char *to, const char *path)
{
	const char *dir = arena_printf(A, "%s/mail", harness_var());
	const char *rcpt = arena_printf(A, "<%s>", to), *link = arena_printf(A, "%s?token=", path);
	struct dirent *de;
	DIR *d = opendir(dir);
	const char *found = NULL;

	while (d && !found && (de = readdir(d))) {
		const char *file = arena_printf(A, "%s/%s", dir, de->d_name);
		FILE *f = fopen(file, "r");
		char chunk[4096];
		size_t n;
		struct buf text;

		if (de->d_name[0] == '.' || !f) {
			if (f)
				fclose(f);
			continue;
		}
		buf_init(&text, A);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_append(&text, chunk, n);
		fclose(f);
		const char *plain = unqp(buf_cstr(&text));
		if (strstr(plain, rcpt) && strstr(plain, link))
			found = plain;
	}
	if (d)
		closedir(d);
	return found;
}

/* Waits for the email to `to` whose link path is `path` and returns the link's token. */
const char *emailed_token(const char *to, const char *path)
{
	double deadline = now_s() + 20;
	const char *mail, *p;

	while (!(mail = find_email(to, path))) {
		ck_assert_msg(now_s() < deadline, "no email with %s for %s", path, to);
		usleep(100000);
	}
	p = strstr(mail, arena_printf(A, "%s?token=", path)) + strlen(path) + strlen("?token=");
	ck_assert_msg(strspn(p, "0123456789abcdef") >= 64, "no token in the link");
	return arena_strndup(A, p, 64);
}

/* Waits until count emails to `to` contain `needle`. */
void wait_emails(const char *to, const char *path, int count)
{
	(void)path;
	ck_assert(mail_wait(arena_printf(A, "<%s>", to), count, 20));
}

const char *signup_verified(const char *email)
{
	struct reply *r = post_json(
		"/v1/auth/signup",
		arena_printf(A, "{\"email\":\"%s\",\"password\":\"%s\",\"display_name\":\"Ann\"}", email, PASSWORD),
		NULL);
	const char *id;

	ck_assert_msg(r->status == 201, "signup: %ld %s", r->status, r->body);
	id = arena_strdup(A, reply_str(r, "id"));
	r = post_json("/v1/auth/verify-email",
		      arena_printf(A, "{\"token\":\"%s\"}", emailed_token(email, "/verify-email")), NULL);
	ck_assert_msg(r->status == 200, "verify: %ld %s", r->status, r->body);
	return id;
}

struct pkce new_pkce(void)
{
	unsigned char raw[32], digest[32];
	struct pkce p;

	ck_assert_int_eq(crypto_random(raw, sizeof(raw)), 0);
	p.verifier = base64url_encode(A, raw, sizeof(raw));
	crypto_sha256(digest, p.verifier, strlen(p.verifier));
	p.challenge = base64url_encode(A, digest, sizeof(digest));
	return p;
}

const char *authorize_query(const char *client, const char *redirect, const struct pkce *p)
{
	return arena_printf(A,
			    "response_type=code&client_id=%s&redirect_uri=%s&state=st-42&code_challenge=%s"
			    "&code_challenge_method=S256",
			    enc(client), enc(redirect), p->challenge);
}

const char *hidden(const char *html, const char *name)
{
	const char *p = strstr(html, arena_printf(A, "name=\"%s\" value=\"", name)), *end;

	ck_assert_msg(p != NULL, "no %s field in the page", name);
	p = strstr(p, "value=\"") + 7;
	end = strchr(p, '"');
	return arena_strndup(A, p, (size_t)(end - p));
}

const char *cookie_of(const struct reply *r)
{
	const char *set = reply_header(r, "Set-Cookie");

	ck_assert_ptr_nonnull(set);
	return arena_strndup(A, set, strcspn(set, ";"));
}

static struct reply *log_in(const char *email, const char *password, const struct pkce *p, bool with_csrf,
			    const char *device)
{
	const char *q = authorize_query(CLIENT, REDIRECT, p);
	struct reply *page = http_get(arena_printf(A, "/oauth/authorize?%s", q));
	const char *csrf, *cookie;

	ck_assert_msg(page->status == 200, "authorize page: %ld %s", page->status, page->body);
	ck_assert_ptr_nonnull(strstr(reply_header(page, "Content-Type"), "text/html"));
	csrf = hidden(page->body, "csrf_token");
	cookie = cookie_of(page);
	if (device)
		cookie = arena_printf(A, "%s; motus_device=%s", cookie, device);
	return post_form("/oauth/authorize",
			 arena_printf(A, "%s&email=%s&password=%s%s", q, enc(email), enc(password),
				      with_csrf ? arena_printf(A, "&csrf_token=%s", csrf) : ""),
			 cookie);
}

/* Logs in through the page; the reply to the form post. */
struct reply *login(const char *email, const char *password, const struct pkce *p, bool with_csrf)
{
	return log_in(email, password, p, with_csrf, NULL);
}

struct reply *login_from_device(const char *email, const char *password, const struct pkce *p, const char *device)
{
	return log_in(email, password, p, true, device);
}

/* The code of a successful log-in's redirect. */
const char *code_of(const struct reply *r)
{
	const char *loc = reply_header(r, "Location"), *p;

	ck_assert_msg(r->status == 303, "log-in: %ld %s", r->status, r->body);
	ck_assert_msg(loc && strncmp(loc, REDIRECT "?", strlen(REDIRECT) + 1) == 0, "Location %s", loc);
	ck_assert_ptr_nonnull(strstr(loc, "state=st-42"));
	ck_assert_ptr_nonnull(strstr(loc, "iss="));
	p = strstr(loc, "code=");
	ck_assert_ptr_nonnull(p);
	return arena_strndup(A, p + 5, strcspn(p + 5, "&"));
}

struct reply *exchange(const char *code, const char *verifier)
{
	return post_form(
		"/oauth/token",
		arena_printf(A, "grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s&code_verifier=%s",
			     code, enc(REDIRECT), CLIENT, verifier),
		NULL);
}

struct reply *refresh(const char *token)
{
	return post_form("/oauth/token",
			 arena_printf(A, "grant_type=refresh_token&refresh_token=%s&client_id=%s", token, CLIENT),
			 NULL);
}

struct tokens tokens_of(const struct reply *r)
{
	struct tokens t;

	ck_assert_msg(r->status == 200, "token: %ld %s", r->status, r->body);
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_str(r, "token_type"), "Bearer");
	ck_assert_int_gt(json_int(json_get(r->json, "expires_in")), 0);
	t.access = arena_strdup(A, reply_str(r, "access_token"));
	t.refresh = arena_strdup(A, reply_str(r, "refresh_token"));
	return t;
}

struct tokens login_tokens(const char *email, const char *password)
{
	struct pkce p = new_pkce();

	return tokens_of(exchange(code_of(login(email, password, &p, true)), p.verifier));
}
