/* ctl/token: motusctl token issue, an access token for operations and tests. */
#include "access_token.h"
#include "arena.h"
#include "ctl.h"
#include "jwt.h"
#include "str.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>

/* The client a token names when --client is not given (RFC 9068 requires a client_id claim). */
#define CTL_CLIENT_ID "motusctl"

CTL_COMMAND(ctl_token_issue)
{
	struct jwt_claims claims;
	struct err e = {0};
	const char *client = CTL_CLIENT_ID;
	long at = 0;
	int i = 0;
	char *scope, *token;
	size_t len = 1;

	for (; i + 1 < argc && str_starts_with(argv[i], "--"); i += 2) {
		if (str_eq(argv[i], "--at")) {
			if (str_to_long(argv[i + 1], 1, 100000000000L, &at) < 0)
				return ctl_usage(c, "--at takes a Unix time");
		} else if (str_eq(argv[i], "--client")) {
			client = argv[i + 1];
		} else {
			return ctl_usage(c, "options: --at UNIX_TIME, --client CLIENT_ID");
		}
	}
	if (i >= argc)
		return ctl_usage(c, "the subject is missing");
	for (int j = i + 1; j < argc; j++)
		len += strlen(argv[j]) + 1;
	scope = arena_zalloc(c->w->arena, len);
	for (int j = i + 1; j < argc; j++) {
		if (*scope)
			strcat(scope, " ");
		strcat(scope, argv[j]);
	}
	token = access_token_issue(c->w, c->w->arena, argv[i], scope, client, at, &claims, &e);
	if (!token)
		return ctl_fail(c, "%s", e.msg);
	puts(token);
	return 0;
}
