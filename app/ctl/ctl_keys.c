/* ctl/keys: motusctl keys generate, rotate, list, pem: the token signing keys. */
#include "ctl.h"
#include "signing_key.h"
#include "worker.h"

#include <stdio.h>

CTL_COMMAND(ctl_keys_generate)
{
	const char *kid = NULL;
	struct op op;
	bool made = false;
	int rc;

	(void)argc, (void)argv;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, signing_key_generate(c->w, &op, &kid, &made));
	if (rc == 0)
		printf(made ? "signing key %s generated and active\n"
			    : "a signing key is already active (%s): nothing to do\n",
		       kid);
	return rc;
}

CTL_COMMAND(ctl_keys_rotate)
{
	const char *kid = NULL, *old = NULL;
	struct op op;
	int rc;

	(void)argc, (void)argv;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, signing_key_rotate(c->w, &op, &kid, &old));
	if (rc)
		return rc;
	printf("signing key %s active\n", kid);
	if (old)
		printf("signing key %s retired: it signs no more and stays published until its tokens have expired\n",
		       old);
	return 0;
}

CTL_COMMAND(ctl_keys_list)
{
	struct signing_key_info *k;
	struct err e = {0};
	long n = signing_key_list(c->w, c->w->arena, &k, &e);

	(void)argc, (void)argv;
	if (n < 0)
		return ctl_fail(c, "%s", e.msg);
	printf("%-43s  %-7s  %-20s  %-20s  %-20s  %s\n", "kid", "state", "created", "activated", "retired", "expires");
	for (long i = 0; i < n; i++)
		printf("%-43s  %-7s  %-20s  %-20s  %-20s  %s\n", k[i].kid, k[i].state, k[i].created_at,
		       k[i].activated_at, k[i].retired_at, k[i].expires_at);
	return 0;
}

CTL_COMMAND(ctl_keys_pem)
{
	struct err e = {0};
	const char *pem = signing_key_public_pem(c->w, c->w->arena, argc == 1 ? argv[0] : NULL, &e);

	if (!pem)
		return ctl_fail(c, "%s", e.msg);
	fputs(pem, stdout);
	return 0;
}
