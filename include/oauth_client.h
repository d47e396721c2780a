/*
 * oauth_client: the registered OAuth clients (the iOS, Android and web apps).
 * All are public clients using PKCE; a redirect URI must match a registered
 * one exactly, except that a registered loopback URI (http://127.0.0.1 or
 * http://[::1]) accepts any port, as RFC 8252 §7.3 asks for native apps.
 */
#ifndef MOTUS_OAUTH_CLIENT_H
#define MOTUS_OAUTH_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "op.h"

struct arena;
struct db;
struct worker;

struct oauth_client {
	const char *client_id, *name;
	const char **redirect_uris; /* NULL-terminated */
};

/*
 * The operation of motusctl client add: registers or replaces a client
 * ("client.save", audited with the client before and after). Invalid:
 * "client_id", "name", "redirect_uri" (n absolute URIs without fragments,
 * at least one).
 */
enum op_outcome oauth_client_save(struct worker *w, struct op *op, const char *client_id, const char *name,
				  const char *const *redirect_uris, size_t n) MOTUS_MUSTCHECK;

/* 1 and *out filled, 0 when there is no such client, -1 on a database error. */
int oauth_client_find(struct db *db, struct arena *a, const char *client_id, struct oauth_client *out,
		      struct err *e) MOTUS_MUSTCHECK;

/* All clients, ordered by id; *n receives the count. NULL on error. */
struct oauth_client *oauth_client_list(struct db *db, struct arena *a, size_t *n, struct err *e);

/* Whether uri is one of the client's registered redirect URIs (see above). */
bool oauth_client_redirect_ok(const struct oauth_client *c, const char *uri);

/* The syntax rules for a URI at registration: absolute, no fragment, https or a custom scheme or loopback http. */
bool oauth_client_uri_valid(const char *uri);

#endif
