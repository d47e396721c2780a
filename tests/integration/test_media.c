/*
 * Integration: media through the web server. Files stored with motusctl
 * media add; premium media (a premium item refers to it) needs the item's
 * scope; a signed URL serves exactly the file's bytes, with Range, sent by
 * the web server (X-Accel-Redirect or X-Sendfile, neither header visible),
 * while the worker's own answer is empty; expired and altered URLs refused;
 * free media and public images for everyone; an id pasted in capitals into
 * a premium item keeps its media premium; bad files refused without a
 * trace; upload bodies allowed on /admin/media only.
 */
#include "arena.h"
#include "base64.h"
#include "clock.h"
#include "content_edit.h"
#include "crypto.h"
#include "harness.h"
#include "json.h"
#include "op.h"
#include "str.h"
#include "worker.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define a harness_arena()

#define VIDEO_BYTES (3u << 20) /* several MB: a worker streaming it would show in its log */

static const char *secret(void)
{
	const char *s = getenv("MOTUS_MEDIA_URL_SECRET");

	ck_assert_msg(s && *s, "MOTUS_MEDIA_URL_SECRET is not set (tests/integration/stack.env)");
	return s;
}

/* Writes n bytes to a file of the stack's directory; returns its path. */
static const char *file_with(const char *name, const void *data, size_t n)
{
	const char *dir = arena_printf(a, "%s/testfiles", harness_var()), *path = arena_printf(a, "%s/%s", dir, name);
	FILE *f;

	mkdir(dir, 0755);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* An MP4: an ftyp box, then an mdat box of n pseudo-random bytes in all. */
static unsigned char *fake_mp4(size_t n, const char *brand)
{
	unsigned char *p = arena_alloc(a, n);
	unsigned s = (unsigned)time(NULL);

	memcpy(p,
	       "\0\0\0\x18"
	       "ftyp",
	       8);
	memcpy(p + 8, brand, 4);
	memcpy(p + 12, "\0\0\2\0isommp41", 12);
	p[24] = (unsigned char)((n - 24) >> 24), p[25] = (unsigned char)((n - 24) >> 16);
	p[26] = (unsigned char)((n - 24) >> 8), p[27] = (unsigned char)(n - 24);
	memcpy(p + 28, "mdat", 4);
	for (size_t i = 32; i < n; i++) {
		s = s * 1103515245 + 12345;
		p[i] = (unsigned char)(s >> 16);
	}
	return p;
}

/* The 1x1 PNG every browser renders. */
static const unsigned char png[] = {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
				    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
				    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
				    0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
				    0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

struct stored {
	const char *id, *url;
};

/* motusctl media add: "ID URL". */
static struct stored add(const char *path, const char *args)
{
	char *out = (char *)motusctl_out(arena_printf(a, "media add %s %s", args ? args : "", path)), *sp;
	struct stored s;

	sp = strchr(out, ' ');
	ck_assert_msg(sp != NULL, "motusctl media add said: %s", out);
	*sp = '\0';
	s.id = out;
	s.url = sp + 1;
	ck_assert_uint_eq(strlen(s.id), 36);
	return s;
}

static const unsigned char *video;
static struct stored premium_video;
static const char *workout; /* the slug of this test's premium workout */

static void setup(void)
{
	static int n;

	/* Each test (a process of its own) stores its own copy: ids are random. */
	video = fake_mp4(VIDEO_BYTES, "isom");
	premium_video = add(file_with("workout.mp4", video, VIDEO_BYTES), NULL);
	/* A premium workout of this test's own (premium:plus): its video is the file above. */
	workout = arena_printf(a, "media-test-%s-%d-%d", harness_web(), (int)getpid(), n++);
	sql(arena_printf(a,
			 "INSERT INTO content (slug, kind, title, access, required_scope, body) VALUES"
			 " ('%s', 'workout', 'Premium video', 'premium', 'premium:plus',"
			 " jsonb_build_object('video_media_id', '%s'))",
			 workout, premium_video.id));
}

static void teardown(void)
{
	sql(arena_printf(a, "DELETE FROM content WHERE slug = '%s'", workout));
	harness_reset();
}

static const char *bearer(const char *scopes)
{
	return arena_printf(
		a, "Authorization: Bearer %s",
		motusctl_out(arena_printf(a, "token issue 0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01 %s", scopes)));
}

static struct reply *get(const char *path, const char *header)
{
	const char *headers[] = {header, NULL};

	return http_request("GET", path, header ? headers : NULL, NULL, 0);
}

static void assert_problem(const struct reply *r, long status, const char *code)
{
	ck_assert_msg(r->status == status, "status %ld, want %ld: %.300s", r->status, status, r->body);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/problem+json");
	ck_assert_str_eq(reply_str(r, "code"), code);
}

/* GET /v1/media/{id}: the signed URL, checked for shape. */
static const char *signed_url(const char *id, const char *header)
{
	struct reply *r = get(arena_printf(a, "/v1/media/%s", id), header);
	const char *url;

	ck_assert_msg(r->status == 200, "status %ld: %.300s", r->status, r->body);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "private"));
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "no-store"));
	url = reply_str(r, "url");
	/* Absolute, under the stack's public base URL (media_base_url is not set); the path is what gets fetched. */
	ck_assert_msg(str_starts_with(url, arena_printf(a, "%s/media/%s?exp=", harness_env("MOTUS_JWT_ISSUER"), id)),
		      "url %s", url);
	ck_assert_ptr_nonnull(strstr(url, "&sig="));
	ck_assert_ptr_nonnull(reply_str(r, "expires_at"));
	return arena_strdup(a, url + strlen(harness_env("MOTUS_JWT_ISSUER")));
}

static void assert_no_offload_header(const struct reply *r)
{
	ck_assert_ptr_null(reply_header(r, "X-Accel-Redirect"));
	ck_assert_ptr_null(reply_header(r, "X-Sendfile"));
}

START_TEST(premium_media_needs_the_scope_of_an_item_that_uses_it)
{
	const char *path = arena_printf(a, "/v1/media/%s", premium_video.id);
	struct reply *r;

	assert_problem(get(path, NULL), 403, "entitlement_required");
	assert_problem(get(path, bearer("profile")), 403, "entitlement_required");
	assert_problem(get(path, bearer("profile premium:other")), 403, "entitlement_required");
	r = get(path, bearer("profile premium:plus"));
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "content_type"), "video/mp4");
	ck_assert_int_eq(json_int(json_get(r->json, "bytes")), VIDEO_BYTES);
	/* A bad token is refused, not taken as anonymous. */
	assert_problem(get(path, "Authorization: Bearer nope"), 401, "invalid_token");
	/* Once no premium item refers to it, it is free. */
	sql(arena_printf(a, "UPDATE content SET body = body - 'video_media_id' WHERE slug = '%s'", workout));
	ck_assert_int_eq(get(path, NULL)->status, 200);
}
END_TEST

START_TEST(the_signed_url_serves_exactly_the_file_and_ranges)
{
	const char *url = signed_url(premium_video.id, bearer("premium:plus"));
	const char *range[] = {"Range: bytes=1000-1999", NULL};
	struct reply *r = get(url, NULL);

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "video/mp4");
	ck_assert_uint_eq(r->len, VIDEO_BYTES);
	ck_assert(memcmp(r->body, video, VIDEO_BYTES) == 0);
	ck_assert_str_eq(reply_header(r, "X-Content-Type-Options"), "nosniff");
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "private"));
	assert_no_offload_header(r);

	r = http_request("GET", url, range, NULL, 0);
	ck_assert_int_eq(r->status, 206);
	ck_assert_uint_eq(r->len, 1000);
	ck_assert(memcmp(r->body, video + 1000, 1000) == 0);
	ck_assert_str_eq(reply_header(r, "Content-Range"), arena_printf(a, "bytes 1000-1999/%u", VIDEO_BYTES));
	assert_no_offload_header(r);
}
END_TEST

START_TEST(the_worker_never_streams_the_file)
{
	const char *url = signed_url(premium_video.id, bearer("premium:plus"));
	const char *marker = arena_printf(a, "\"path\":\"/media/%s\"", premium_video.id);
	struct reply *r = get(url, NULL);
	const char *log = arena_printf(a, "%s/log/motus-fcgi.log", harness_var());
	char line[4096], last[4096] = "";
	FILE *f;

	ck_assert_int_eq(r->status, 200);
	ck_assert_uint_eq(r->len, VIDEO_BYTES); /* the client got megabytes ... */
	f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, marker) && strstr(line, "\"status\":200"))
			snprintf(last, sizeof(last), "%s", line);
	fclose(f);
	/* ... the worker wrote none of them: its access-log line counts an empty body. */
	ck_assert_msg(last[0], "no access-log line for %s in %s", marker, log);
	ck_assert_msg(strstr(last, "\"bytes\":0,") != NULL, "the worker sent a body: %s", last);
}
END_TEST

/* A URL for id signed here with the stack's key: the worker's scheme, spelled independently. */
static const char *sign(const char *id, const char *exp)
{
	const char *msg = arena_printf(a, "%s.%s", id, exp);
	unsigned char mac[32];

	crypto_hmac_sha256(mac, secret(), strlen(secret()), msg, strlen(msg));
	return arena_printf(a, "/media/%s?exp=%s&sig=%s", id, exp, base64url_encode(a, mac, sizeof(mac)));
}

START_TEST(expired_and_altered_urls_are_refused)
{
	long long now = (long long)clock_unix();
	const char *id = premium_video.id, *later = arena_printf(a, "%lld", now + 600);
	const char *good = sign(id, later), *sig = strstr(good, "&sig=") + 5;
	char *flipped = arena_strdup(a, good);
	struct stored other = add(file_with("other.mp4", fake_mp4(4096, "mp42"), 4096), NULL);

	/* Signed here, exactly as the worker signs: accepted. */
	ck_assert_int_eq(get(good, NULL)->status, 200);
	assert_problem(get(sign(id, arena_printf(a, "%lld", now - 5)), NULL), 403, "media_url_expired");
	/* The signature of one URL on another exp, id or spelling. */
	assert_problem(get(arena_printf(a, "/media/%s?exp=%lld&sig=%s", id, now + 6000, sig), NULL), 403,
		       "media_url_invalid");
	assert_problem(get(arena_printf(a, "/media/%s?exp=0%s&sig=%s", id, later, sig), NULL), 403,
		       "media_url_invalid");
	assert_problem(get(arena_printf(a, "/media/%s?exp=%s&sig=%s", other.id, later, sig), NULL), 403,
		       "media_url_invalid");
	flipped[strlen(flipped) - 3] = flipped[strlen(flipped) - 3] == 'A' ? 'B' : 'A';
	assert_problem(get(flipped, NULL), 403, "media_url_invalid");
	assert_problem(get(arena_printf(a, "/media/%s?exp=%s", id, later), NULL), 403, "media_url_invalid");
	assert_problem(get(arena_printf(a, "/media/%s", id), NULL), 403, "media_url_invalid");
	assert_problem(get(arena_printf(a, "/media/not-a-uuid?exp=%s&sig=%s", later, sig), NULL), 403,
		       "media_url_invalid");
	/* Signed with another key. */
	assert_problem(get(arena_printf(a, "/media/%s?exp=%s&sig=%s", id, later,
					"Unn95BjSzljEx2R6Emat_wTJDYCdQZCxnpAlzhdThnY"),
			   NULL),
		       403, "media_url_invalid");
	/* A good signature for media that does not exist. */
	assert_problem(get(sign("00000000-0000-4000-8000-000000000000", later), NULL), 404, "media_not_found");
	/* The internal location is not reachable from outside. */
	ck_assert_int_eq(get(arena_printf(a, "/_media/private/%s.mp4", id), NULL)->status, 404);
}
END_TEST

START_TEST(free_media_and_public_images_need_no_token)
{
	unsigned char *audio = fake_mp4(50000, "M4A ");
	struct stored track = add(file_with("run.m4a", audio, 50000), NULL);
	struct stored image = add(file_with("teaser.png", png, sizeof(png)), NULL);
	struct reply *r;
	const char *url;

	/* Free audio: a signed URL for anyone, then the bytes. */
	r = get(arena_printf(a, "/v1/media/%s", track.id), NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "content_type"), "audio/mp4");
	url = signed_url(track.id, NULL);
	r = get(url, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "audio/mp4");
	ck_assert_uint_eq(r->len, 50000);
	ck_assert(memcmp(r->body, audio, 50000) == 0);
	assert_no_offload_header(r);

	/* The image: a public URL for content.image_url, served from disk with a long cache life. */
	ck_assert_str_eq(image.url, arena_printf(a, "/media/public/%s.png", image.id));
	r = get(image.url, NULL);
	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "image/png");
	ck_assert_uint_eq(r->len, sizeof(png));
	ck_assert(memcmp(r->body, png, sizeof(png)) == 0);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Cache-Control"), "immutable"));
	ck_assert_str_eq(reply_header(r, "X-Content-Type-Options"), "nosniff");
	/* No directory listing, no private file through the public path. */
	ck_assert_int_ge(get("/media/public/", NULL)->status, 403);
	ck_assert_int_eq(get(arena_printf(a, "/media/public/../private/%s.mp4", premium_video.id), NULL)->status != 200,
			 1);
	ck_assert_int_eq(get(arena_printf(a, "/v1/media/%s", image.id), NULL)->status, 200);
}
END_TEST

START_TEST(bad_ids_are_400_and_unknown_ones_404)
{
	assert_problem(get("/v1/media/not-a-uuid", NULL), 400, "validation_failed");
	ck_assert_str_eq(reply_error_field(get("/v1/media/not-a-uuid", NULL), 0, "field"), "id");
	/* Ids are read in either case: an unknown one is 404 however it is written. */
	assert_problem(get("/v1/media/0B7C1D52-5A7E-4C39-9D5E-2F1F3A6B8C01", NULL), 404, "media_not_found");
	assert_problem(get("/v1/media/00000000-0000-4000-8000-000000000000", NULL), 404, "media_not_found");
}
END_TEST

/*
 * An editor who pastes a media id in capitals into a premium item: the id is
 * stored lowercase, as media ids are, so the file stays premium, whichever
 * case a client asks for it in.
 */
static struct worker w;

START_TEST(an_uppercase_media_id_in_a_premium_item_keeps_its_media_premium)
{
	struct stored clip = add(file_with("upper.mp4", fake_mp4(4096, "isom"), 4096), NULL);
	const char *upper = arena_strdup(a, clip.id),
		   *slug = arena_printf(a, "upper-%d-%ld", (int)getpid(), (long)time(NULL));
	struct op_actor who = {.name = "staff:upper@example.com"};
	struct err e = {0};
	struct op op;
	int64_t id = 0;
	enum op_outcome o;

	for (char *p = (char *)upper; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	ck_assert_int_eq(get(arena_printf(a, "/v1/media/%s", clip.id), NULL)->status, 200); /* free until used */
	harness_worker(&w, 0);
	op_init(&op, w.db, w.cache, a, &who);
	const char *doc = arena_printf(a,
				       "{\"slug\":\"%s\",\"kind\":\"workout\",\"title\":\"Capitals\","
				       "\"access\":\"premium\",\"required_scope\":\"premium:plus\",\"duration_s\":600,"
				       "\"body\":{\"level\":\"beginner\",\"video_media_id\":\"%s\"}}",
				       slug, upper);
	o = content_edit_save(&w, &op, 0, json_parse(a, doc, strlen(doc), 16, &e), &id);
	ck_assert_msg(o == OP_DONE, "%s %s", op_outcome_name(o), op.v.n ? op.v.errors[0].field : op.err.msg);
	ck_assert_str_eq(sql(arena_printf(a, "SELECT body->>'video_media_id' FROM content WHERE id = %" PRId64, id)),
			 clip.id);
	/* Premium now, asked for in either case; the item's scope unlocks it. */
	assert_problem(get(arena_printf(a, "/v1/media/%s", clip.id), NULL), 403, "entitlement_required");
	assert_problem(get(arena_printf(a, "/v1/media/%s", upper), NULL), 403, "entitlement_required");
	assert_problem(get(arena_printf(a, "/v1/media/%s", upper), bearer("profile")), 403, "entitlement_required");
	ck_assert_int_eq(get(arena_printf(a, "/v1/media/%s", upper), bearer("profile premium:plus"))->status, 200);
	sql(arena_printf(a, "DELETE FROM content WHERE id = %" PRId64, id));
}
END_TEST

static long files_in(const char *sub)
{
	return strtol(sql(arena_printf(a, "SELECT count(*) FROM pg_ls_dir('%s/media/%s') f", harness_var(), sub)), NULL,
		      10);
}

START_TEST(bad_files_are_refused_and_leave_no_trace)
{
	const char *rows = sql("SELECT count(*) FROM media");
	long pub, priv;
	unsigned char *big;

	pub = files_in("public");
	priv = files_in("private");
	ck_assert_int_ne(motusctl(arena_printf(a, "media add %s", file_with("page.html", "<html><script>", 14))), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "media add %s", file_with("empty.jpg", "", 0))), 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "media add --type image/png %s",
					       file_with("clip.mp4", fake_mp4(4096, "isom"), 4096))),
			 0);
	ck_assert_int_ne(motusctl(arena_printf(a, "media add %s", file_with("anim.gif", "GIF89a\1\0\1\0\0\0\0", 13))),
			 0);
	/* An image over its 10 MiB cap. */
	big = arena_zalloc(a, (10u << 20) + 1);
	memcpy(big, png, sizeof(png));
	ck_assert_int_ne(motusctl(arena_printf(a, "media add %s", file_with("huge.png", big, (10u << 20) + 1))), 0);
	ck_assert_str_eq(sql("SELECT count(*) FROM media"), rows);
	ck_assert_int_eq(files_in("public"), pub);
	ck_assert_int_eq(files_in("private"), priv);
	/* Every stored row has its file, and no temporary file is left behind. */
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT count(*) FROM media m WHERE NOT EXISTS (SELECT 1 FROM"
					  " (SELECT 'public/' || f AS n FROM pg_ls_dir('%s/media/public') f UNION ALL"
					  "  SELECT 'private/' || f FROM pg_ls_dir('%s/media/private') f) d"
					  " WHERE d.n = m.storage_name)",
					  harness_var(), harness_var())),
			 "0");
	ck_assert_str_eq(sql(arena_printf(a,
					  "SELECT count(*) FROM (SELECT pg_ls_dir('%s/media/public') f UNION ALL"
					  " SELECT pg_ls_dir('%s/media/private')) d WHERE f LIKE '.%%'",
					  harness_var(), harness_var())),
			 "0");
}
END_TEST

START_TEST(upload_bodies_pass_the_web_server_on_admin_media_only)
{
	size_t n = 3u << 20; /* over max_body_bytes (1 MiB) and the web servers' 2 MiB, under the upload cap */
	char *body = arena_alloc(a, n);
	const char *type[] = {"Content-Type: application/json", NULL};
	struct reply *r;

	memset(body, 'x', n);
	r = http_request("POST", "/v1/auth/signup", type, body, n);
	assert_problem(r, 413, "payload_too_large");
	/*
	 * The upload path lets it through to the worker: the answer is the
	 * CMS's HTML page (without a session the worker reads no more than
	 * max_body_bytes and answers 413 itself), never the web server's own
	 * problem+json 413.
	 */
	r = http_request("POST", "/admin/media", type, body, n);
	ck_assert_msg(str_starts_with(reply_header(r, "Content-Type"), "text/html"),
		      "the web server refused an upload body of 3 MiB on /admin/media: %ld %s", r->status,
		      reply_header(r, "Content-Type"));
	ck_assert_ptr_nonnull(reply_header(r, "Content-Security-Policy"));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("media");
	TCase *tc = harness_case(s, "media", HARNESS_SHARED);
	/* Counts every media row and every stored file. */
	TCase *alone = harness_case(s, "media_counts", HARNESS_EXCLUSIVE);

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, premium_media_needs_the_scope_of_an_item_that_uses_it);
	tcase_add_test(tc, the_signed_url_serves_exactly_the_file_and_ranges);
	tcase_add_test(tc, the_worker_never_streams_the_file);
	tcase_add_test(tc, expired_and_altered_urls_are_refused);
	tcase_add_test(tc, free_media_and_public_images_need_no_token);
	tcase_add_test(tc, bad_ids_are_400_and_unknown_ones_404);
	tcase_add_test(tc, an_uppercase_media_id_in_a_premium_item_keeps_its_media_premium);
	tcase_add_test(tc, upload_bodies_pass_the_web_server_on_admin_media_only);
	tcase_set_timeout(alone, 60);
	tcase_add_checked_fixture(alone, setup, teardown);
	tcase_add_test(alone, bad_files_are_refused_and_leave_no_trace);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
