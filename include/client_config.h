/*
 * client_config: remote configuration for the phone and web apps, per
 * platform and app version: the minimum supported version (older apps must
 * update), the latest version and feature flags. Read through the cache as a
 * finished JSON representation built by Postgres.
 */
#ifndef MOTUS_CLIENT_CONFIG_H
#define MOTUS_CLIENT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct cache_repr;
struct json;
struct validate;
struct worker;

extern const char *const client_config_platforms[]; /* NULL-terminated */

/* Public, CDN-cacheable: every app polls this, and a minute of staleness is harmless. */
#define CLIENT_CONFIG_CACHE_CONTROL "public, max-age=60, s-maxage=60, stale-while-revalidate=300, stale-if-error=86400"

#define CLIENT_CONFIG_VERSION_MAX 24

/*
 * Normalises an app version of one to three numeric parts to "major.minor.patch"
 * ("2" -> "2.0.0"). -1 when it is not such a version.
 */
int client_config_version(const char *in, char out[CLIENT_CONFIG_VERSION_MAX]) MOTUS_MUSTCHECK;

/*
 * The configuration document for platform at a normalised version. Returns 1
 * and fills out (memory in a), 0 when the platform has no configuration, -1
 * when the database is unreachable (err set).
 */
int client_config_find(struct worker *w, struct arena *a, const char *platform, const char *version,
		       struct cache_repr *out, struct err *e) MOTUS_MUSTCHECK;

/*
 * The operation behind PUT /v1/admin/config/{platform} and the CMS's form:
 * replaces a platform's configuration from a document ({min_version,
 * latest_version, update_url?, features?}), audited as config.update with
 * the document before (null for a new platform) and after, in the form of
 * client_config_doc_json; the cached documents are invalidated after the
 * commit. Invalid: the fields of the document ("features.<name>...").
 */
enum op_outcome client_config_save(struct worker *w, struct op *op, const char *platform,
				   const struct json *doc) MOTUS_MUSTCHECK;

/*
 * A platform's stored configuration as the operations API takes it:
 * {min_version, latest_version, update_url, features: {name: {enabled,
 * min_version}}}. Memory in a; NULL when the platform has none (e untouched)
 * or on failure (e set).
 */
const char *client_config_doc_json(struct db *db, struct arena *a, const char *platform, struct err *e);

/*
 * Every stored row, by platform: [{platform, min_version, latest_version,
 * update_url, updated_at, features: [{name, enabled, min_version}]}] as JSON
 * text. Memory in a; NULL on failure.
 */
const char *client_config_list_json(struct db *db, struct arena *a, struct err *e);

#endif
