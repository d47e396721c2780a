/* Integration: motusctl against the stack's Postgres: migrations under the advisory lock, settings checks. */
#include "arena.h"
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
	tcase_add_test(tc, config_check_validates_and_finds_undocumented_settings);
	tcase_add_test(tc, every_program_says_its_version);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
