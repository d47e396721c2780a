/* signing_key: storage, rotation and each process's copy of the token signing keys. */
#include "signing_key.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "http_response.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "op.h"
#include "str.h"
#include "worker.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct signing_keys {
	struct jwt_key *keys;
	struct jwt_keyset set;
	const struct jwt_key *active;
	char *jwks, *etag;
	size_t jwks_len;
	uint64_t loaded_us, tried_us; /* monotonic; 0: never */
	uint64_t miss_window_us;      /* the current second of the unknown-kid budget */
	int misses;                   /* refreshes spent from it */
};

/* Serialises key changes between hosts. Any constant nothing else uses. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(7160328392)"

/* A key verifies once activated and until it expires. */
#define PUBLISHED "activated_at IS NOT NULL AND activated_at <= now() AND (expires_at IS NULL OR expires_at > now())"

static const char load_sql[] = "SELECT kid, public_pem, CASE WHEN retired_at IS NULL THEN private_pem END"
			       " FROM signing_key WHERE " PUBLISHED " ORDER BY activated_at DESC, kid";

/* Concatenated, not re-serialised: the JWKs are stored compact (json, not jsonb). */
static const char jwks_sql[] =
	"SELECT '{\"keys\":[' || COALESCE(string_agg(public_jwk::text, ',' ORDER BY activated_at DESC, kid), '')"
	" || ']}' FROM signing_key WHERE " PUBLISHED;

static void release_keys(struct signing_keys *k)
{
	for (size_t i = 0; i < k->set.n; i++)
		jwt_key_release(&k->keys[i]);
	free(k->keys);
	free(k->jwks);
	free(k->etag);
	k->keys = NULL;
	k->set.keys = NULL;
	k->set.n = 0;
	k->active = NULL;
	k->jwks = k->etag = NULL;
}

void signing_keys_free(struct signing_keys *k)
{
	if (!k)
		return;
	release_keys(k);
	free(k);
}

/* Reads the published keys into a fresh copy and swaps it in; the old copy stays on failure. */
static int load(struct worker *w, struct signing_keys *k, struct err *e)
{
	struct db_result *r = db_query(w->db, w->arena, load_sql, 0, NULL, e), *j;
	struct signing_keys fresh = {0};
	size_t n;

	if (!r || !(j = db_query(w->db, w->arena, jwks_sql, 0, NULL, e)))
		return -1;
	n = db_rows(r);
	fresh.keys = xcalloc(n ? n : 1, sizeof(*fresh.keys));
	for (size_t i = 0; i < n; i++) {
		const char *priv = db_is_null(r, i, 2) ? NULL : db_value(r, i, 2);

		if (jwt_key_init(&fresh.keys[fresh.set.n], db_value(r, i, 0), db_value(r, i, 1), priv, e) < 0) {
			log_error("signing key %s cannot be loaded: %s", db_value(r, i, 0), e->msg);
			jwt_key_release(&fresh.keys[fresh.set.n]);
			continue;
		}
		if (priv && !fresh.active)
			fresh.active = &fresh.keys[fresh.set.n];
		fresh.set.n++;
	}
	fresh.set.keys = fresh.keys;
	fresh.jwks = xstrdup(db_value(j, 0, 0));
	fresh.jwks_len = strlen(fresh.jwks);
	fresh.etag = xstrdup(http_etag(w->arena, fresh.jwks, fresh.jwks_len));
	fresh.loaded_us = fresh.tried_us = clock_now_us();
	fresh.miss_window_us = k->miss_window_us;
	fresh.misses = k->misses;
	release_keys(k);
	*k = fresh;
	return 0;
}

/* The process's copy, loaded or refreshed as the rules above say. NULL when there never was one. */
static struct signing_keys *copy(struct worker *w, bool missed, struct err *e)
{
	struct signing_keys *k = w->keys;
	uint64_t now = clock_now_us();
	bool stale;

	if (!k)
		k = w->keys = xcalloc(1, sizeof(*k));
	stale = !k->loaded_us ||
		now - k->loaded_us >= (uint64_t)conf_int(&w->conf, CONF_SIGNING_KEYS_REFRESH_S) * 1000000u;
	if (!stale && !missed)
		return k;
	if (stale) {
		if (k->tried_us && now - k->tried_us < SIGNING_KEY_RETRY_MS * 1000u)
			goto out_current; /* the last attempt failed moments ago */
	} else {
		/* An unknown kid: a key rotated in since our last read, or a forgery. Look, within a budget. */
		if (now - k->miss_window_us >= 1000000u) {
			k->miss_window_us = now;
			k->misses = 0;
		}
		if (k->misses >= SIGNING_KEY_MISSES_PER_S)
			goto out_current;
		k->misses++;
	}
	k->tried_us = now;
	if (load(w, k, e) < 0)
		log_warn("signing keys not refreshed: %s", e->msg);
out_current:
	if (!k->loaded_us) {
		err_set(e, SIGNING_KEY_UNAVAILABLE, "signing keys unavailable");
		return NULL;
	}
	return k;
}

const struct jwt_keyset *signing_key_verifiers(struct worker *w, bool missed, struct err *e)
{
	struct signing_keys *k = copy(w, missed, e);

	return k ? &k->set : NULL;
}

const struct jwt_key *signing_key_active(struct worker *w, struct err *e)
{
	struct signing_keys *k = copy(w, false, e);

	if (k && !k->active)
		err_set(e, 0, "no active signing key: run motusctl keys generate");
	return k ? k->active : NULL;
}

int signing_key_jwks(struct worker *w, struct cache_repr *out, struct err *e)
{
	struct signing_keys *k = copy(w, false, e);

	if (!k)
		return -1;
	out->body = k->jwks;
	out->len = k->jwks_len;
	out->etag = k->etag;
	return 0;
}

/* A new key's columns: private PEM, public PEM, public JWK and kid. */
struct new_key {
	const char *kid, *private_pem, *public_pem, *jwk;
};

static int make_key(struct arena *a, struct new_key *nk, struct err *e)
{
	struct crypto_ec_public pub;
	struct json *jwk;

	nk->private_pem = crypto_ec_generate(a, e);
	if (!nk->private_pem || crypto_ec_public(a, nk->private_pem, &pub, e) < 0)
		return -1;
	jwk = json_new_object(a);
	json_set_string(jwk, "kty", "EC");
	json_set_string(jwk, "crv", "P-256");
	json_set_string(jwk, "x", pub.x);
	json_set_string(jwk, "y", pub.y);
	json_set_string(jwk, "kid", pub.thumbprint);
	json_set_string(jwk, "alg", JWT_ES256);
	json_set_string(jwk, "use", "sig");
	nk->kid = arena_strdup(a, pub.thumbprint);
	nk->public_pem = pub.pem;
	nk->jwk = json_serialize(jwk, NULL);
	return 0;
}

static const char active_sql[] = "SELECT kid FROM signing_key WHERE activated_at IS NOT NULL AND retired_at IS NULL";

static const char insert_sql[] = "INSERT INTO signing_key (kid, private_pem, public_pem, public_jwk, activated_at)"
				 " VALUES ($1, $2, $3, $4::json, now())";

static const char retire_sql[] =
	"UPDATE signing_key SET retired_at = now(), expires_at = now() + make_interval(secs => $1::int)"
	" WHERE activated_at IS NOT NULL AND retired_at IS NULL RETURNING kid";

static int insert_tx(struct op *op, const struct new_key *nk)
{
	const char *params[] = {nk->kid, nk->private_pem, nk->public_pem, nk->jwk};

	return db_exec(op->db, op->arena, insert_sql, 4, params, &op->err) < 0 ? -1 : 0;
}

/* {"kid": kid} for the audit log: a key is named, never shown. */
static const char *kid_json(struct arena *a, const char *kid)
{
	struct json *o;

	if (!kid)
		return NULL;
	o = json_new_object(a);
	json_set_string(o, "kid", kid);
	return json_serialize(o, NULL);
}

struct keys_change {
	struct new_key nk;
	const char *retire_after_s; /* rotate: how long the retired key stays published */
	const char **kid, **old_kid;
	bool made;
};

static enum op_outcome generate_step(struct op *op, void *arg)
{
	struct keys_change *c = arg;
	struct db_result *r;

	if (db_exec(op->db, op->arena, LOCK_SQL, 0, NULL, &op->err) < 0 ||
	    !(r = db_query(op->db, op->arena, active_sql, 0, NULL, &op->err)))
		return op_fail(op);
	if (db_rows(r) > 0) {
		*c->kid = arena_strdup(op->arena, db_value(r, 0, 0));
		return OP_DONE; /* nothing to do: nothing written, nothing audited */
	}
	if (insert_tx(op, &c->nk) < 0 ||
	    audit_record_tx(op, "keys.generate", "signing_key", c->nk.kid, NULL, kid_json(op->arena, c->nk.kid)) < 0)
		return op_fail(op);
	*c->kid = c->nk.kid;
	c->made = true;
	return OP_DONE;
}

enum op_outcome signing_key_generate(struct worker *w, struct op *op, const char **kid, bool *made)
{
	struct keys_change c = {.kid = kid};
	enum op_outcome o;

	(void)w;
	if (make_key(op->arena, &c.nk, &op->err) < 0)
		return OP_FAILED;
	o = op_run(op, "keys.generate", generate_step, &c);
	*made = c.made;
	return o;
}

static enum op_outcome rotate_step(struct op *op, void *arg)
{
	struct keys_change *c = arg;
	const char *params[] = {c->retire_after_s};
	struct db_result *r;

	if (db_exec(op->db, op->arena, LOCK_SQL, 0, NULL, &op->err) < 0 ||
	    !(r = db_query(op->db, op->arena, retire_sql, 1, params, &op->err)) || insert_tx(op, &c->nk) < 0)
		return op_fail(op);
	*c->old_kid = db_rows(r) ? arena_strdup(op->arena, db_value(r, 0, 0)) : NULL;
	*c->kid = c->nk.kid;
	if (audit_record_tx(op, "keys.rotate", "signing_key", c->nk.kid, kid_json(op->arena, *c->old_kid),
			    kid_json(op->arena, c->nk.kid)) < 0)
		return op_fail(op);
	return OP_DONE;
}

enum op_outcome signing_key_rotate(struct worker *w, struct op *op, const char **new_kid, const char **old_kid)
{
	struct keys_change c = {.kid = new_kid, .old_kid = old_kid};

	c.retire_after_s = arena_printf(op->arena, "%ld",
					conf_int(&w->conf, CONF_SIGNING_KEYS_REFRESH_S) +
						conf_int(&w->conf, CONF_ACCESS_TOKEN_TTL_S) +
						conf_int(&w->conf, CONF_JWT_LEEWAY_S));
	if (make_key(op->arena, &c.nk, &op->err) < 0)
		return OP_FAILED;
	return op_run(op, "keys.rotate", rotate_step, &c);
}

static const char list_sql[] =
	"SELECT kid, CASE WHEN activated_at IS NULL OR activated_at > now() THEN 'pending'"
	"  WHEN retired_at IS NULL THEN 'active' WHEN expires_at > now() THEN 'retired' ELSE 'expired' END,"
	" iso_utc(created_at),"
	" COALESCE(iso_utc(activated_at), ''),"
	" COALESCE(iso_utc(retired_at), ''),"
	" COALESCE(iso_utc(expires_at), '')"
	" FROM signing_key ORDER BY created_at, kid";

long signing_key_list(struct worker *w, struct arena *a, struct signing_key_info **out, struct err *e)
{
	struct db_result *r = db_query(w->db, a, list_sql, 0, NULL, e);
	size_t n;

	if (!r)
		return -1;
	n = db_rows(r);
	*out = arena_zalloc(a, (n ? n : 1) * sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		struct signing_key_info *k = &(*out)[i];

		k->kid = db_value(r, i, 0);
		k->state = db_value(r, i, 1);
		k->created_at = db_value(r, i, 2);
		k->activated_at = db_value(r, i, 3);
		k->retired_at = db_value(r, i, 4);
		k->expires_at = db_value(r, i, 5);
	}
	return (long)n;
}

const char *signing_key_public_pem(struct worker *w, struct arena *a, const char *kid, struct err *e)
{
	static const char by_kid[] = "SELECT public_pem FROM signing_key WHERE kid = $1";
	static const char active[] =
		"SELECT public_pem FROM signing_key WHERE activated_at IS NOT NULL AND retired_at IS NULL";
	const char *params[] = {kid};
	struct db_result *r = db_query(w->db, a, kid ? by_kid : active, kid ? 1 : 0, params, e);

	if (!r)
		return NULL;
	if (!db_rows(r)) {
		err_set(e, 0, kid ? "no key %s" : "no active key%s", kid ? kid : "");
		return NULL;
	}
	return db_value(r, 0, 0);
}
