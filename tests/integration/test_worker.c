/*
 * Integration: one motus-fcgi worker on its own socket, driven with cgi-fcgi
 * (libfcgi's client): it recycles after max_requests and stops promptly and
 * cleanly on a stop signal while idle.
 */
#include "arena.h"
#include "harness.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

/* Starts a worker through spawn-fcgi -n (which execs it: the pid is the worker's). */
static pid_t start_worker(const char *max_requests)
{
	char sock[128], shm[128], fcgi[1200], config[1200];
	pid_t pid;

	snprintf(dir, sizeof(dir), "/tmp/motus-worker.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/sock", dir);
	snprintf(shm, sizeof(shm), "%s/metrics", dir);
	snprintf(fcgi, sizeof(fcgi), "%s/bin/motus-fcgi", harness_var());
	snprintf(config, sizeof(config), "%s/etc/motus.conf", harness_var());
	pid = fork();
	if (pid == 0) {
		setenv("MOTUS_MAX_REQUESTS", max_requests, 1);
		setenv("MOTUS_METRICS_SHM_PATH", shm, 1);
		/* The stack's settings (templates, database) with this worker's own recycling and metrics. */
		setenv("MOTUS_CONFIG", config, 1);
		/* Its log stays beside its socket, out of the suite's output. */
		if (!freopen(arena_printf(harness_arena(), "%s/worker.log", dir), "a", stderr))
			_exit(126);
		execlp("spawn-fcgi", "spawn-fcgi", "-n", "-s", sock, "--", fcgi, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
		usleep(20000);
	ck_assert_int_eq(access(sock, F_OK), 0);
	return pid;
}

/* One GET /healthz over FastCGI; true on a 200. */
static bool fcgi_get(void)
{
	char cmd[256], line[128] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "env -i REQUEST_METHOD=GET REQUEST_URI=/healthz cgi-fcgi -bind -connect %s/sock 2>/dev/null", dir);
	f = popen(cmd, "r");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	pclose(f);
	return strncmp(line, "Status: 200", 11) == 0;
}

/* Waits up to `seconds` for the worker to exit; its exit status, or -1 if it did not. */
static int wait_exit(pid_t pid, double seconds)
{
	double deadline = now_s() + seconds;
	int status;

	while (now_s() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

START_TEST(worker_recycles_after_max_requests)
{
	pid_t pid = start_worker("20");
	int served = 0;

	/* max_requests 20, jittered by up to 10%: it serves 18 to 22, then exits cleanly. */
	while (served < 30 && fcgi_get())
		served++;
	ck_assert_int_ge(served, 18);
	ck_assert_int_le(served, 22);
	ck_assert_int_eq(wait_exit(pid, 5), 0);
	cleanup();
}
END_TEST

START_TEST(idle_worker_stops_cleanly_on_each_stop_signal)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++) {
		pid_t pid = start_worker("0");

		ck_assert(fcgi_get());
		kill(pid, sigs[i]);
		ck_assert_int_eq(wait_exit(pid, 5), 0);
		cleanup();
	}
}
END_TEST

START_TEST(pool_socket_is_only_for_the_web_server)
{
	char path[1100];
	struct stat st, run;

	snprintf(path, sizeof(path), "%s/run/motus.sock", harness_var());
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	snprintf(path, sizeof(path), "%s/run", harness_var());
	ck_assert_int_eq(stat(path, &run), 0);
	if (getuid() == 0) {
		struct passwd *motus = getpwnam("motus");
		struct group *web = getgrnam("www-data");

		ck_assert_ptr_nonnull(motus);
		ck_assert_ptr_nonnull(web);
		/* Owned by the workers' user, opened by the web server's group, nobody else. */
		ck_assert_int_eq(st.st_mode & 0777, 0660);
		ck_assert_int_eq(st.st_uid, motus->pw_uid);
		ck_assert_int_eq(st.st_gid, web->gr_gid);
		ck_assert_int_eq(run.st_mode & 0007, 0);
	} else {
		ck_assert_int_eq(st.st_mode & 0077, 0);
	}
}
END_TEST

static void start_again(int done)
{
	if (done == 50)
		stack_ctl("start"); /* what a second `make run` does: reload the pool, keep the rest */
}

START_TEST(starting_a_running_stack_again_is_harmless)
{
	pid_t before[64], after[64];
	int n = pool_pids(before, 64);

	/* Requests flow through the whole reload: workers finish their request, exit and are replaced. */
	ck_assert_int_eq(http_burst("/readyz", NULL, 400, 4, start_again), 0);
	ck_assert(pool_wait_size(n, 10));
	ck_assert_int_eq(pool_pids(after, 64), n);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			ck_assert_int_ne(before[i], after[j]);
	ck_assert_str_eq(reply_str(http_get("/readyz"), "status"), "ready");
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("worker");
	TCase *tc = harness_case(s, "worker", HARNESS_SHARED);
	/* Starts the stack again: a graceful reload of the whole pool. */
	TCase *restart = harness_case(s, "worker_stack_restart", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pool_socket_is_only_for_the_web_server);
	tcase_add_test(tc, worker_recycles_after_max_requests);
	tcase_add_test(tc, idle_worker_stops_cleanly_on_each_stop_signal);
	tcase_add_checked_fixture(restart, NULL, harness_reset);
	tcase_set_timeout(restart, 60);
	tcase_add_test(restart, starting_a_running_stack_again_is_harmless);
	return harness_main(argc, argv, s, HARNESS_ONE_WEB);
}
