/*
 * media: uploaded images, videos and audio. The bytes are files under
 * media_dir, written atomically before their row exists; a row is the proof
 * its file is complete. Images are public: the web server serves
 * media_dir/public/<id>.<ext> itself at media_public_url. Video and audio are
 * private: clients get a short-lived signed URL (GET /v1/media/{id}) and the
 * web server serves the file once the worker has checked the signature
 * (X-Accel-Redirect or X-Sendfile), so a worker never streams a file.
 * Media is premium when any premium content item refers to it (body
 * video_media_id or audio_media_id).
 */
#ifndef MOTUS_MEDIA_H
#define MOTUS_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "op.h"

struct arena;
struct conf;
struct validate;
struct worker;

/* Caps per kind; larger files are refused as validation errors. */
#define MEDIA_MAX_IMAGE_BYTES (10L << 20)
#define MEDIA_MAX_AUDIO_BYTES (100L << 20)
#define MEDIA_MAX_VIDEO_BYTES (512L << 20)

/* The answer of GET /v1/media/{id} holds a URL valid for a short while: never for a shared cache. */
#define MEDIA_CACHE_PRIVATE "private, no-store"
/* Public images never change under their id. */
#define MEDIA_CACHE_IMMUTABLE "public, max-age=31536000, immutable"

/* The shortest media_url_secret accepted. */
#define MEDIA_SECRET_MIN 32

/* A file type Motus stores: what the magic bytes say. */
struct media_type {
	const char *kind;         /* "image", "video" or "audio" */
	const char *content_type; /* "image/jpeg", "video/mp4", ... */
	const char *ext;          /* "jpg", "mp4", ... (no dot) */
};

/*
 * What data[0..len) is by its magic bytes: JPEG, PNG, WebP, MP4 (ftyp box),
 * M4A (ftyp brand M4A or M4B), MP3 (ID3 tag or an MPEG audio frame header),
 * WebM (EBML header with DocType webm). declared (a Content-Type, parameters
 * and case ignored; NULL or "" when unknown) picks between readings of one
 * container: audio/mp4 or audio/webm makes an MP4 or WebM file audio. NULL
 * when the bytes are none of these, or when declared names another type.
 * Pure: no I/O.
 */
const struct media_type *media_sniff(const void *data, size_t len, const char *declared);

/* The cap in bytes for a kind ("image", "video", "audio"); 0 for another. */
long media_max_bytes(const char *kind);

/* True when s is a UUID in canonical lowercase form (what media ids are, and what a signed URL names). */
bool media_id_valid(const char *s);

/*
 * The signature of a media URL: base64url (no padding) of
 * HMAC-SHA256(secret, id "." exp), in the arena.
 */
const char *media_url_signature(struct arena *a, const char *secret, const char *id, int64_t exp);

/* The signed path /media/{id}?exp=EXP&sig=SIG, in the arena. */
const char *media_signed_path(struct arena *a, const char *secret, const char *id, int64_t exp);

/*
 * Where the API's media URLs start: media_base_url, else public_base_url. A
 * stored /media/ path (an upload) is served under it, so every media URL the
 * API gives (image_url, video_url, audio_url, a signed URL) is absolute.
 */
const char *media_public_base(struct worker *w);

enum media_url_check { MEDIA_URL_OK, MEDIA_URL_INVALID, MEDIA_URL_EXPIRED };

/*
 * Checks a signed URL's parts (exp and sig as given, NULL when absent) at
 * time now: INVALID when anything is missing, malformed or does not match
 * (compared in constant time), EXPIRED when the signature is right but exp
 * has passed. Pure.
 */
enum media_url_check media_url_verify(struct arena *a, const char *secret, const char *id, const char *exp,
				      const char *sig, int64_t now);

/* -1 (err set) when media_url_secret is unset or shorter than MEDIA_SECRET_MIN: motus-fcgi will not start. */
int media_settings_check(const struct conf *c, struct err *e) MOTUS_MUSTCHECK;

/* One stored file. Strings live in the arena of the call that filled it. */
struct media {
	const char *id, *kind, *content_type, *sha256;
	const char *storage_name; /* relative to media_dir: public/<id>.<ext> or private/<id>.<ext> */
	const char *original_name, *created_by, *created_at;
	int64_t bytes;
	const char *url; /* images: media_public_url/<id>.<ext>, for content.image_url; NULL otherwise */
};

/*
 * The upload operation (the CMS's form, motusctl media add): stores
 * data[0..len) as a new media file, audited as "media.upload" by op->actor
 * (also its created_by). Invalid ("file"): an empty file, bytes that are not
 * an allowed type or do not match declared_type (NULL or "": trust the
 * bytes), a file over its kind's cap. original_name is kept for display only
 * (path components stripped, cut to 255 bytes).
 *
 * The file is written first, outside the transaction, atomically (temporary
 * file, fsync, mode 0640, rename, fsync of the directory); then the row and
 * its audit entry commit together. When they do not, the file is removed:
 * there is never a row without a file, nor a file the library does not list.
 * out is filled on OP_DONE.
 */
enum op_outcome media_store(struct worker *w, struct op *op, const void *data, size_t len, const char *original_name,
			    const char *declared_type, struct media *out) MOTUS_MUSTCHECK;

/* One media row by id: 1 and out filled, 0 when there is none (or id is not a UUID), -1 on failure. */
int media_get(struct worker *w, struct arena *a, const char *id, struct media *out, struct err *e) MOTUS_MUSTCHECK;

/* A page of the library, newest first. */
struct media_page {
	struct media *items; /* n of them, in the arena */
	size_t n;
	bool more; /* a further page exists */
};

/*
 * The library for the CMS: newest first, limit (1..100) items after skipping
 * offset, of one kind or all (kind NULL). 0 and out filled, -1 on failure.
 */
int media_list(struct worker *w, struct arena *a, const char *kind, size_t offset, int limit, struct media_page *out,
	       struct err *e) MOTUS_MUSTCHECK;

enum media_access { MEDIA_ALLOWED, MEDIA_NOT_FOUND, MEDIA_ENTITLEMENT_REQUIRED };

/*
 * May a reader with these token scopes (space-separated; NULL or "" for an
 * anonymous reader) have media id? Free media (no premium item refers to it)
 * is for everyone; premium media needs the required_scope of one of the
 * premium items that refer to it (any state: draft, published or deleted
 * items protect their media too). Returns the answer (out filled when the
 * media exists; *needed is a scope that would do when refused), or -1 on
 * failure.
 */
int media_authorize(struct worker *w, struct arena *a, const char *id, const char *scopes, struct media *out,
		    const char **needed, struct err *e) MOTUS_MUSTCHECK;

#endif
