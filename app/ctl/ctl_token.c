/* ctl/token: motusctl token issue, an access token for operations and tests. */
#include "access_token.h"
#include "arena.h"
#include "ctl.h"
#include "jwt.h"
#include "str.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>

CTL_COMMAND(ctl_token_issue)
{
	struct jwt_claims claims;
	struct err e = {0};
	long at = 0;
	int i = 0;
	char *scope, *token;
	size_t len = 1;

	if (str_eq(argv[0], "--at")) {
		if (argc < 3 || str_to_long(argv[1], 1, 100000000000L, &at) < 0)
			return ctl_usage(c, "--at takes a Unix time, then the subject");
		i = 2;
	}
	for (int j = i + 1; j < argc; j++)
		len += strlen(argv[j]) + 1;
	scope = arena_zalloc(c->w->arena, len);
	for (int j = i + 1; j < argc; j++) {
		if (*scope)
			strcat(scope, " ");
		strcat(scope, argv[j]);
	}
	token = access_token_issue(c->w, c->w->arena, argv[i], scope, NULL, at, &claims, &e);
	if (!token)
		return ctl_fail(c, "%s", e.msg);
	puts(token);
	return 0;
}
