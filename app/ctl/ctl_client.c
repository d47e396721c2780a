/* ctl/client: motusctl client add and list: the OAuth clients. */
#include "ctl.h"
#include "oauth_client.h"
#include "worker.h"

#include <stdio.h>

CTL_COMMAND(ctl_client_add)
{
	struct op op;
	int rc;

	ctl_op(&op, c);
	rc = ctl_outcome(
		c, &op,
		oauth_client_save(c->w, &op, argv[0], argv[1], (const char *const *)argv + 2, (size_t)argc - 2));
	if (rc == 0)
		printf("client %s registered with %d redirect URI%s\n", argv[0], argc - 2, argc == 3 ? "" : "s");
	return rc;
}

CTL_COMMAND(ctl_client_list)
{
	struct err e = {0};
	size_t n;
	struct oauth_client *list = oauth_client_list(c->w->db, c->w->arena, &n, &e);

	(void)argc, (void)argv;
	if (!list)
		return ctl_fail(c, "%s", e.msg);
	for (size_t i = 0; i < n; i++) {
		printf("%s\t%s", list[i].client_id, list[i].name);
		for (const char **u = list[i].redirect_uris; *u; u++)
			printf("\t%s", *u);
		putchar('\n');
	}
	return 0;
}
