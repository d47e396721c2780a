/*
 * Integration: /v1/me and what hangs off it: profile, preferences, consents
 * (recorded with time and source, synced to the marketing platform through
 * the queue, signed), export and deletion; and that one user can never read
 * or change another user's data through any route.
 */
#include "arena.h"
#include "base64.h"
#include "buf.h"
#include "crypto.h"
#include "harness.h"
#include "json.h"
#include "oauth_flow.h"
#include "str.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define a harness_arena()

static struct reply *send_json(const char *method, const char *path, const char *token, const char *body)
{
	const char *headers[] = {"Content-Type: application/json", arena_printf(a, "Authorization: Bearer %s", token),
				 NULL};

	return http_request(method, path, headers, body, body ? strlen(body) : 0);
}

struct user {
	const char *id, *email;
	struct tokens t;
};

static struct user new_user(const char *who)
{
	struct user u;

	u.email = unique_email(who);
	u.id = signup_verified(u.email);
	u.t = login_tokens(u.email, PASSWORD);
	return u;
}

START_TEST(me_routes_refuse_missing_bad_and_underscoped_tokens)
{
	static const char *const paths[] = {"/v1/me", "/v1/me/export", "/v1/me/preferences", "/v1/me/consents"};
	const char *operator_token = motusctl_out("token issue someone-else");
	struct reply *r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		r = http_get(paths[i]);
		ck_assert_int_eq(r->status, 401);
		ck_assert_ptr_nonnull(reply_header(r, "WWW-Authenticate"));
		r = get_bearer(paths[i], "not.a.token");
		ck_assert_int_eq(r->status, 401);
		ck_assert_str_eq(reply_str(r, "code"), "invalid_token");
	}
	/* A valid token without the profile scope. */
	r = get_bearer("/v1/me", arena_strndup(a, operator_token, strcspn(operator_token, "\n")));
	ck_assert_int_eq(r->status, 403);
	ck_assert_str_eq(reply_str(r, "code"), "insufficient_scope");
	/* An operator's token whose subject is no account: 404, not a database error. */
	r = get_bearer("/v1/me", motusctl_out("token issue someone-else profile"));
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	ck_assert_int_eq(get_bearer("/v1/me/preferences", motusctl_out("token issue 42 profile"))->status, 404);
}
END_TEST

START_TEST(profile_is_mine_and_editable)
{
	struct user u = new_user("profile");
	struct reply *r = send_json("PATCH", "/v1/me", u.t.access, "{\"display_name\":\"Ann <b>K</b>\"}");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "display_name"), "Ann <b>K</b>");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "private, no-cache");
	r = send_json("PATCH", "/v1/me", u.t.access, "{\"email\":\"other@example.org\"}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "code"), "unknown_field");
	ck_assert_str_eq(reply_str(get_bearer("/v1/me", u.t.access), "email"), u.email);
}
END_TEST

/* A name is one line of text of at most 100 characters: it ends up in the verification email's body. */
START_TEST(display_names_are_one_line_counted_in_characters)
{
	struct user u = new_user("names");
	static const char *const refused[] = {
		"{\"display_name\":\"Ann\\r\\nBcc: victim@example.org\"}",              /* extra lines in an email */
		"{\"display_name\":\"Ann\\u0000K\"}",                                   /* was silently cut to "Ann" */
		"{\"display_name\":\"Ann\\tK\"}", "{\"display_name\":\"Ann\\u0085K\"}", /* NEL, a C1 control */
	};
	struct buf b;
	struct reply *r;

	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		r = send_json("PATCH", "/v1/me", u.t.access, refused[i]);
		ck_assert_msg(r->status == 400, "%s: %ld", refused[i], r->status);
		ck_assert_str_eq(reply_error_field(r, 0, "field"), "display_name");
	}
	ck_assert_str_eq(reply_str(get_bearer("/v1/me", u.t.access), "display_name"), "Ann"); /* as signed up */
	/* 60 "é" are 120 bytes and 60 characters: a name. */
	buf_init(&b, a);
	for (int i = 0; i < 60; i++)
		buf_puts(&b, "\xc3\xa9");
	r = send_json("PATCH", "/v1/me", u.t.access, arena_printf(a, "{\"display_name\":\"%s\"}", buf_cstr(&b)));
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "display_name"), buf_cstr(&b));
}
END_TEST

START_TEST(preferences_round_trip_and_are_validated)
{
	struct user u = new_user("prefs");
	const char *doc = "{\"diet\":\"gluten-free\",\"goals\":[\"run-5k\",\"eat-healthier\"],\"equipment\":[\"mat\"],"
			  "\"units\":\"imperial\"}";
	struct reply *r = get_bearer("/v1/me/preferences", u.t.access);

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "diet"), "omnivore"); /* defaults before any choice */
	r = send_json("PUT", "/v1/me/preferences", u.t.access, doc);
	ck_assert_int_eq(r->status, 200);
	r = get_bearer("/v1/me/preferences", u.t.access);
	ck_assert_str_eq(reply_str(r, "diet"), "gluten-free");
	ck_assert_str_eq(reply_str(r, "units"), "imperial");
	ck_assert_int_eq(json_array_len(json_get(r->json, "goals")), 2);
	r = send_json(
		"PUT", "/v1/me/preferences", u.t.access,
		"{\"diet\":\"carnivore\",\"goals\":[\"run-5k\",\"run-5k\"],\"equipment\":[],\"units\":\"metric\",\"x\":1}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_str(r, "code"), "validation_failed");
	ck_assert_int_eq(json_array_len(json_get(r->json, "errors")), 3); /* x, diet, goals[1] */
	ck_assert_str_eq(reply_str(get_bearer("/v1/me/preferences", u.t.access), "diet"), "gluten-free");
	/* One vocabulary, the content's: the words as GET /v1/vocabularies spells them, not another spelling. */
	r = send_json("PUT", "/v1/me/preferences", u.t.access,
		      "{\"diet\":\"gluten_free\",\"goals\":[],\"equipment\":[\"yoga_mat\"],\"units\":\"metric\"}");
	ck_assert_int_eq(r->status, 400);
	ck_assert_str_eq(reply_error_field(r, 0, "field"), "diet");
	ck_assert_str_eq(reply_error_field(r, 1, "field"), "equipment[0]");
	r = http_get("/v1/vocabularies");
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "public, max-age=3600");
	ck_assert_ptr_nonnull(reply_header(r, "ETag"));
	for (const char *const *k = (const char *const[]){"diets", "goals", "equipment", NULL}; *k; k++)
		ck_assert_int_gt(json_array_len(json_get(r->json, *k)), 0);
	ck_assert_ptr_nonnull(strstr(r->body, "{\"slug\":\"gluten-free\",\"label\":\"Gluten-free\"}"));
	ck_assert_ptr_nonnull(strstr(r->body, "{\"slug\":\"mat\",\"label\":\"Mat\"}"));
}
END_TEST

/*
 * A webhook receiver on the stack's hook port, in a child process: answers
 * the first call about user_id 503 (so the job must retry), later ones 200,
 * and appends each such request's signature line and body to `log`. Calls
 * about other users (other tests' consent changes) are answered 200 and not
 * logged.
 */
static pid_t start_receiver(const char *log, const char *user_id)
{
	int fd = harness_hook_listen();
	pid_t pid;

	pid = fork();
	if (pid != 0) {
		close(fd);
		return pid;
	}
	for (int calls = 0;;) {
		int c = accept(fd, NULL, NULL);
		char req[16384];
		size_t got = 0;
		long want = -1;
		FILE *f;

		if (c < 0)
			_exit(0);
		while (got < sizeof(req) - 1) {
			ssize_t n = read(c, req + got, sizeof(req) - 1 - got);
			char *end, *cl;

			if (n <= 0)
				break;
			got += (size_t)n;
			req[got] = '\0';
			end = strstr(req, "\r\n\r\n");
			cl = strcasestr(req, "Content-Length:");
			if (end && cl)
				want = (long)(end + 4 - req) + atol(cl + 15);
			if (want >= 0 && (long)got >= want)
				break;
		}
		char *sig = strcasestr(req, "X-Motus-Signature:"), *body = strstr(req, "\r\n\r\n");
		bool mine = body && strstr(body, user_id);

		f = mine ? fopen(log, "a") : NULL;
		if (f) {
			fprintf(f, "%s\n%s\n", sig ? arena_strndup(a, sig + 19, strcspn(sig + 19, "\r")) : "-",
				body + 4);
			fclose(f);
		}
		const char *answer = mine && calls++ == 0
					     ? "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
					     : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
		if (write(c, answer, strlen(answer)) < 0)
			_exit(1);
		close(c);
	}
}

/* The n-th "signature\nbody" record of the receiver's log, or NULL. */
static const char *record(const char *log, int n, const char **body)
{
	FILE *f = fopen(log, "r");
	static char line[2][16384];
	const char *out = NULL;

	for (int i = 0; f && i <= n; i++) {
		if (!fgets(line[0], sizeof(line[0]), f) || !fgets(line[1], sizeof(line[1]), f))
			break;
		if (i == n) {
			line[0][strcspn(line[0], "\n")] = line[1][strcspn(line[1], "\n")] = '\0';
			out = line[0];
			*body = line[1];
		}
	}
	if (f)
		fclose(f);
	return out;
}

START_TEST(consents_are_recorded_and_synced_signed)
{
	struct user u = new_user("consent");
	char log[] = "/tmp/motus-hook.XXXXXX";
	int fd = mkstemp(log);
	pid_t receiver = start_receiver(log, u.id);
	const char *sig = NULL, *body = NULL;
	double deadline = now_s() + 20;
	struct reply *r;

	close(fd);
	r = get_bearer("/v1/me/consents", u.t.access);
	ck_assert(!json_boolean(json_get(json_get(r->json, "marketing_email"), "granted")));
	r = send_json("PUT", "/v1/me/consents", u.t.access, "{\"marketing_email\":true}");
	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	struct json *m = json_get(r->json, "marketing_email");
	ck_assert(json_boolean(json_get(m, "granted")));
	ck_assert_str_eq(json_string(json_get(m, "source")), "api:" CLIENT);
	ck_assert_ptr_nonnull(json_string(json_get(m, "recorded_at")));

	/* The first delivery is refused with 503; the retry gets through. */
	while (!(sig = record(log, 1, &body)) && now_s() < deadline)
		usleep(100000);
	kill(receiver, SIGKILL); /* it inherited Check's SIGTERM handler, which would end the whole test */
	waitpid(receiver, NULL, 0);
	ck_assert_msg(sig != NULL, "the consent change was not delivered twice (503, then retry)");
	struct err e = {0};
	struct json *doc = json_parse(a, body, strlen(body), 8, &e), *change;
	ck_assert_msg(doc != NULL, "%s: %s", body, e.msg);
	ck_assert_str_eq(json_string(json_get(doc, "event")), "consent.changed");
	ck_assert_str_eq(json_string(json_get(doc, "user_id")), u.id);
	change = json_array_at(json_get(doc, "changes"), 0);
	ck_assert_str_eq(json_string(json_get(change, "kind")), "marketing_email");
	ck_assert(json_boolean(json_get(change, "granted")));
	/* The signature is HMAC-SHA256 of "<t>.<body>" under the shared secret. */
	long t = atol(sig + 2);
	unsigned char mac[32];
	char hex[65];
	const char *signed_text = arena_printf(a, "%ld.%s", t, body);
	crypto_hmac_sha256(mac, "test-consent-secret", strlen("test-consent-secret"), signed_text, strlen(signed_text));
	str_hex(hex, mac, sizeof(mac));
	ck_assert_str_eq(sig, arena_printf(a, "t=%ld,v1=%s", t, hex));
	unlink(log);

	/* The same choice again changes nothing: no new history row, no new job. */
	r = send_json("PUT", "/v1/me/consents", u.t.access, "{\"marketing_email\":true}");
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM user_consent WHERE user_id = '%s'", u.id)), "1");
	ck_assert_str_eq(
		sql(arena_printf(a,
				 "SELECT count(*) FROM job WHERE kind = 'consent_sync' AND payload->>'user_id' = '%s'",
				 u.id)),
		"1");
	r = send_json("PUT", "/v1/me/consents", u.t.access, "{\"marketing_email\":\"yes\"}");
	ck_assert_int_eq(r->status, 400);
}
END_TEST

START_TEST(one_user_never_reaches_another_users_data)
{
	struct user ann = new_user("ann"), bob = new_user("bob");
	struct reply *r;

	ck_assert_int_eq(send_json("PUT", "/v1/me/preferences", ann.t.access,
				   "{\"diet\":\"keto\",\"goals\":[],\"equipment\":[\"bike\"],\"units\":\"metric\"}")
				 ->status,
			 200);
	ck_assert_int_eq(send_json("PATCH", "/v1/me", ann.t.access, "{\"display_name\":\"Ann\"}")->status, 200);
	/* Bob sees only himself, whatever he does. */
	r = get_bearer("/v1/me", bob.t.access);
	ck_assert_str_eq(reply_str(r, "id"), bob.id);
	ck_assert_str_eq(reply_str(get_bearer("/v1/me/preferences", bob.t.access), "diet"), "omnivore");
	r = get_bearer("/v1/me/export", bob.t.access);
	ck_assert_ptr_null(strstr(r->body, ann.email));
	ck_assert_ptr_null(strstr(r->body, ann.id));
	/* Routes take no user id, and unknown parameters are refused rather than obeyed. */
	r = get_bearer(arena_printf(a, "/v1/me?user_id=%s", ann.id), bob.t.access);
	ck_assert_int_eq(r->status, 400);
	ck_assert_int_eq(get_bearer(arena_printf(a, "/v1/users/%s", ann.id), bob.t.access)->status, 404);
	/* A token whose payload was edited to say "sub": Ann fails its signature. */
	const char *dot1 = strchr(bob.t.access, '.'), *dot2 = strchr(dot1 + 1, '.');
	const char *claims = arena_printf(a, "{\"sub\":\"%s\",\"scope\":\"profile\"}", ann.id);
	const char *forged = arena_printf(a, "%.*s.%s%s", (int)(dot1 - bob.t.access), bob.t.access,
					  base64url_encode(a, claims, strlen(claims)), dot2);
	ck_assert_int_eq(get_bearer("/v1/me", forged)->status, 401);
	/* Bob's refresh token cannot be spent by another client, nor revoke Ann's family. */
	r = post_form("/oauth/token",
		      arena_printf(a, "grant_type=refresh_token&refresh_token=%s&client_id=motus-web", bob.t.refresh),
		      NULL);
	ck_assert_int_eq(r->status, 400);
	ck_assert_int_eq(
		post_form("/oauth/revoke", arena_printf(a, "token=%s&client_id=motus-ios", bob.t.refresh), NULL)
			->status,
		200);
	ck_assert_int_eq(refresh(bob.t.refresh)->status, 400);
	ck_assert_int_eq(refresh(ann.t.refresh)->status, 200);
	/* Bob deletes his account: Ann is untouched. */
	ck_assert_int_eq(send_json("DELETE", "/v1/me", bob.t.access, NULL)->status, 204);
	r = get_bearer("/v1/me", ann.t.access);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "display_name"), "Ann");
	ck_assert_str_eq(reply_str(get_bearer("/v1/me/preferences", ann.t.access), "diet"), "keto");
}
END_TEST

START_TEST(export_has_everything_and_deletion_erases_it)
{
	struct user u = new_user("erase");
	struct reply *r;

	ck_assert_int_eq(send_json("PUT", "/v1/me/consents", u.t.access, "{\"analytics\":true}")->status, 200);
	ck_assert_int_eq(send_json("PUT", "/v1/content/lentil-soup/like", u.t.access, NULL)->status, 204);
	ck_assert_int_eq(motusctl(arena_printf(a, "user grant %s premium:plus --days 30", u.email)), 0);
	r = get_bearer("/v1/me/export", u.t.access);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Content-Disposition"), "attachment"));
	ck_assert_str_eq(json_string(json_get(json_get(r->json, "account"), "email")), u.email);
	ck_assert_int_eq(json_array_len(json_get(r->json, "consents")), 1);
	ck_assert_int_eq(json_array_len(json_get(r->json, "sessions")), 1);
	ck_assert_int_eq(json_array_len(json_get(r->json, "likes")), 1);
	ck_assert_str_eq(json_string(json_get(json_array_at(json_get(r->json, "likes"), 0), "slug")), "lentil-soup");
	ck_assert_int_eq(json_array_len(json_get(r->json, "entitlements")), 1);
	ck_assert_str_eq(json_string(json_get(json_array_at(json_get(r->json, "entitlements"), 0), "scope")),
			 "premium:plus");

	ck_assert_int_eq(send_json("DELETE", "/v1/me", u.t.access, NULL)->status, 204);
	/* Personal data is gone; an anonymous row stays for accounting. */
	ck_assert_str_eq(sql(arena_printf(a, "SELECT count(*) FROM app_user WHERE email = '%s'", u.email)), "0");
	ck_assert_str_eq(
		sql(arena_printf(
			a,
			"SELECT email LIKE 'erased-%%@invalid' AND display_name = '' AND deleted_at IS NOT NULL"
			" FROM app_user WHERE id = '%s'",
			u.id)),
		"t");
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT (SELECT count(*) FROM user_consent WHERE user_id = '%1$s')"
					  " + (SELECT count(*) FROM refresh_token WHERE user_id = '%1$s')"
					  " + (SELECT count(*) FROM content_like WHERE user_id = '%1$s')"
					  " + (SELECT count(*) FROM entitlement WHERE user_id = '%1$s')",
					  u.id)),
			 "0");
	/* Its tokens are useless now, and the address can sign up afresh. */
	ck_assert_int_eq(get_bearer("/v1/me", u.t.access)->status, 404);
	ck_assert_int_eq(refresh(u.t.refresh)->status, 400);
	r = post_json("/v1/auth/signup", arena_printf(a, "{\"email\":\"%s\",\"password\":\"%s\"}", u.email, PASSWORD),
		      NULL);
	ck_assert_int_eq(r->status, 201);
}
END_TEST

/*
 * Every table that holds a user id, as the schema says (a foreign key to
 * app_user or a user_id column), with where the export shows it, or why it
 * does not. A table added later without a line here fails the test below.
 */
static const struct {
	const char *table, *export_key, *not_exported_because;
} personal_tables[] = {
	{"user_preferences", "preferences", NULL},
	{"user_consent", "consents", NULL},
	{"refresh_token", "sessions", NULL},
	{"content_like", "likes", NULL},
	{"entitlement", "entitlements", NULL},
	{"email_token", NULL, "digests of single-use email links, which are spent or expire within a day"},
	{"oauth_code", NULL, "digests of authorization codes, which live a minute"},
};

static const char user_tables_sql[] =
	"SELECT string_agg(t, ' ' ORDER BY t) FROM ("
	" SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND confrelid = 'app_user'::regclass"
	" UNION SELECT table_name::text FROM information_schema.columns"
	"  WHERE table_schema = current_schema() AND column_name = 'user_id') tables";

START_TEST(every_table_with_a_user_id_is_in_the_export_and_erased)
{
	struct user u = new_user("walk");
	char *tables = arena_strdup(a, sql(user_tables_sql)), *save = NULL;
	size_t known = sizeof(personal_tables) / sizeof(*personal_tables), seen = 0;
	struct reply *r;

	/* Something in every table the export shows. */
	ck_assert_int_eq(send_json("PUT", "/v1/me/preferences", u.t.access,
				   "{\"diet\":\"vegan\",\"goals\":[],\"equipment\":[],\"units\":\"metric\"}")
				 ->status,
			 200);
	ck_assert_int_eq(send_json("PUT", "/v1/me/consents", u.t.access, "{\"analytics\":true}")->status, 200);
	ck_assert_int_eq(send_json("PUT", "/v1/content/lentil-soup/like", u.t.access, NULL)->status, 204);
	ck_assert_int_eq(motusctl(arena_printf(a, "user grant %s premium:plus --days 30", u.email)), 0);
	r = get_bearer("/v1/me/export", u.t.access);
	ck_assert_int_eq(r->status, 200);

	for (char *t = strtok_r(tables, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		size_t i = 0;

		while (i < known && !str_eq(personal_tables[i].table, t))
			i++;
		ck_assert_msg(i < known,
			      "table %s holds a user id but nobody said how the export shows it: add it to the export "
			      "(user_export_json), to erasure (user.erase) and to personal_tables",
			      t);
		seen++;
		if (personal_tables[i].export_key) {
			struct json *v = json_get(r->json, personal_tables[i].export_key);

			ck_assert_msg(v && (json_array_len(v) > 0 || json_get(v, "updated_at")),
				      "the export shows nothing of %s under %s: %s", t, personal_tables[i].export_key,
				      r->body);
		}
		ck_assert_msg(*sql(arena_printf(a, "SELECT count(*) FROM %s WHERE user_id = '%s'", t, u.id)) != '0',
			      "the test left %s empty for the user: it proves nothing there", t);
	}
	ck_assert_uint_eq(seen, known); /* no line here for a table that is gone */

	ck_assert_int_eq(send_json("DELETE", "/v1/me", u.t.access, NULL)->status, 204);
	for (size_t i = 0; i < known; i++)
		ck_assert_msg(str_eq(sql(arena_printf(a, "SELECT count(*) FROM %s WHERE user_id = '%s'",
						      personal_tables[i].table, u.id)),
				     "0"),
			      "erasure left rows of the user in %s", personal_tables[i].table);
}
END_TEST

START_TEST(an_erased_accounts_token_still_verifies_but_writes_nothing)
{
	struct user u = new_user("erased");
	const char *row = arena_printf(
		a, "SELECT email || '|' || display_name || '|' || updated_at FROM app_user WHERE id = '%s'", u.id);
	const char *before;
	struct reply *r;

	ck_assert_int_eq(send_json("DELETE", "/v1/me", u.t.access, NULL)->status, 204);
	before = sql(row);
	/* The access token is a signed JWT: it verifies until it expires, but its account is gone. */
	r = send_json("PATCH", "/v1/me", u.t.access, "{\"display_name\":\"Back from the dead\"}");
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	r = send_json("PUT", "/v1/me/preferences", u.t.access,
		      "{\"diet\":\"vegan\",\"goals\":[],\"equipment\":[],\"units\":\"metric\"}");
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	r = send_json("PUT", "/v1/me/consents", u.t.access, "{\"marketing_email\":true,\"analytics\":true}");
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	r = send_json("DELETE", "/v1/me", u.t.access, NULL);
	ck_assert_int_eq(r->status, 404);
	ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	/* Nothing was written: the anonymous row as erasure left it, no preferences, no consents, no job. */
	ck_assert_str_eq(sql(row), before);
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT (SELECT count(*) FROM user_preferences WHERE user_id = '%1$s')"
					  " + (SELECT count(*) FROM user_consent WHERE user_id = '%1$s')"
					  " + (SELECT count(*) FROM job WHERE payload->>'user_id' = '%1$s')",
					  u.id)),
			 "0");
	/* And every read says the account is gone. */
	static const char *const reads[] = {"/v1/me", "/v1/me/export", "/v1/me/preferences", "/v1/me/consents"};
	for (size_t i = 0; i < sizeof(reads) / sizeof(*reads); i++) {
		r = get_bearer(reads[i], u.t.access);
		ck_assert_msg(r->status == 404, "%s: %ld", reads[i], r->status);
		ck_assert_str_eq(reply_str(r, "code"), "account_not_found");
	}
}
END_TEST

/* Staff disabled the account: its access token verifies until it expires, and every write is refused. */
START_TEST(a_disabled_accounts_token_writes_nothing)
{
	struct user u = new_user("disabled");
	const char *state = arena_printf(a,
					 "SELECT display_name || '|' || updated_at"
					 " || '|' || (SELECT count(*) FROM content_like WHERE user_id = '%1$s')"
					 " || '|' || (SELECT count(*) FROM user_preferences WHERE user_id = '%1$s')"
					 " || '|' || (SELECT count(*) FROM user_consent WHERE user_id = '%1$s')"
					 " || '|' || (SELECT count(*) FROM job WHERE payload->>'user_id' = '%1$s')"
					 " || '|' || (deleted_at IS NULL) FROM app_user WHERE id = '%1$s'",
					 u.id);
	static const struct {
		const char *method, *path, *body;
	} writes[] = {
		{"PATCH", "/v1/me", "{\"display_name\":\"Still here\"}"},
		{"PUT", "/v1/me/preferences",
		 "{\"diet\":\"vegan\",\"goals\":[],\"equipment\":[],\"units\":\"metric\"}"},
		{"PUT", "/v1/me/consents", "{\"marketing_email\":true,\"analytics\":true}"},
		{"PUT", "/v1/content/pilates-core/like", NULL},
		{"DELETE", "/v1/content/lentil-soup/like", NULL},
		{"DELETE", "/v1/me", NULL},
	};
	const char *before;

	ck_assert_int_eq(send_json("PUT", "/v1/content/lentil-soup/like", u.t.access, NULL)->status, 204);
	ck_assert_int_eq(motusctl(arena_printf(a, "user disable %s", u.email)), 0);
	before = sql(state);
	ck_assert_str_eq(strrchr(before, '|'), "|true");
	for (size_t i = 0; i < sizeof(writes) / sizeof(*writes); i++) {
		struct reply *r = send_json(writes[i].method, writes[i].path, u.t.access, writes[i].body);

		ck_assert_msg(r->status == 403, "%s %s: %ld", writes[i].method, writes[i].path, r->status);
		ck_assert_str_eq(reply_str(r, "code"), "account_disabled");
	}
	ck_assert_str_eq(sql(state), before);
	/* Enabled again, the same token writes (it was never revoked, only refused). */
	ck_assert_int_eq(motusctl(arena_printf(a, "user enable %s", u.email)), 0);
	ck_assert_int_eq(send_json("PATCH", "/v1/me", u.t.access, writes[0].body)->status, 200);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("me");
	TCase *tc = harness_case(s, "me", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, me_routes_refuse_missing_bad_and_underscoped_tokens);
	tcase_add_test(tc, profile_is_mine_and_editable);
	tcase_add_test(tc, preferences_round_trip_and_are_validated);
	tcase_add_test(tc, consents_are_recorded_and_synced_signed);
	tcase_add_test(tc, one_user_never_reaches_another_users_data);
	tcase_add_test(tc, export_has_everything_and_deletion_erases_it);
	tcase_add_test(tc, every_table_with_a_user_id_is_in_the_export_and_erased);
	tcase_add_test(tc, an_erased_accounts_token_still_verifies_but_writes_nothing);
	tcase_add_test(tc, a_disabled_accounts_token_writes_nothing);
	tcase_add_test(tc, display_names_are_one_line_counted_in_characters);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
