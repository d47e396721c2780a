/* conf: the settings table, its loader and checks. */
#include "conf.h"
#include "log.h"
#include "str.h"
#include "xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct conf_setting conf_settings[CONF_COUNT] = {
#define CONF_ROW(key, name, type, def, min, max, secret, help) {name, type, def, min, max, secret, help},
	CONF_SETTINGS(CONF_ROW)
#undef CONF_ROW
};

int conf_find(const char *name)
{
	for (int i = 0; i < CONF_COUNT; i++)
		if (str_eq(conf_settings[i].name, name))
			return i;
	return -1;
}

static int set_value(struct conf *c, int i, const char *value, struct err *e)
{
	const struct conf_setting *s = &conf_settings[i];

	if (s->type == CONF_INT) {
		long v;

		if (str_to_long(value, s->min, s->max, &v) < 0)
			return err_set_field(e, 0, s->name, "%s must be an integer from %ld to %ld", s->name, s->min,
					     s->max);
		c->num[i] = v;
	}
	if (i == CONF_LOG_LEVEL && log_level_parse(value) < 0)
		return err_set_field(e, 0, s->name, "log_level must be debug, info, warn or error");
	free(c->str[i]);
	c->str[i] = xstrdup(value);
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int load_file(struct conf *c, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int lineno = 0, rc = 0;

	if (!f)
		return err_set(e, 0, "%s: %s", path, strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *p = trim(line), *eq;
		int i;

		lineno++;
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			rc = err_set(e, 0, "%s:%d: expected name = value", path, lineno);
			break;
		}
		*eq = '\0';
		i = conf_find(trim(p));
		if (i < 0) {
			rc = err_set(e, 0, "%s:%d: unknown setting '%s'", path, lineno, trim(p));
			break;
		}
		if (set_value(c, i, trim(eq + 1), e) < 0) {
			char why[sizeof(e->msg)];

			snprintf(why, sizeof(why), "%s", e->msg);
			rc = err_set(e, 0, "%s:%d: %s", path, lineno, why);
		}
	}
	fclose(f);
	return rc;
}

static int load_env(struct conf *c, struct err *e)
{
	for (int i = 0; i < CONF_COUNT; i++) {
		char name[128] = "MOTUS_";
		size_t n = strlen(name);
		const char *v;

		for (const char *p = conf_settings[i].name; *p && n < sizeof(name) - 1; p++)
			name[n++] = (char)toupper((unsigned char)*p);
		name[n] = '\0';
		v = getenv(name);
		if (v && set_value(c, i, v, e) < 0) {
			char why[sizeof(e->msg)];

			snprintf(why, sizeof(why), "%s", e->msg);
			return err_set(e, 0, "environment %s: %s", name, why);
		}
	}
	return 0;
}

int conf_load(struct conf *c, const char *path, struct err *e)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < CONF_COUNT; i++)
		if (set_value(c, i, conf_settings[i].def, e) < 0)
			return -1; /* a bad default is a bug the unit suite catches */
	if (path && load_file(c, path, e) < 0)
		return -1;
	return load_env(c, e);
}

void conf_release(struct conf *c)
{
	for (int i = 0; i < CONF_COUNT; i++) {
		free(c->str[i]);
		c->str[i] = NULL;
	}
}

const char *conf_str(const struct conf *c, enum conf_key k)
{
	return c->str[k];
}

long conf_int(const struct conf *c, enum conf_key k)
{
	return c->num[k];
}

static int is_word(int ch)
{
	return isalnum(ch) || ch == '_';
}

const char *conf_first_undocumented(const char *text)
{
	for (int i = 0; i < CONF_COUNT; i++) {
		const char *name = conf_settings[i].name, *p = text;
		size_t n = strlen(name);
		int found = 0;

		while (!found && (p = strstr(p, name))) {
			found = (p == text || !is_word((unsigned char)p[-1])) && !is_word((unsigned char)p[n]);
			p += n;
		}
		if (!found)
			return name;
	}
	return NULL;
}
