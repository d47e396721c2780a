/* Integration: motusctl against the stack's Postgres: migrations under the advisory lock, settings checks. */
#include "arena.h"
#include "db.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_migration_files(void)
{
	char path[1100];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof(path), "%s/sql/migrations", getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".");
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, ".sql") == 0;
	closedir(d);
	return n;
}

START_TEST(two_hosts_migrating_at_once_apply_each_file_once)
{
	char db[64], conninfo[1200], query[256];
	pid_t a, b;
	int sa, sb;

	snprintf(db, sizeof(db), "motus_migrate_%d", (int)getpid());
	sql(strcat(strcpy(query, "CREATE DATABASE "), db));
	snprintf(conninfo, sizeof(conninfo), "host=%s/pgrun dbname=%s user=motus", harness_var(), db);
	setenv("MOTUS_DB_CONNINFO", conninfo, 1);
	a = fork();
	if (a == 0)
		_exit(motusctl("migrate"));
	b = fork();
	if (b == 0)
		_exit(motusctl("migrate"));
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	ck_assert_int_eq(WEXITSTATUS(sa), 0);
	ck_assert_int_eq(WEXITSTATUS(sb), 0);
	ck_assert_int_eq(motusctl("migrate"), 0); /* and again: nothing left to do */
	unsetenv("MOTUS_DB_CONNINFO");

	char cmd[1400], out[64] = "";
	snprintf(cmd, sizeof(cmd), "psql -X -At -h %s/pgrun -U motus -d %s -c 'SELECT count(*) FROM schema_migrations'",
		 harness_var(), db);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(fgets(out, sizeof(out), f));
	pclose(f);
	ck_assert_int_eq(atoi(out), count_migration_files());
	snprintf(query, sizeof(query), "DROP DATABASE %s", db);
	sql(query);
}
END_TEST

/* One statement on the database conninfo names; its first value ("" for none). */
static const char *on(const char *conninfo, const char *statement)
{
	struct db *db = db_new(conninfo, 5, 30000, false);
	struct err e = {0};
	struct db_result *r = db_query(db, harness_arena(), statement, 0, NULL, &e);
	const char *out = r && db_rows(r) ? arena_strdup(harness_arena(), db_value(r, 0, 0)) : "";

	db_free(db);
	ck_assert_msg(r != NULL, "SQL failed: %s\n%s", e.msg, statement);
	return out;
}

/*
 * Rows written in the shapes of before 0012 (ingredients as lines of text,
 * words spelt another way, in items, revisions and preferences): after the
 * migration every one has the one shape the API serves and the CMS saves.
 */
START_TEST(the_one_shape_migration_rewrites_rows_of_the_old_shapes)
{
	const char *src = getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".";
	char dir[] = "/tmp/motus-migrations.XXXXXX", db[64], conninfo[1200], cmd[2600];
	const char *user;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "motus_shape_%d", (int)getpid());
	sql(arena_printf(harness_arena(), "CREATE DATABASE %s", db));
	snprintf(conninfo, sizeof(conninfo), "host=%s/pgrun dbname=%s user=motus", harness_var(), db);
	setenv("MOTUS_DB_CONNINFO", conninfo, 1);
	setenv("MOTUS_MIGRATIONS_DIR", dir, 1);
	/* Every migration before 0012, then the rows, then 0012. */
	snprintf(cmd, sizeof(cmd),
		 "for f in %s/sql/migrations/*.sql; do case $(basename $f) in 00[01][0-9]_*) "
		 "[ $(basename $f | cut -c1-4) -lt 0012 ] && ln -s $f %s/; esac; done; true",
		 src, dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(motusctl("migrate"), 0);
	on(conninfo, "INSERT INTO content (slug, kind, title, body) VALUES ('old-oats', 'recipe', 'Oats',"
		     " '{\"meal\": \"breakfast\", \"servings\": 1, \"diet\": [\"gluten_free\", \"vegan\"],"
		     " \"ingredients\": [\"80 g rolled oats\", \"1/2 cup milk\", \"3 eggs\", \"lemon\","
		     " {\"name\": \"salt\"}], \"steps\": [\"Stir.\"]}'),"
		     " ('old-bands', 'workout', 'Bands', '{\"level\": \"beginner\","
		     " \"equipment\": [\"Resistance band\", \"yoga_mat\", \"dumbbells\"]}')");
	on(conninfo, "INSERT INTO content_revision (content_id, number, document, saved_by)"
		     " SELECT id, 1, jsonb_build_object('slug', slug, 'body', body), 'cli:test' FROM content");
	user = on(conninfo, "INSERT INTO app_user (email, password_hash) VALUES ('old@example.com', '!') RETURNING id");
	on(conninfo, arena_printf(harness_arena(),
				  "INSERT INTO user_preferences (user_id, diet, goals, equipment) VALUES ('%s',"
				  " 'gluten_free', '{run_5k,eat_healthier}', '{yoga_mat,pull_up_bar}')",
				  user));
	ck_assert_int_eq(system(arena_printf(harness_arena(), "ln -s %s/sql/migrations/0012_*.sql %s/", src, dir)), 0);
	ck_assert_int_eq(motusctl("migrate"), 0);
	unsetenv("MOTUS_DB_CONNINFO");
	unsetenv("MOTUS_MIGRATIONS_DIR");

	ck_assert_str_eq(on(conninfo, "SELECT body->'ingredients' FROM content WHERE slug = 'old-oats'"),
			 "[{\"name\": \"rolled oats\", \"unit\": \"g\", \"quantity\": 80},"
			 " {\"name\": \"milk\", \"unit\": \"cup\", \"quantity\": 0.5},"
			 " {\"name\": \"eggs\", \"quantity\": 3}, {\"name\": \"lemon\"}, {\"name\": \"salt\"}]");
	ck_assert_str_eq(on(conninfo, "SELECT body->'diet' FROM content WHERE slug = 'old-oats'"),
			 "[\"gluten-free\", \"vegan\"]");
	ck_assert_str_eq(on(conninfo, "SELECT body->'equipment' FROM content WHERE slug = 'old-bands'"),
			 "[\"dumbbells\", \"mat\", \"resistance-band\"]");
	ck_assert_str_eq(on(conninfo, "SELECT count(*) FROM content_revision r JOIN content c ON c.id = r.content_id"
				      " WHERE r.document->'body' = c.body"),
			 "2");
	ck_assert_str_eq(
		on(conninfo, "SELECT diet || ' ' || goals::text || ' ' || equipment::text FROM user_preferences"),
		"gluten-free {run-5k,eat-healthier} {mat,pull-up-bar}");
	sql(arena_printf(harness_arena(), "DROP DATABASE %s", db));
	ck_assert_int_eq(system(arena_printf(harness_arena(), "rm -rf %s", dir)), 0);
}
END_TEST

START_TEST(config_check_validates_and_finds_undocumented_settings)
{
	char path[] = "/tmp/motus-conf.XXXXXX", args[1400];
	int fd = mkstemp(path);
	const char *src = getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".";

	snprintf(args, sizeof(args), "config check %s/etc/motus.conf %s/README.md", src, src);
	ck_assert_int_eq(motusctl(args), 0);
	/* A document that lists no settings fails the docs check. */
	ck_assert_int_eq(write(fd, "workers = 2\n", 12), 12);
	close(fd);
	snprintf(args, sizeof(args), "config check %s", path);
	ck_assert_int_eq(motusctl(args), 1);
	/* An unknown setting in the file in use is refused. */
	snprintf(args, sizeof(args), "-c %s config check", path);
	ck_assert_int_eq(motusctl(args), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, "colour = red\n", 13), 13);
	close(fd);
	ck_assert_int_eq(motusctl(args), 1);
	unlink(path);
	ck_assert_int_eq(motusctl("--help"), 0);
	ck_assert_int_eq(motusctl("no-such-command"), 2);
}
END_TEST

/* --version on all three programs: the same release and commit, from the build. */
START_TEST(every_program_says_its_version)
{
	static const char *const programs[] = {"motusctl", "motus-fcgi", "motus-worker"};
	const char *build = getenv("MOTUS_BUILD") ? getenv("MOTUS_BUILD") : "build";
	const char *src = getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".";
	char release[64] = "", first[256] = "";

	FILE *vf = fopen(arena_printf(harness_arena(), "%s/VERSION", src), "r");
	ck_assert_ptr_nonnull(vf);
	ck_assert_ptr_nonnull(fgets(release, sizeof(release), vf));
	fclose(vf);
	release[strcspn(release, "\n")] = '\0';
	for (size_t i = 0; i < 3; i++) {
		char line[256] = "";
		FILE *f =
			popen(arena_printf(harness_arena(), "cd %s && %s/%s --version", src, build, programs[i]), "r");

		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
		ck_assert_int_eq(pclose(f), 0);
		const char *want = arena_printf(harness_arena(), "%s (Motus) %s, commit ", programs[i], release);

		ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "%s", line);
		/* The same build for all three. */
		if (i == 0)
			snprintf(first, sizeof(first), "%s", strstr(line, ", commit "));
		else
			ck_assert_str_eq(strstr(line, ", commit "), first);
	}
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("motusctl");
	TCase *tc = harness_case(s, "motusctl", HARNESS_SHARED);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, two_hosts_migrating_at_once_apply_each_file_once);
	tcase_add_test(tc, the_one_shape_migration_rewrites_rows_of_the_old_shapes);
	tcase_add_test(tc, config_check_validates_and_finds_undocumented_settings);
	tcase_add_test(tc, every_program_says_its_version);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
