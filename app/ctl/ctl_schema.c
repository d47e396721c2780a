/* ctl/schema: motusctl migrate and seed. */
#include "cache.h"
#include "ctl.h"
#include "migrate.h"
#include "worker.h"

#include <stdio.h>

CTL_COMMAND(ctl_schema_migrate)
{
	struct err e = {0};
	int n;

	(void)argc, (void)argv;
	n = migrate_run(c->w->db, conf_str(&c->w->conf, CONF_MIGRATIONS_DIR), &e);
	if (n < 0)
		return ctl_fail(c, "%s", e.msg);
	printf("%d migration%s applied\n", n, n == 1 ? "" : "s");
	return 0;
}

CTL_COMMAND(ctl_schema_seed)
{
	struct err e = {0};

	(void)argc, (void)argv;
	if (migrate_seed(c->w->db, conf_str(&c->w->conf, CONF_SEED_DIR), &e) < 0)
		return ctl_fail(c, "%s", e.msg);
	/* Seeded rows replace what was cached. */
	if (cache_bump(c->w->cache, "client_config") < 0 || cache_bump(c->w->cache, "content") < 0)
		fprintf(stderr,
			"motusctl seed: warning: memcached unreachable, cached documents expire on their own\n");
	return 0;
}
