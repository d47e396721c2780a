/* Integration: liveness, readiness and pool-wide metrics through the web server. */
#include "arena.h"
#include "harness.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(healthz_answers_ok_and_is_never_cached)
{
	struct reply *r = http_get("/healthz");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Content-Type"), "application/json");
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "no-store");
	ck_assert_str_eq(reply_str(r, "status"), "ok");
}
END_TEST

START_TEST(readyz_reports_db_and_cache_up)
{
	struct reply *r = http_get("/readyz");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_str(r, "status"), "ready");
	ck_assert_str_eq(reply_str(r, "db"), "up");
	ck_assert_str_eq(reply_str(r, "cache"), "up");
}
END_TEST

START_TEST(metrics_pass_promtool)
{
	struct reply *r = http_get("/metrics");
	char path[] = "/tmp/motus-metrics.XXXXXX";
	int fd = mkstemp(path);
	char cmd[256];

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr(reply_header(r, "Content-Type"), "text/plain; version=0.0.4"));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, r->body, r->len), (ssize_t)r->len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
	ck_assert_int_eq(system(cmd), 0);
	unlink(path);
}
END_TEST

/* The value of an unlabelled sample of a /metrics answer; -1 when it is not there. */
static double sample(const char *body, const char *name)
{
	char *needle = arena_printf(harness_arena(), "\n%s ", name);
	const char *p = strstr(body, needle);

	return p ? strtod(p + strlen(needle), NULL) : -1;
}

START_TEST(metrics_say_how_many_workers_are_busy)
{
	struct reply *r = http_get("/metrics");

	ck_assert_int_eq(r->status, 200);
	/* The worker answering the scrape is busy with it; together they are the pool. */
	ck_assert_double_ge(sample(r->body, "motus_workers_busy"), 1);
	ck_assert_double_ge(sample(r->body, "motus_workers_idle"), 0);
	ck_assert_double_eq(sample(r->body, "motus_workers_busy") + sample(r->body, "motus_workers_idle"),
			    sample(r->body, "motus_workers"));
}
END_TEST

/* Counts the distinct worker pids that logged a request id with this prefix. */
static int workers_that_served(const char *id_prefix)
{
	char cmd[1400], line[64];
	FILE *f;
	int n = 0;

	snprintf(cmd, sizeof(cmd),
		 "grep -o '\"pid\":[0-9]*,\"event\":\"request\",\"id\":\"%s' %s/log/motus-fcgi.log | sort -u | wc -l",
		 id_prefix, harness_var());
	f = popen(cmd, "r");
	if (f && fgets(line, sizeof(line), f))
		n = atoi(line);
	if (f)
		pclose(f);
	return n;
}

START_TEST(metrics_move_with_requests_and_sum_all_workers)
{
	const char *sample = "motus_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"200\"}";
	char prefix[64], header[128];
	const char *headers[] = {header, NULL};
	double before = metric_sum(sample);
	int sent = 0;

	snprintf(prefix, sizeof(prefix), "sum-%s-%ld", harness_web(), (long)now_s());
	snprintf(header, sizeof(header), "X-Request-Id: %s", prefix);
	/*
	 * Bursts until two workers have served some: on a loaded machine one
	 * worker can take a whole burst of instant answers before another runs.
	 */
	do {
		ck_assert_int_eq(http_burst("/healthz", headers, 200, 8, NULL), 0);
		sent += 200;
	} while (sent < 2000 && workers_that_served(prefix) < 2);
	/* Every request was counted, whichever worker served it... */
	ck_assert_double_eq(metric_sum(sample), before + sent);
	/* ...and they were spread over several workers, so the sum really crosses processes. */
	ck_assert_int_ge(workers_that_served(prefix), 2);
	ck_assert_double_eq(metric_sum("motus_workers"), atof(harness_env("workers")));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("health");
	TCase *tc = harness_case(s, "health", HARNESS_SHARED);
	/* Counts every /healthz request of the pool, whoever sent it. */
	TCase *metrics = harness_case(s, "health_metric_totals", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, healthz_answers_ok_and_is_never_cached);
	tcase_add_test(tc, readyz_reports_db_and_cache_up);
	tcase_add_test(tc, metrics_pass_promtool);
	tcase_add_test(tc, metrics_say_how_many_workers_are_busy);
	tcase_add_checked_fixture(metrics, NULL, harness_reset);
	tcase_set_timeout(metrics, 60);
	tcase_add_test(metrics, metrics_move_with_requests_and_sum_all_workers);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
