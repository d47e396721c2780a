/* media: sniffing, signed URLs, atomic storage and the media rows. */
#include "media.h"
#include "arena.h"
#include "audit.h"
#include "base64.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "op.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- what a file is --------------------------------------------------------------------- */

enum family { F_JPEG, F_PNG, F_WEBP, F_MP4, F_MP3, F_WEBM, F_NONE };

static const struct {
	struct media_type t;
	enum family f;
	bool preferred; /* the reading of its family when nothing is declared */
} types[] = {
	{{"image", "image/jpeg", "jpg"}, F_JPEG, true},  {{"image", "image/png", "png"}, F_PNG, true},
	{{"image", "image/webp", "webp"}, F_WEBP, true}, {{"video", "video/mp4", "mp4"}, F_MP4, true},
	{{"audio", "audio/mp4", "m4a"}, F_MP4, false},   {{"audio", "audio/mpeg", "mp3"}, F_MP3, true},
	{{"video", "video/webm", "webm"}, F_WEBM, true}, {{"audio", "audio/webm", "webm"}, F_WEBM, false},
};

/* Other names clients use for the same types. */
static const struct {
	const char *name, *canonical;
} aliases[] = {
	{"image/jpg", "image/jpeg"}, {"image/pjpeg", "image/jpeg"}, {"audio/x-m4a", "audio/mp4"},
	{"audio/m4a", "audio/mp4"},  {"audio/mp3", "audio/mpeg"},   {"audio/x-mpeg", "audio/mpeg"},
};

#define N(a) (sizeof(a) / sizeof(*(a)))

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool printable(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* An ISO BMFF file type box first: size, "ftyp", major brand, minor version, compatible brands. */
static enum family ftyp(const unsigned char *p, size_t len, bool *audio)
{
	uint32_t size;

	if (len < 16 || memcmp(p + 4, "ftyp", 4) != 0)
		return F_NONE;
	size = be32(p);
	if (size < 16 || size > len || size % 4 != 0 || size > 4096 || !printable(p + 8, 4))
		return F_NONE;
	if (memcmp(p + 8, "qt  ", 4) == 0) /* QuickTime: not something every player takes */
		return F_NONE;
	*audio = memcmp(p + 8, "M4A ", 4) == 0 || memcmp(p + 8, "M4B ", 4) == 0;
	return F_MP4;
}

/* An MPEG-1/2/2.5 Layer III frame header with a usable bit rate and sample rate. */
static bool mp3_frame(const unsigned char *p, size_t len)
{
	return len >= 4 && p[0] == 0xff && (p[1] & 0xe0) == 0xe0 && ((p[1] >> 3) & 3) != 1 && ((p[1] >> 1) & 3) == 1 &&
	       (p[2] >> 4) != 0 && (p[2] >> 4) != 15 && ((p[2] >> 2) & 3) != 3;
}

static bool id3(const unsigned char *p, size_t len)
{
	if (len < 10 || memcmp(p, "ID3", 3) != 0 || p[3] < 2 || p[3] > 4 || p[4] == 0xff)
		return false;
	for (int i = 6; i < 10; i++)
		if (p[i] & 0x80) /* sizes are synchsafe */
			return false;
	return true;
}

/* EBML header whose DocType (0x4282) is "webm", within the first bytes. */
static bool webm(const unsigned char *p, size_t len)
{
	size_t n = len < 64 ? len : 64;

	if (len < 12 || memcmp(p, "\x1a\x45\xdf\xa3", 4) != 0)
		return false;
	for (size_t i = 4; i + 7 <= n; i++)
		if (p[i] == 0x42 && p[i + 1] == 0x82 && p[i + 2] == 0x84 && memcmp(p + i + 3, "webm", 4) == 0)
			return true;
	return false;
}

static enum family family_of(const unsigned char *p, size_t len, bool *audio)
{
	*audio = false;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return F_JPEG;
	if (len >= 16 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(p + 12, "IHDR", 4) == 0)
		return F_PNG;
	if (len >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP8", 7) == 0 &&
	    (p[15] == ' ' || p[15] == 'L' || p[15] == 'X'))
		return F_WEBP;
	if (ftyp(p, len, audio) == F_MP4)
		return F_MP4;
	if (webm(p, len))
		return F_WEBM;
	if (id3(p, len) || mp3_frame(p, len))
		return F_MP3;
	return F_NONE;
}

/* The declared type, lowercased, parameters dropped, aliases resolved; NULL when absent. */
static int declared_index(const char *declared, bool *absent)
{
	char name[64];
	size_t n = 0;

	*absent = !declared || !*declared;
	if (*absent)
		return -1;
	while (*declared == ' ')
		declared++;
	for (; declared[n] && declared[n] != ';' && declared[n] != ' '; n++) {
		if (n == sizeof(name) - 1)
			return -1;
		name[n] = (char)tolower((unsigned char)declared[n]);
	}
	name[n] = '\0';
	for (size_t i = 0; i < N(aliases); i++)
		if (str_eq(name, aliases[i].name)) {
			snprintf(name, sizeof(name), "%s", aliases[i].canonical);
			break;
		}
	for (size_t i = 0; i < N(types); i++)
		if (str_eq(name, types[i].t.content_type))
			return (int)i;
	return -1;
}

const struct media_type *media_sniff(const void *data, size_t len, const char *declared)
{
	bool audio, absent;
	enum family f = data ? family_of(data, len, &audio) : F_NONE;
	int d = declared_index(declared, &absent);

	if (f == F_NONE)
		return NULL;
	if (!absent)
		return d >= 0 && types[d].f == f ? &types[d].t : NULL;
	for (size_t i = 0; i < N(types); i++)
		if (types[i].f == f &&
		    (f == F_MP4 ? str_eq(types[i].t.kind, audio ? "audio" : "video") : types[i].preferred))
			return &types[i].t;
	return NULL;
}

long media_max_bytes(const char *kind)
{
	if (str_eq(kind, "image"))
		return MEDIA_MAX_IMAGE_BYTES;
	if (str_eq(kind, "audio"))
		return MEDIA_MAX_AUDIO_BYTES;
	if (str_eq(kind, "video"))
		return MEDIA_MAX_VIDEO_BYTES;
	return 0;
}

bool media_id_valid(const char *s)
{
	if (!str_is_uuid(s))
		return false;
	for (const char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return false;
	return true;
}

/* --- signed URLs ------------------------------------------------------------------------ */

static const char *sign(struct arena *a, const char *secret, const char *id, const char *exp)
{
	const char *msg = arena_printf(a, "%s.%s", id, exp);
	unsigned char mac[32];

	crypto_hmac_sha256(mac, secret, strlen(secret), msg, strlen(msg));
	return base64url_encode(a, mac, sizeof(mac));
}

const char *media_url_signature(struct arena *a, const char *secret, const char *id, int64_t exp)
{
	return sign(a, secret, id, arena_printf(a, "%" PRId64, exp));
}

const char *media_signed_path(struct arena *a, const char *secret, const char *id, int64_t exp)
{
	return arena_printf(a, "/media/%s?exp=%" PRId64 "&sig=%s", id, exp, media_url_signature(a, secret, id, exp));
}

enum media_url_check media_url_verify(struct arena *a, const char *secret, const char *id, const char *exp,
				      const char *sig, int64_t now)
{
	long when;

	if (!secret || strlen(secret) < MEDIA_SECRET_MIN || !media_id_valid(id) || !exp || !sig || strlen(exp) > 19 ||
	    str_to_long(exp, 0, LONG_MAX, &when) < 0)
		return MEDIA_URL_INVALID;
	/* Over exp as sent: any other spelling of the number is another message. */
	if (!str_equal_ct(sign(a, secret, id, exp), sig))
		return MEDIA_URL_INVALID;
	return when < now ? MEDIA_URL_EXPIRED : MEDIA_URL_OK;
}

int media_settings_check(const struct conf *c, struct err *e)
{
	if (strlen(conf_str(c, CONF_MEDIA_URL_SECRET)) < MEDIA_SECRET_MIN)
		return err_set_field(
			e, 0, "media_url_secret",
			"media_url_secret must be set to at least %d characters (e.g. openssl rand -hex 32)",
			MEDIA_SECRET_MIN);
	return 0;
}

/* --- rows --------------------------------------------------------------------------------- */

#define COLUMNS                                                                                           \
	"m.id, m.kind, m.content_type, m.bytes, m.sha256, m.storage_name, m.original_name, m.created_by," \
	" iso_utc(m.created_at)"
#define NCOLUMNS 9

static const char *public_url(struct worker *w, struct arena *a, const char *storage_name)
{
	if (!str_starts_with(storage_name, "public/"))
		return NULL;
	return arena_printf(a, "%s/%s", conf_str(&w->conf, CONF_MEDIA_PUBLIC_URL), storage_name + 7);
}

static void row_to_media(struct worker *w, struct arena *a, const struct db_result *r, size_t i, struct media *m)
{
	long bytes = 0;

	m->id = arena_strdup(a, db_value(r, i, 0));
	m->kind = arena_strdup(a, db_value(r, i, 1));
	m->content_type = arena_strdup(a, db_value(r, i, 2));
	if (str_to_long(db_value(r, i, 3), 0, LONG_MAX, &bytes) < 0)
		bytes = 0;
	m->bytes = bytes;
	m->sha256 = arena_strdup(a, db_value(r, i, 4));
	m->storage_name = arena_strdup(a, db_value(r, i, 5));
	m->original_name = arena_strdup(a, db_value(r, i, 6));
	m->created_by = arena_strdup(a, db_value(r, i, 7));
	m->created_at = arena_strdup(a, db_value(r, i, 8));
	m->url = public_url(w, a, m->storage_name);
}

int media_get(struct worker *w, struct arena *a, const char *id, struct media *out, struct err *e)
{
	const char *params[] = {id};
	struct db_result *r;

	if (!media_id_valid(id))
		return 0;
	r = db_query(w->db, a, "SELECT " COLUMNS " FROM media m WHERE m.id = $1::uuid", 1, params, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return 0;
	row_to_media(w, a, r, 0, out);
	return 1;
}

int media_list(struct worker *w, struct arena *a, const char *kind, size_t offset, int limit, struct media_page *out,
	       struct err *e)
{
	const char *params[] = {kind, arena_printf(a, "%zu", offset), arena_printf(a, "%d", limit + 1)};
	struct db_result *r;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (limit < 1 || limit > 100)
		return err_set(e, DB_ERR_QUERY, "limit %d is outside 1..100", limit);
	r = db_query(w->db, a,
		     "SELECT " COLUMNS " FROM media m WHERE $1::text IS NULL OR m.kind = $1"
		     " ORDER BY m.created_at DESC, m.id DESC OFFSET $2::bigint LIMIT $3::int",
		     3, params, e);
	if (!r)
		return -1;
	n = db_rows(r);
	out->more = n > (size_t)limit;
	out->n = out->more ? (size_t)limit : n;
	out->items = arena_zalloc(a, (out->n ? out->n : 1) * sizeof(*out->items));
	for (size_t i = 0; i < out->n; i++)
		row_to_media(w, a, r, i, &out->items[i]);
	return 0;
}

int media_authorize(struct worker *w, struct arena *a, const char *id, const char *scopes, struct media *out,
		    const char **needed, struct err *e)
{
	const char *params[] = {id, scopes ? scopes : ""};
	struct db_result *r;

	*needed = NULL;
	if (!media_id_valid(id))
		return MEDIA_NOT_FOUND;
	/* Containment (@>) so the content body's GIN index answers "who refers to this file". */
	r = db_query(w->db, a,
		     "SELECT " COLUMNS ", p.premium IS TRUE, p.entitled IS TRUE, p.scope"
		     " FROM media m LEFT JOIN LATERAL ("
		     "  SELECT bool_or(true) AS premium,"
		     "   bool_or(c.required_scope = ANY (string_to_array($2, ' '))) AS entitled,"
		     "   min(c.required_scope) AS scope"
		     "  FROM content c WHERE c.access = 'premium'"
		     "   AND (c.body @> jsonb_build_object('video_media_id', m.id::text)"
		     "    OR c.body @> jsonb_build_object('audio_media_id', m.id::text))) p ON true"
		     " WHERE m.id = $1::uuid",
		     2, params, e);
	if (!r)
		return -1;
	if (db_rows(r) == 0)
		return MEDIA_NOT_FOUND;
	row_to_media(w, a, r, 0, out);
	if (str_eq(db_value(r, 0, NCOLUMNS), "t") && !str_eq(db_value(r, 0, NCOLUMNS + 1), "t")) {
		*needed = arena_strdup(a, db_value(r, 0, NCOLUMNS + 2));
		return MEDIA_ENTITLEMENT_REQUIRED;
	}
	return MEDIA_ALLOWED;
}

/* --- storing -------------------------------------------------------------------------------- */

/* A random (version 4) UUID in canonical form. */
static int new_id(char out[37], struct err *e)
{
	unsigned char b[16];
	char hex[33];

	if (crypto_random(b, sizeof(b)) < 0)
		return err_set(e, 0, "no randomness for a media id");
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	str_hex(hex, b, sizeof(b));
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	return 0;
}

/* The last path component of a client's file name, without control characters, at most 255 bytes of UTF-8. */
static const char *display_name(struct arena *a, const char *name)
{
	const char *base = name ? name : "";
	char *out;
	size_t n = 0;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	out = arena_alloc(a, strlen(base) + 1);
	for (const char *p = base; *p && n < 255; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			out[n++] = *p;
	out[n] = '\0';
	/* Cut back to a whole character, and give up on what is not UTF-8. */
	while (n > 0 && !str_valid_utf8(out, n))
		out[--n] = '\0';
	return out;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes path atomically: a temporary file beside it, fsync, 0640, rename, fsync of the directory. */
static int write_file(struct arena *a, const char *dir, const char *name, const void *data, size_t len, struct err *e)
{
	const char *tmp = arena_printf(a, "%s/.%s.tmp", dir, name), *path = arena_printf(a, "%s/%s", dir, name);
	int fd;

	/* The directory normally exists (the installer creates it); setgid keeps the web server's group. */
	if (mkdir(dir, 02750) < 0 && errno != EEXIST)
		return err_set(e, 0, "cannot create %s: %s", dir, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_set(e, 0, "cannot create %s: %s", tmp, strerror(errno));
	if (write_all(fd, data, len) < 0 || fchmod(fd, 0640) < 0 || fsync(fd) < 0) {
		err_set(e, 0, "cannot write %s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set(e, 0, "cannot write %s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err_set(e, 0, "cannot rename %s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (fsync_dir(dir) < 0) {
		err_set(e, 0, "cannot sync %s: %s", dir, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;

out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

static const char *size_text(struct arena *a, long n)
{
	return n % (1L << 20) == 0 ? arena_printf(a, "%ld MiB", n >> 20) : arena_printf(a, "%ld bytes", n);
}

struct store {
	struct worker *w;
	const char *path; /* the file written for this row: removed when the row is not kept */
	const char *params[8];
	struct media *out;
};

static void remove_file(void *arg)
{
	const struct store *st = arg;

	/* No row, no file: nothing may point at bytes the library does not list. */
	if (unlink(st->path) < 0 && errno != ENOENT)
		log_error("media file %s of a change that was rolled back stays: %s", st->path, strerror(errno));
}

static enum op_outcome store_step(struct op *op, void *arg)
{
	struct store *st = arg;
	struct media *m = st->out;
	struct db_result *r;
	struct json *after;

	r = db_query(op->db, op->arena,
		     "INSERT INTO media AS m (id, kind, content_type, bytes, sha256, storage_name, original_name,"
		     " created_by) VALUES ($1::uuid, $2, $3, $4::bigint, $5, $6, $7, $8) RETURNING " COLUMNS,
		     8, st->params, &op->err);
	if (!r)
		return op_fail(op);
	row_to_media(st->w, op->arena, r, 0, m);
	after = json_new_object(op->arena);
	json_set_string(after, "id", m->id);
	json_set_string(after, "kind", m->kind);
	json_set_string(after, "content_type", m->content_type);
	json_set_int(after, "bytes", m->bytes);
	json_set_string(after, "original_name", m->original_name);
	json_set_string(after, "sha256", m->sha256);
	json_set_string(after, "url", m->url);
	if (audit_record_tx(op, "media.upload", "media", m->id, NULL, json_serialize(after, NULL)) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome media_store(struct worker *w, struct op *op, const void *data, size_t len, const char *original_name,
			    const char *declared_type, struct media *out)
{
	const struct media_type *t;
	char id[37], sha[65];
	const char *storage, *dir, *media_dir = conf_str(&w->conf, CONF_MEDIA_DIR), *name;
	struct store *st;

	if (len == 0)
		return op_invalid(op, "file", "empty", "the file is empty");
	t = media_sniff(data, len, declared_type);
	if (!t) {
		if (media_sniff(data, len, NULL))
			return op_invalid(op, "file", "type_mismatch", "the file's content is not the declared type %s",
					  declared_type);
		return op_invalid(op, "file", "unsupported_type",
				  "must be a JPEG, PNG or WebP image, an MP4 or WebM video, or M4A or MP3 audio");
	}
	if ((long)len > media_max_bytes(t->kind) || len > (size_t)LONG_MAX)
		return op_invalid(op, "file", "too_large", "a%s %s may be at most %s",
				  str_eq(t->kind, "image") ? "n" : "", t->kind,
				  size_text(op->arena, media_max_bytes(t->kind)));
	if (new_id(id, &op->err) < 0)
		return OP_FAILED;
	crypto_sha256_hex(sha, data, len);
	dir = arena_printf(op->arena, "%s/%s", media_dir, str_eq(t->kind, "image") ? "public" : "private");
	name = arena_printf(op->arena, "%s.%s", id, t->ext);
	storage = arena_printf(op->arena, "%s/%s", str_eq(t->kind, "image") ? "public" : "private", name);
	/* The bytes first, outside the transaction: a row is the proof its file is complete. */
	if (write_file(op->arena, dir, name, data, len, &op->err) < 0) {
		log_error("media upload: %s", op->err.msg);
		return OP_FAILED;
	}
	st = arena_zalloc(op->arena, sizeof(*st));
	st->w = w;
	st->out = out;
	st->path = arena_printf(op->arena, "%s/%s", media_dir, storage);
	st->params[0] = arena_strdup(op->arena, id);
	st->params[1] = t->kind;
	st->params[2] = t->content_type;
	st->params[3] = arena_printf(op->arena, "%zu", len);
	st->params[4] = arena_strdup(op->arena, sha);
	st->params[5] = storage;
	st->params[6] = display_name(op->arena, original_name);
	st->params[7] = op->actor.name;
	op_on_rollback(op, remove_file, st);
	return op_run(op, "media.upload", store_step, st);
}

const char *media_public_base(struct worker *w)
{
	const char *base = conf_str(&w->conf, CONF_MEDIA_BASE_URL);

	return *base ? base : conf_str(&w->conf, CONF_PUBLIC_BASE_URL);
}
