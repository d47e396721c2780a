/* test_conf: the settings table, file parsing, environment overrides and the docs check. */
#include "conf.h"
#include "unit.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static char conf_path[64];

/* Clears every MOTUS_<NAME> a developer's shell may have set, so defaults are defaults. */
static void clear_env(void)
{
	for (int i = 0; i < CONF_COUNT; i++) {
		char name[128] = "MOTUS_";
		size_t n = strlen(name);

		for (const char *p = conf_settings[i].name; *p; p++)
			name[n++] = (char)toupper((unsigned char)*p);
		name[n] = '\0';
		unsetenv(name);
	}
}

static void setup(void)
{
	clear_env();
	conf_path[0] = '\0';
}

static void teardown(void)
{
	if (conf_path[0])
		unlink(conf_path);
}

/* Writes text to a fresh temp file and returns its path. */
static const char *write_conf(const char *text)
{
	int fd;
	FILE *f;

	snprintf(conf_path, sizeof(conf_path), "/tmp/motus-conf-XXXXXX");
	fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return conf_path;
}

START_TEST(conf_table_names_are_unique_lowercase_and_documented)
{
	for (int i = 0; i < CONF_COUNT; i++) {
		const struct conf_setting *s = &conf_settings[i];

		ck_assert_msg(s->name && *s->name, "setting %d has no name", i);
		for (const char *p = s->name; *p; p++)
			ck_assert_msg(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_',
				      "setting name '%s' is not lowercase snake_case", s->name);
		ck_assert_msg(s->help && *s->help, "setting '%s' has no help text", s->name);
		ck_assert_msg(s->def != NULL, "setting '%s' has no default", s->name);
		ck_assert_int_eq(conf_find(s->name), i);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(conf_settings[j].name, s->name) != 0, "setting '%s' appears twice",
				      s->name);
	}
	ck_assert_int_eq(conf_find("no_such_setting"), -1);
	ck_assert_int_eq(conf_find(""), -1);
}
END_TEST

START_TEST(conf_load_with_null_path_gives_the_defaults)
{
	struct conf c;
	struct err e = {0};

	ck_assert_msg(conf_load(&c, NULL, &e) == 0, "defaults do not load: %s", e.msg);
	for (int i = 0; i < CONF_COUNT; i++) {
		const struct conf_setting *s = &conf_settings[i];

		ck_assert_str_eq(conf_str(&c, (enum conf_key)i), s->def);
		if (s->type == CONF_INT) {
			ck_assert_int_eq(conf_int(&c, (enum conf_key)i), strtol(s->def, NULL, 10));
			ck_assert_int_ge(conf_int(&c, (enum conf_key)i), s->min);
			ck_assert_int_le(conf_int(&c, (enum conf_key)i), s->max);
		}
	}
	ck_assert_str_eq(conf_str(&c, CONF_DB_CONNINFO), "dbname=motus");
	ck_assert_int_eq(conf_int(&c, CONF_MAX_BODY_BYTES), 1048576);
	ck_assert_str_eq(conf_str(&c, CONF_LOG_LEVEL), "info");
	conf_release(&c);
}
END_TEST

START_TEST(conf_load_parses_comments_blank_lines_and_later_line_wins)
{
	struct conf c;
	struct err e = {0};
	const char *path = write_conf("# Motus settings\n"
				      "\n"
				      "   \n"
				      "\t# indented comment\n"
				      "workers = 8\n"
				      "log_level=debug\n"
				      "  db_conninfo   =   host=/tmp dbname=x  \n"
				      "workers = 9\n"
				      "admin_token =\n"
				      "cache_ttl_s = 60"); /* no final newline */

	ck_assert_msg(conf_load(&c, path, &e) == 0, "load failed: %s", e.msg);
	ck_assert_int_eq(conf_int(&c, CONF_WORKERS), 9);
	ck_assert_str_eq(conf_str(&c, CONF_WORKERS), "9");
	ck_assert_str_eq(conf_str(&c, CONF_LOG_LEVEL), "debug");
	ck_assert_str_eq(conf_str(&c, CONF_DB_CONNINFO), "host=/tmp dbname=x");
	ck_assert_str_eq(conf_str(&c, CONF_ADMIN_TOKEN), "");
	ck_assert_int_eq(conf_int(&c, CONF_CACHE_TTL_S), 60);
	/* Untouched settings keep their defaults. */
	ck_assert_int_eq(conf_int(&c, CONF_MAX_BODY_BYTES), 1048576);
	conf_release(&c);
}
END_TEST

static const struct {
	const char *name, *text, *msg_has[3];
} bad_files[] = {
	{"unknown setting", "workers = 2\n# ok\nnope = 1\n", {":3:", "unknown setting 'nope'", NULL}},
	{"bad integer", "\nworkers = many\n", {":2:", "workers", NULL}},
	{"integer below min", "workers = 0\n", {":1:", "workers", "1 to 512"}},
	{"integer above max", "http_port = 65536\n", {":1:", "http_port", NULL}},
	{"signed integer", "workers = -4\n", {":1:", "workers", NULL}},
	{"integer with trailing comment", "workers = 4 # four\n", {":1:", "workers", NULL}},
	{"bad log level", "log_level = loud\n", {":1:", "log_level", NULL}},
	{"line without equals", "# c\n\nworkers 4\n", {":3:", "expected name = value", NULL}},
	{"empty name", "= 4\n", {":1:", "unknown setting", NULL}},
	{"name is case sensitive", "WORKERS = 4\n", {":1:", "WORKERS", NULL}},
};

START_TEST(conf_load_rejects_bad_file)
{
	struct conf c;
	struct err e = {0};
	const char *path = write_conf(bad_files[_i].text);

	ck_assert_msg(conf_load(&c, path, &e) == -1, "%s: accepted", bad_files[_i].name);
	ck_assert_msg(strstr(e.msg, path) != NULL, "%s: message '%s' does not name the file", bad_files[_i].name,
		      e.msg);
	for (size_t k = 0; k < N(bad_files[_i].msg_has) && bad_files[_i].msg_has[k]; k++)
		ck_assert_msg(strstr(e.msg, bad_files[_i].msg_has[k]) != NULL, "%s: message '%s' lacks '%s'",
			      bad_files[_i].name, e.msg, bad_files[_i].msg_has[k]);
	/* Still holds valid values and must be released. */
	for (int i = 0; i < CONF_COUNT; i++)
		ck_assert_ptr_nonnull(conf_str(&c, (enum conf_key)i));
	conf_release(&c);
}
END_TEST

START_TEST(conf_load_rejects_missing_file)
{
	struct conf c;
	struct err e = {0};

	ck_assert_int_eq(conf_load(&c, "/nonexistent/motus.conf", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/motus.conf"));
	conf_release(&c);
}
END_TEST

START_TEST(conf_env_overrides_beat_the_file)
{
	struct conf c;
	struct err e = {0};
	const char *path = write_conf("workers = 8\nlog_level = debug\ndb_conninfo = dbname=file\n");

	setenv("MOTUS_WORKERS", "16", 1);
	setenv("MOTUS_DB_CONNINFO", "dbname=env", 1);
	ck_assert_msg(conf_load(&c, path, &e) == 0, "load failed: %s", e.msg);
	ck_assert_int_eq(conf_int(&c, CONF_WORKERS), 16);
	ck_assert_str_eq(conf_str(&c, CONF_DB_CONNINFO), "dbname=env");
	ck_assert_str_eq(conf_str(&c, CONF_LOG_LEVEL), "debug"); /* not overridden: the file's value */
	conf_release(&c);

	/* Without a file the environment beats the default. */
	setenv("MOTUS_MAX_BODY_BYTES", "0", 1);
	ck_assert_int_eq(conf_load(&c, NULL, &e), 0);
	ck_assert_int_eq(conf_int(&c, CONF_MAX_BODY_BYTES), 0);
	conf_release(&c);
}
END_TEST

START_TEST(conf_env_bad_value_fails_naming_the_variable)
{
	struct conf c;
	struct err e = {0};

	setenv("MOTUS_WORKERS", "lots", 1);
	ck_assert_int_eq(conf_load(&c, NULL, &e), -1);
	ck_assert_msg(strstr(e.msg, "MOTUS_WORKERS") != NULL, "message '%s'", e.msg);
	conf_release(&c);

	unsetenv("MOTUS_WORKERS");
	setenv("MOTUS_LOG_LEVEL", "verbose", 1);
	ck_assert_int_eq(conf_load(&c, NULL, &e), -1);
	ck_assert_msg(strstr(e.msg, "MOTUS_LOG_LEVEL") != NULL, "message '%s'", e.msg);
	conf_release(&c);
}
END_TEST

START_TEST(conf_release_twice_is_safe)
{
	struct conf c;
	struct err e = {0};

	ck_assert_int_eq(conf_load(&c, NULL, &e), 0);
	conf_release(&c);
	conf_release(&c);
}
END_TEST

/* All setting names, space-separated, optionally skipping one. */
static char *all_names(int skip)
{
	static char text[8192];

	text[0] = '\0';
	for (int i = 0; i < CONF_COUNT; i++)
		if (i != skip) {
			strcat(text, conf_settings[i].name);
			strcat(text, i % 2 ? "\n" : " = x # ");
		}
	return text;
}

START_TEST(conf_first_undocumented_finds_the_missing_setting)
{
	ck_assert_ptr_null(conf_first_undocumented(all_names(-1)));
	for (int i = 0; i < CONF_COUNT; i++)
		ck_assert_str_eq(conf_first_undocumented(all_names(i)), conf_settings[i].name);
	ck_assert_str_eq(conf_first_undocumented(""), conf_settings[0].name);
}
END_TEST

START_TEST(conf_first_undocumented_needs_whole_words)
{
	char text[8192];
	int w = conf_find("workers");

	/* "workers" only inside longer words does not count... */
	snprintf(text, sizeof(text), "%s xworkers workers_count max_workers2", all_names(w));
	ck_assert_str_eq(conf_first_undocumented(text), "workers");
	/* ...but a later whole-word mention does, also at the very start or end, and next to punctuation. */
	snprintf(text, sizeof(text), "%s xworkers `workers`", all_names(w));
	ck_assert_ptr_null(conf_first_undocumented(text));
	snprintf(text, sizeof(text), "workers\n%s", all_names(w));
	ck_assert_ptr_null(conf_first_undocumented(text));
	snprintf(text, sizeof(text), "%s workers", all_names(w));
	ck_assert_ptr_null(conf_first_undocumented(text));
}
END_TEST

/* Reads a file of the repository (root from MOTUS_SRC_DIR, default "."). */
static char *read_repo_file(const char *rel)
{
	const char *root = getenv("MOTUS_SRC_DIR");
	char path[4096];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof(path), "%s/%s", root && *root ? root : ".", rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL,
		      "cannot read %s (%s): the docs check needs it; set MOTUS_SRC_DIR to the repository root", path,
		      strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	text = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

static const char *const doc_files[] = {"etc/motus.conf", "README.md"};

START_TEST(conf_every_setting_is_documented)
{
	char *text = read_repo_file(doc_files[_i]);
	const char *missing = conf_first_undocumented(text);

	ck_assert_msg(missing == NULL, "setting '%s' is not documented in %s", missing, doc_files[_i]);
	free(text);
}
END_TEST

START_TEST(conf_shipped_motus_conf_loads)
{
	const char *root = getenv("MOTUS_SRC_DIR");
	char path[4096];
	struct conf c;
	struct err e = {0};

	free(read_repo_file("etc/motus.conf")); /* fails clearly when missing */
	snprintf(path, sizeof(path), "%s/etc/motus.conf", root && *root ? root : ".");
	ck_assert_msg(conf_load(&c, path, &e) == 0, "etc/motus.conf does not load: %s", e.msg);
	conf_release(&c);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core"), *docs = tcase_create("docs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, conf_table_names_are_unique_lowercase_and_documented);
	tcase_add_test(tc, conf_load_with_null_path_gives_the_defaults);
	tcase_add_test(tc, conf_load_parses_comments_blank_lines_and_later_line_wins);
	tcase_add_loop_test(tc, conf_load_rejects_bad_file, 0, N(bad_files));
	tcase_add_test(tc, conf_load_rejects_missing_file);
	tcase_add_test(tc, conf_env_overrides_beat_the_file);
	tcase_add_test(tc, conf_env_bad_value_fails_naming_the_variable);
	tcase_add_test(tc, conf_release_twice_is_safe);
	tcase_add_test(tc, conf_first_undocumented_finds_the_missing_setting);
	tcase_add_test(tc, conf_first_undocumented_needs_whole_words);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(docs, setup, teardown);
	tcase_add_loop_test(docs, conf_every_setting_is_documented, 0, N(doc_files));
	tcase_add_test(docs, conf_shipped_motus_conf_loads);
	suite_add_tcase(s, docs);
	return s;
}

int main(void)
{
	return unit_run(conf_suite());
}
