/* test_metrics: shared-memory counters and histograms summed over worker processes. */
#include "arena.h"
#include "buf.h"
#include "metrics.h"

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];
static struct arena *arena;

static const char *const labels[] = {"method=\"GET\",route=\"/a\"", "method=\"PUT\",route=\"/b\""};
#define NROUTES   2
#define UNMATCHED "route=\"unmatched\""

static void setup(void)
{
	arena = arena_new(1 << 16);
}

static void teardown(void)
{
	arena_free(arena);
}

/* The shared file's base path for one test; each test gets its own so they never mix. */
static const char *path_for(const char *name)
{
	return arena_printf(arena, "%s/%s", tmpdir, name);
}

static struct metrics *attach(const char *path)
{
	struct err e = {0};
	struct metrics *m = metrics_attach(path, labels, NROUTES, &e);

	ck_assert_msg(m != NULL, "metrics_attach(%s): %s", path, e.msg);
	return m;
}

static const char *render(struct metrics *m)
{
	struct buf b;

	buf_init(&b, arena);
	metrics_render(m, &b);
	return buf_cstr(&b);
}

/* True when `line` is a whole line of text. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define assert_line(text, ...)                                                                  \
	do {                                                                                    \
		const char *want_ = arena_printf(arena, __VA_ARGS__);                           \
		ck_assert_msg(has_line(text, want_), "missing line [%s] in:\n%s", want_, text); \
	} while (0)

/* The value on the line starting with `prefix` followed by a space; -1 when absent. */
static long long value_of(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; (p = strstr(p, prefix)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

static long long requests(const char *text, const char *label, const char *cls)
{
	return value_of(text, arena_printf(arena, "motus_http_requests_total{%s,code=\"%s\"}", label, cls));
}

START_TEST(metrics_render_counts_requests_by_route_and_status_class)
{
	struct metrics *m = attach(path_for("classes"));
	const char *text;

	metrics_request(m, 0, 200, 100);
	metrics_request(m, 0, 204, 300);
	metrics_request(m, 0, 201, 2000);
	metrics_request(m, 0, 404, 50);
	metrics_request(m, 1, 302, 70000);
	metrics_request(m, 1, 503, 900);
	metrics_request(m, NROUTES, 404, 10); /* the unmatched row */
	metrics_request(m, 99, 405, 10);      /* out of range: counted as unmatched */
	metrics_request(m, 1, 101, 10);
	metrics_request(m, 1, 0, 10); /* not an HTTP status: a server error */
	text = render(m);

	/* Each code the server sends is its own series; another code counts under its class. */
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"200\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"201\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"204\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"404\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"PUT\",route=\"/b\",code=\"1xx\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"PUT\",route=\"/b\",code=\"302\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"PUT\",route=\"/b\",code=\"503\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"PUT\",route=\"/b\",code=\"5xx\"} 1");
	assert_line(text, "motus_http_requests_total{route=\"unmatched\",code=\"404\"} 1");
	assert_line(text, "motus_http_requests_total{route=\"unmatched\",code=\"405\"} 1");
	metrics_request(m, 0, 418, 10);
	metrics_request(m, 0, 401, 10);
	metrics_request(m, 0, 429, 10);
	text = render(m);
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"4xx\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"401\"} 1");
	assert_line(text, "motus_http_requests_total{method=\"GET\",route=\"/a\",code=\"429\"} 1");
	/* Codes never seen are left out rather than printed as zero. */
	ck_assert_int_eq(requests(text, labels[0], "5xx"), -1);
	ck_assert_int_eq(requests(text, labels[0], "500"), -1);
	ck_assert_int_eq(requests(text, labels[1], "200"), -1);
	assert_line(text, "# TYPE motus_http_requests_total counter");
	metrics_detach(m);
}
END_TEST

START_TEST(metrics_histogram_buckets_for_one_route)
{
	struct metrics *m = attach(path_for("histogram"));
	const char *text, *a = labels[0];

	metrics_request(m, 0, 200, 100);
	metrics_request(m, 0, 200, 300);
	metrics_request(m, 0, 200, 2000);
	metrics_request(m, 0, 404, 50);
	metrics_request(m, 0, 200, 250);     /* on a bound: in that bucket */
	metrics_request(m, 0, 200, 3000000); /* above every bound: only +Inf */
	text = render(m);

	assert_line(text, "# TYPE motus_http_request_duration_seconds histogram");
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"0.00025\"} 3", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"0.0005\"} 4", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"0.001\"} 4", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"0.0025\"} 5", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"1\"} 5", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"2.5\"} 5", a);
	assert_line(text, "motus_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} 6", a);
	assert_line(text, "motus_http_request_duration_seconds_count{%s} 6", a);
	assert_line(text, "motus_http_request_duration_seconds_sum{%s} 3.002700", a);
	/* Rows without requests have no histogram at all. */
	ck_assert_ptr_null(strstr(text, arena_printf(arena, "_bucket{%s,", labels[1])));
	ck_assert_ptr_null(strstr(text, "_bucket{" UNMATCHED ","));
	metrics_detach(m);
}
END_TEST

/* Checks every histogram row of text: cumulative, 14 buckets, +Inf == _count; returns the count. */
static long long check_histogram(const char *text, const char *label)
{
	const char *prefix = arena_printf(arena, "motus_http_request_duration_seconds_bucket{%s,le=", label);
	long long prev = 0, last = -1;
	int buckets = 0;
	bool inf = false;

	for (const char *p = text; (p = strstr(p, prefix)); p++) {
		const char *space = strchr(p, ' ');
		long long v = strtoll(space + 1, NULL, 10);

		ck_assert_msg(!inf, "bucket after +Inf for %s", label);
		ck_assert_msg(v >= prev, "buckets of %s not cumulative: %lld after %lld", label, v, prev);
		inf = strncmp(p + strlen(prefix), "\"+Inf\"}", 7) == 0;
		prev = last = v;
		buckets++;
	}
	ck_assert_msg(inf, "no +Inf bucket for %s", label);
	ck_assert_int_eq(buckets, 14);
	ck_assert_int_eq(last,
			 value_of(text, arena_printf(arena, "motus_http_request_duration_seconds_count{%s}", label)));
	return last;
}

START_TEST(metrics_histogram_is_cumulative_and_inf_equals_count)
{
	struct metrics *m = attach(path_for("cumulative"));
	static const unsigned long long lat[] = {1,       249,     250,     251,     499,     500,       501,    999,
						 1000,    1001,    2600,    9999,    10001,   24000,     26000,  49000,
						 51000,   99000,   101000,  240000,  260000,  490000,    510000, 990000,
						 1000000, 1000001, 2499999, 2500000, 2500001, 1ULL << 40};
	const char *text;

	for (size_t i = 0; i < sizeof(lat) / sizeof(*lat); i++) {
		metrics_request(m, 0, 200, lat[i]);
		metrics_request(m, 1, 500, lat[i] / 2);
		if (i % 3 == 0)
			metrics_request(m, NROUTES, 404, lat[i]);
	}
	text = render(m);
	ck_assert_int_eq(check_histogram(text, labels[0]), 30);
	ck_assert_int_eq(check_histogram(text, labels[1]), 30);
	ck_assert_int_eq(check_histogram(text, UNMATCHED), 10);
	metrics_detach(m);
}
END_TEST

START_TEST(metrics_counters_and_worker_gauge_render)
{
	struct metrics *m = attach(path_for("counters"));
	const char *text;

	metrics_count(m, METRICS_CACHE_HIT);
	metrics_count(m, METRICS_CACHE_HIT);
	metrics_count(m, METRICS_CACHE_MISS);
	metrics_count(m, METRICS_DB_ERROR);
	text = render(m);
	assert_line(text, "motus_cache_requests_total{result=\"hit\"} 2");
	assert_line(text, "motus_cache_requests_total{result=\"miss\"} 1");
	assert_line(text, "motus_cache_requests_total{result=\"error\"} 0");
	assert_line(text, "motus_cache_requests_total{result=\"bypass\"} 0");
	assert_line(text, "motus_db_errors_total 1");
	assert_line(text, "motus_worker_starts_total 1");
	assert_line(text, "motus_workers 1");
	assert_line(text, "# TYPE motus_workers gauge");
	assert_line(text, "motus_workers_busy 0");
	assert_line(text, "motus_workers_idle 1");
	/* A worker between accepting a request and finishing it is busy. */
	metrics_set_busy(m, true);
	assert_line(render(m), "motus_workers_busy 1");
	assert_line(render(m), "motus_workers_idle 0");
	metrics_set_busy(m, false);
	assert_line(render(m), "motus_workers_busy 0");
	/* One HELP/TYPE pair per family, even with several label sets. */
	const char *first = strstr(text, "# TYPE motus_cache_requests_total");
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_null(strstr(first + 1, "# TYPE motus_cache_requests_total"));
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	metrics_detach(m);
}
END_TEST

START_TEST(metrics_fresh_file_renders_no_request_rows)
{
	struct metrics *m = attach(path_for("fresh"));
	const char *text = render(m);

	ck_assert_ptr_null(strstr(text, "motus_http_requests_total{"));
	ck_assert_ptr_null(strstr(text, "_bucket{"));
	assert_line(text, "# TYPE motus_http_requests_total counter");
	assert_line(text, "motus_worker_starts_total 1");
	metrics_detach(m);
}
END_TEST

START_TEST(metrics_calls_on_null_are_noops)
{
	metrics_request(NULL, 0, 200, 10);
	metrics_count(NULL, METRICS_CACHE_HIT);
	metrics_detach(NULL);
}
END_TEST

START_TEST(metrics_attach_refuses_too_many_routes)
{
	const char *many[METRICS_MAX_ROUTES + 1];
	struct err e = {0};

	for (size_t i = 0; i <= METRICS_MAX_ROUTES; i++)
		many[i] = "route=\"/x\"";
	ck_assert_ptr_null(metrics_attach(path_for("many"), many, METRICS_MAX_ROUTES + 1, &e));
	ck_assert_msg(e.msg[0] != '\0', "no message");
	struct metrics *m = metrics_attach(path_for("many"), many, METRICS_MAX_ROUTES, &e);
	ck_assert_ptr_nonnull(m);
	metrics_request(m, METRICS_MAX_ROUTES, 200, 1); /* the unmatched row of a full table */
	ck_assert_int_eq(requests(render(m), UNMATCHED, "200"), 1);
	metrics_detach(m);
}
END_TEST

START_TEST(metrics_attach_fails_on_unusable_path)
{
	struct err e = {0};

	ck_assert_ptr_null(metrics_attach("/nonexistent-dir/metrics", labels, NROUTES, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent-dir/metrics"));
}
END_TEST

START_TEST(metrics_different_route_tables_never_share_a_file)
{
	static const char *const other[] = {"method=\"GET\",route=\"/a\"", "method=\"GET\",route=\"/c\""};
	const char *path = path_for("layouts");
	struct err e = {0};
	struct metrics *m1 = attach(path), *m2 = metrics_attach(path, other, 2, &e);

	ck_assert_ptr_nonnull(m2);
	metrics_request(m1, 0, 200, 10);
	metrics_request(m1, 0, 200, 10);
	metrics_request(m2, 0, 200, 10);
	ck_assert_int_eq(requests(render(m1), labels[0], "200"), 2);
	ck_assert_int_eq(requests(render(m2), other[0], "200"), 1);
	metrics_detach(m1);
	metrics_detach(m2);
}
END_TEST

START_TEST(metrics_reattach_in_the_same_process_keeps_counting)
{
	const char *path = path_for("reattach");
	struct metrics *m = attach(path);

	metrics_request(m, 0, 200, 10);
	metrics_detach(m);
	m = attach(path);
	metrics_request(m, 0, 200, 10);
	const char *text = render(m);
	ck_assert_int_eq(requests(text, labels[0], "200"), 2);
	assert_line(text, "motus_worker_starts_total 2");
	assert_line(text, "motus_workers 1"); /* one slot: the same process */
	metrics_detach(m);
}
END_TEST

/* In a forked child: attach, record n requests on route, exit 0 (2 when attach fails). */
static pid_t spawn_worker(const char *path, size_t route, int n)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct err e = {0};
		struct metrics *m = metrics_attach(path, labels, NROUTES, &e);

		if (!m)
			_exit(2);
		for (int i = 0; i < n; i++)
			metrics_request(m, route, 200, 1000);
		metrics_count(m, METRICS_CACHE_MISS);
		metrics_detach(m);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid, int want)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want, "child %d: status %#x, want exit %d", (int)pid,
		      status, want);
}

START_TEST(metrics_forked_worker_is_summed_in_the_render)
{
	const char *path = path_for("forked");
	struct metrics *m = attach(path);
	const char *text;

	metrics_request(m, 0, 200, 1000);
	metrics_request(m, 0, 200, 1000);
	reap(spawn_worker(path, 0, 5), 0);
	reap(spawn_worker(path, 1, 3), 0);
	text = render(m);
	ck_assert_int_eq(requests(text, labels[0], "200"), 7);
	ck_assert_int_eq(requests(text, labels[1], "200"), 3);
	assert_line(text, "motus_http_request_duration_seconds_count{%s} 7", labels[0]);
	assert_line(text, "motus_cache_requests_total{result=\"miss\"} 2");
	assert_line(text, "motus_worker_starts_total 3");
	assert_line(text, "motus_workers 1"); /* the children have exited */
	check_histogram(text, labels[0]);
	metrics_detach(m);
}
END_TEST

/*
 * Fills every slot with live processes, lets one of them die, and checks
 * that a newcomer takes the dead slot over and that its totals survive.
 */
START_TEST(metrics_dead_workers_slot_is_reused_keeping_its_counts)
{
	const char *path = path_for("reuse");
	struct metrics *m = attach(path);
	int release[2], victim_release[2], report[2];
	pid_t victim, fillers[2048];
	size_t nfillers = 0;
	char c;

	ck_assert_int_eq(pipe(release), 0);
	ck_assert_int_eq(pipe(victim_release), 0);
	ck_assert_int_eq(pipe(report), 0);

	/* The victim: counts 5 requests on /a, then waits to be released. */
	victim = fork();
	ck_assert_int_ge(victim, 0);
	if (victim == 0) {
		struct err e = {0};
		struct metrics *vm = metrics_attach(path, labels, NROUTES, &e);

		close(release[1]);
		close(victim_release[1]);
		c = vm ? 'y' : 'n';
		for (int i = 0; vm && i < 5; i++)
			metrics_request(vm, 0, 200, 1000);
		if (write(report[1], &c, 1) != 1 || !vm)
			_exit(2);
		while (read(victim_release[0], &c, 1) > 0)
			;
		_exit(0);
	}
	ck_assert_int_eq(read(report[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');

	/* Fillers attach until the file is full; the one that finds no slot says so and exits. */
	for (;;) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct err e = {0};
			struct metrics *fm;

			close(release[1]);
			close(victim_release[1]);
			fm = metrics_attach(path, labels, NROUTES, &e);
			c = fm ? 'y' : (strstr(e.msg, "slots") ? 'n' : 'e');
			if (write(report[1], &c, 1) != 1 || !fm)
				_exit(3);
			while (read(release[0], &c, 1) > 0)
				;
			_exit(0);
		}
		ck_assert_int_eq(read(report[0], &c, 1), 1);
		if (c != 'y') {
			ck_assert_msg(c == 'n', "a filler failed to attach for another reason than full slots");
			reap(pid, 3);
			break;
		}
		fillers[nfillers++] = pid;
		ck_assert_uint_lt(nfillers, sizeof(fillers) / sizeof(*fillers));
	}
	ck_assert_uint_ge(nfillers, 1);

	/* Full: the victim exits, and a newcomer can only get in by taking its slot. */
	close(victim_release[1]);
	reap(victim, 0);
	reap(spawn_worker(path, 1, 1), 0);

	const char *text = render(m);
	ck_assert_int_eq(requests(text, labels[0], "200"), 5); /* the victim's counts survive the takeover */
	ck_assert_int_eq(requests(text, labels[1], "200"), 1);
	assert_line(text, "motus_worker_starts_total %zu", nfillers + 3);
	assert_line(text, "motus_workers %zu", nfillers + 1);

	/* Now the newcomer is dead too: its slot (with all counts) is free again. */
	reap(spawn_worker(path, 1, 1), 0);
	ck_assert_int_eq(requests(render(m), labels[1], "200"), 2);
	ck_assert_int_eq(requests(render(m), labels[0], "200"), 5);

	close(release[1]);
	for (size_t i = 0; i < nfillers; i++)
		reap(fillers[i], 0);
	close(release[0]);
	close(victim_release[0]);
	close(report[0]);
	close(report[1]);
	metrics_detach(m);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core"), *procs = tcase_create("processes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, metrics_render_counts_requests_by_route_and_status_class);
	tcase_add_test(tc, metrics_histogram_buckets_for_one_route);
	tcase_add_test(tc, metrics_histogram_is_cumulative_and_inf_equals_count);
	tcase_add_test(tc, metrics_counters_and_worker_gauge_render);
	tcase_add_test(tc, metrics_fresh_file_renders_no_request_rows);
	tcase_add_test(tc, metrics_calls_on_null_are_noops);
	tcase_add_test(tc, metrics_attach_refuses_too_many_routes);
	tcase_add_test(tc, metrics_attach_fails_on_unusable_path);
	tcase_add_test(tc, metrics_different_route_tables_never_share_a_file);
	tcase_add_test(tc, metrics_reattach_in_the_same_process_keeps_counting);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(procs, setup, teardown);
	tcase_set_timeout(procs, 120);
	tcase_add_test(procs, metrics_forked_worker_is_summed_in_the_render);
	tcase_add_test(procs, metrics_dead_workers_slot_is_reused_keeping_its_counts);
	suite_add_tcase(s, procs);
	return s;
}

/* Removes the temp dir and every shared file the tests created in it. */
static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			char p[512];

			snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(tmpdir);
}

int main(void)
{
	SRunner *sr;
	int failed;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/motus-metrics-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(metrics_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_tmpdir();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
