/*
 * test_cache: the fail-open path, against a port where nothing listens (no
 * memcached is started): no key, no hit, no fill, one warning per outage, and
 * the retry pause turning further calls into counted bypasses.
 */
#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char tmpdir[64];
static struct arena *arena;
static struct metrics *metrics;
static char logpath[128];

/* A loopback port that was free a moment ago and has no listener. */
static int closed_port(void)
{
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void setup(void)
{
	static const char *const labels[] = {"route=\"/x\""};
	struct err e = {0};
	int fd;

	arena = arena_new(4096);
	/* Each test runs in its own process: its own metrics file and log. */
	metrics = metrics_attach(arena_printf(arena, "%s/m%d", tmpdir, (int)getpid()), labels, 1, &e);
	ck_assert_msg(metrics != NULL, "%s", e.msg);
	snprintf(logpath, sizeof(logpath), "%s/log%d", tmpdir, (int)getpid());
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	log_set_fd(fd);
}

static void teardown(void)
{
	metrics_detach(metrics);
	arena_free(arena);
}

static struct cache *down_cache(int retry_s)
{
	struct err e = {0};
	char servers[64];
	struct cache *c;

	snprintf(servers, sizeof(servers), "127.0.0.1:%d", closed_port());
	c = cache_new(servers, 50, retry_s, metrics, &e);
	ck_assert_msg(c != NULL, "cache_new: %s", e.msg);
	return c;
}

static long long counter(const char *result)
{
	struct buf b;
	const char *p, *name = arena_printf(arena, "motus_cache_requests_total{result=\"%s\"} ", result);

	buf_init(&b, arena);
	metrics_render(metrics, &b);
	p = strstr(buf_cstr(&b), name);
	ck_assert_ptr_nonnull(p);
	return strtoll(p + strlen(name), NULL, 10);
}

static int log_lines_with(const char *needle)
{
	FILE *f = fopen(logpath, "r");
	char line[2048];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

START_TEST(cache_new_rejects_an_empty_server_list)
{
	struct err e = {0};

	ck_assert_ptr_null(cache_new("", 50, 2, NULL, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "memcached_servers"));
}
END_TEST

START_TEST(cache_down_pauses_after_the_first_failure)
{
	struct cache *c = down_cache(60);
	struct cache_repr r = {0};
	const char *key = cache_key(c, arena, "client_config", "ios:1.0.0");

	/* A key asks memcached nothing; the lookup finds it down. */
	ck_assert_str_eq(key, "motus:client_config:ios:1.0.0");
	ck_assert_int_eq(cache_get_repr(c, arena, key, &r), 0);
	ck_assert_int_eq(counter("error"), 1);
	/* Within the pause nothing is tried: no key, and lookups are counted as bypasses. */
	ck_assert_ptr_null(cache_key(c, arena, "client_config", "ios:1.0.0"));
	ck_assert_int_eq(cache_get_repr(c, arena, key, &r), 0);
	ck_assert_int_eq(cache_generation(c, "client_config"), 0);
	ck_assert_int_eq(counter("error"), 1);
	ck_assert_int_eq(counter("bypass"), 3);
	ck_assert_int_eq(counter("hit"), 0);
	ck_assert_int_eq(counter("miss"), 0);
	ck_assert_ptr_null(r.body);
	cache_free(c);
}
END_TEST

START_TEST(cache_keys_name_their_collection_and_hash_what_is_not_plain)
{
	struct cache *c = down_cache(60);

	ck_assert_str_eq(cache_key(c, arena, "content", "item:a|"), "motus:content:item:a|");
	ck_assert_str_eq(cache_key(c, arena, "content", "two words"),
			 "motus:content:#a03f1d611645eb53ad16c1af546ca0792dc884505bab57ede80f4dad6b911d3a");
	ck_assert_ptr_null(cache_key(c, arena, "a:b", "v")); /* a collection is one plain word */
	cache_free(c);
}
END_TEST

START_TEST(cache_down_logs_one_warning_per_outage)
{
	struct cache *c = down_cache(60);
	struct cache_repr r = {"\"e\"", "body", 4}, out = {0};

	for (int i = 0; i < 5; i++) {
		const char *key = cache_key(c, arena, "client_config", "v");

		ck_assert_int_eq(cache_get_repr(c, arena, key, &out), 0);
		cache_set_repr(c, key, &r, 60);
	}
	ck_assert_int_eq(cache_bump(c, "client_config"), -1); /* invalidation is always attempted */
	ck_assert_int_eq(log_lines_with("memcached"), 1);
	ck_assert_int_eq(log_lines_with("\"level\":\"warn\""), 1);
	cache_free(c);
}
END_TEST

START_TEST(cache_without_pause_retries_every_call)
{
	struct cache *c = down_cache(0);
	struct cache_repr r = {0};

	ck_assert_int_eq(cache_get_repr(c, arena, cache_key(c, arena, "a", "v"), &r), 0);
	ck_assert_int_eq(cache_get_repr(c, arena, cache_key(c, arena, "a", "v"), &r), 0);
	ck_assert_int_eq(cache_generation(c, "a"), 0);
	ck_assert_int_eq(counter("error"), 3);
	ck_assert_int_eq(counter("bypass"), 0);
	ck_assert(!cache_ping(c));
	cache_free(c);
}
END_TEST

START_TEST(cache_null_key_is_neither_read_nor_filled)
{
	struct cache *c = down_cache(0);
	struct cache_repr r = {"\"e\"", "body", 4}, out = {0};

	ck_assert_int_eq(cache_get_repr(c, arena, NULL, &out), 0);
	cache_set_repr(c, NULL, &r, 60);
	ck_assert_int_eq(counter("error"), 0);
	ck_assert_int_eq(counter("miss"), 0);
	cache_free(c);
}
END_TEST

START_TEST(cache_ping_ignores_the_pause)
{
	struct cache *c = down_cache(60);

	struct cache_repr r = {0};

	ck_assert_int_eq(cache_get_repr(c, arena, cache_key(c, arena, "a", "v"), &r), 0);
	ck_assert(!cache_ping(c)); /* asks even while paused */
	ck_assert_int_eq(counter("error"), 2);
	cache_free(c);
}
END_TEST

START_TEST(cache_fill_guard_never_waits_on_a_dead_cache)
{
	struct cache *c = down_cache(60);
	struct cache_repr out = {0};
	uint64_t t0 = clock_now_us();

	ck_assert_int_eq(cache_get_or_lock(c, arena, "motus:x:v", 1000, &out), CACHE_BUILD);
	ck_assert_int_eq(cache_get_or_lock(c, arena, "motus:x:v", 1000, &out), CACHE_BUILD); /* paused now */
	ck_assert_int_eq(cache_get_or_lock(c, arena, NULL, 1000, &out), CACHE_BUILD);
	cache_unlock(c, "motus:x:v");
	cache_unlock(c, NULL);
	ck_assert_uint_lt(clock_now_us() - t0, 500000); /* the 1 s wait never started */
	ck_assert_int_eq(counter("hit"), 0);
	cache_free(c);
}
END_TEST

START_TEST(cache_free_accepts_null)
{
	cache_free(NULL);
}
END_TEST

static Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("down");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, cache_new_rejects_an_empty_server_list);
	tcase_add_test(tc, cache_fill_guard_never_waits_on_a_dead_cache);
	tcase_add_test(tc, cache_down_pauses_after_the_first_failure);
	tcase_add_test(tc, cache_keys_name_their_collection_and_hash_what_is_not_plain);
	tcase_add_test(tc, cache_down_logs_one_warning_per_outage);
	tcase_add_test(tc, cache_without_pause_retries_every_call);
	tcase_add_test(tc, cache_null_key_is_neither_read_nor_filled);
	tcase_add_test(tc, cache_ping_ignores_the_pause);
	tcase_add_test(tc, cache_free_accepts_null);
	suite_add_tcase(s, tc);
	return s;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	SRunner *sr;
	int failed;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/motus-cache-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(cache_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_tmpdir();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
