/* ctl/config: motusctl config check and get: the settings as loaded, and their documentation. */
#include "conf.h"
#include "ctl.h"
#include "worker.h"

#include <stdio.h>

static void show(const struct conf *conf)
{
	for (int i = 0; i < CONF_COUNT; i++)
		printf("%s = %s\n", conf_settings[i].name,
		       conf_settings[i].secret && *conf_str(conf, (enum conf_key)i) ? "(secret)"
										    : conf_str(conf, (enum conf_key)i));
}

/* 0 when the document at path lists every setting; else a message and 1. */
static int docs_check(const struct ctl *c, const char *path)
{
	static char text[1 << 20];
	FILE *f = fopen(path, "r");
	const char *missing;
	size_t n;

	if (!f)
		return ctl_fail(c, "%s: cannot be read", path);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	missing = conf_first_undocumented(text);
	if (missing)
		return ctl_fail(c, "setting '%s' is not documented in %s", missing, path);
	return 0;
}

CTL_COMMAND(ctl_config_check)
{
	/* Loading already validated every value; the documents must list every setting too. */
	for (int i = 0; i < argc; i++)
		if (docs_check(c, argv[i]))
			return 1;
	show(&c->w->conf);
	puts("configuration OK");
	return 0;
}

CTL_COMMAND(ctl_config_get)
{
	int i = conf_find(argv[0]);

	(void)argc;
	if (i < 0)
		return ctl_fail(c, "unknown setting '%s'", argv[0]);
	printf("%s\n", conf_str(&c->w->conf, (enum conf_key)i));
	return 0;
}
