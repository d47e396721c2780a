/*
 * Integration: the cache's stampede guard against the stack's real
 * memcached: one filler wins the lock, waiters get its result as soon as it
 * is stored, give up after their bounded wait, and a released or expired
 * lock can be taken again; and its generations: a representation answers
 * only under the generation it was built in.
 */
#include "arena.h"
#include "cache.h"
#include "clock.h"
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define a harness_arena()

static struct cache *client(void)
{
	struct err e = {0};
	struct cache *c = cache_new(arena_printf(a, "127.0.0.1:%s", harness_env("memcached_port")), 200, 0, NULL, &e);

	ck_assert_msg(c != NULL, "%s", e.msg);
	return c;
}

/* A key no other test or run uses. */
static const char *fresh_key(void)
{
	return arena_printf(a, "motus:locktest:%d:%llu", (int)getpid(), (unsigned long long)clock_now_us());
}

START_TEST(one_filler_others_wait_then_build)
{
	struct cache *filler = client(), *other = client();
	const char *key = fresh_key();
	struct cache_repr out, r = {"\"abc\"", "{}", 2};
	uint64_t t0;

	ck_assert_int_eq(cache_get_or_lock(filler, a, key, 50, &out), CACHE_FILL);
	/* The lock is held: a second reader waits its bounded time, then builds itself. */
	t0 = clock_now_us();
	ck_assert_int_eq(cache_get_or_lock(other, a, key, 30, &out), CACHE_BUILD);
	ck_assert_uint_ge(clock_now_us() - t0, 30000);
	ck_assert_uint_lt(clock_now_us() - t0, 500000);
	/* Stored: everyone hits. */
	cache_set_repr(filler, key, &r, 60);
	cache_unlock(filler, key);
	ck_assert_int_eq(cache_get_or_lock(other, a, key, 30, &out), CACHE_HIT);
	ck_assert_str_eq(out.etag, "\"abc\"");
	cache_free(filler);
	cache_free(other);
}
END_TEST

START_TEST(a_waiter_gets_the_fillers_result_as_soon_as_it_is_stored)
{
	struct cache *c = client();
	const char *key = fresh_key();
	struct cache_repr out;
	uint64_t t0;
	pid_t pid;
	int status;

	ck_assert_int_eq(cache_get_or_lock(c, a, key, 50, &out), CACHE_FILL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) { /* the filler, finishing its build 20 ms later */
		struct cache *f = client();
		struct cache_repr r = {"\"built\"", "[1]", 3}, none;

		(void)cache_get_repr(f, a, key, &none); /* the filler's own lookup, as a worker's */
		usleep(20000);
		cache_set_repr(f, key, &r, 60);
		cache_unlock(f, key);
		_exit(0);
	}
	t0 = clock_now_us();
	ck_assert_int_eq(cache_get_or_lock(c, a, key, 2000, &out), CACHE_HIT);
	ck_assert_uint_lt(clock_now_us() - t0, 1000000); /* did not sit out the whole wait */
	ck_assert_str_eq(out.etag, "\"built\"");
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	cache_free(c);
}
END_TEST

START_TEST(a_released_lock_can_be_taken_again)
{
	struct cache *c = client(), *d = client();
	const char *key = fresh_key();
	struct cache_repr out;

	ck_assert_int_eq(cache_get_or_lock(c, a, key, 10, &out), CACHE_FILL);
	cache_unlock(c, key); /* a failed build releases it */
	ck_assert_int_eq(cache_get_or_lock(d, a, key, 10, &out), CACHE_FILL);
	/* A holder that never releases: the lock expires on its own. */
	sleep(CACHE_LOCK_TTL_S + 1);
	ck_assert_int_eq(cache_get_or_lock(c, a, key, 10, &out), CACHE_FILL);
	cache_unlock(c, key);
	cache_free(c);
	cache_free(d);
}
END_TEST

/* A collection no other test or run uses. */
static const char *fresh_collection(void)
{
	return arena_printf(a, "gentest%d_%llu", (int)getpid(), (unsigned long long)clock_now_us());
}

START_TEST(a_bump_between_lookup_and_store_keeps_the_old_build_out)
{
	struct cache *builder = client(), *editor = client();
	const char *coll = fresh_collection(), *key = cache_key(builder, a, coll, "item");
	struct cache_repr out, old = {"\"old\"", "old", 3}, fresh = {"\"new\"", "new", 3};

	ck_assert_int_eq(cache_get_repr(builder, a, key, &out), 0); /* a miss: builds from what it reads now */
	ck_assert_int_eq(cache_bump(editor, coll), 0);              /* meanwhile an editor saves */
	cache_set_repr(builder, key, &old, 60);                     /* the build lands after the save */
	ck_assert_msg(cache_get_repr(editor, a, key, &out) == 0, "a build from before the bump answered: %s", out.body);
	/* Built after the bump (its lookup saw the new generation): that one answers everyone. */
	cache_set_repr(editor, key, &fresh, 60);
	ck_assert_int_eq(cache_get_repr(builder, a, key, &out), 1);
	ck_assert_int_eq((int)out.len, 3);
	ck_assert_int_eq(memcmp(out.body, "new", 3), 0);
	ck_assert_str_eq(out.etag, "\"new\"");
	cache_free(builder);
	cache_free(editor);
}
END_TEST

START_TEST(nothing_is_stored_without_a_lookup_first)
{
	struct cache *c = client(), *other = client();
	const char *coll = fresh_collection(), *key = cache_key(c, a, coll, "item");
	struct cache_repr out, r = {"\"e\"", "body", 4};

	/* Without a lookup there is no generation the build is known to come after: not stored. */
	cache_set_repr(c, key, &r, 60);
	ck_assert_int_eq(cache_get_repr(other, a, key, &out), 0);
	cache_set_repr(other, key, &r, 60);
	ck_assert_int_eq(cache_get_repr(c, a, key, &out), 1);
	ck_assert_int_eq(memcmp(out.body, "body", 4), 0);
	cache_free(c);
	cache_free(other);
}
END_TEST

/* A loopback port nothing listens on. */
static int closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

START_TEST(a_dead_server_is_paused_alone)
{
	struct err e = {0};
	struct cache *c =
		cache_new(arena_printf(a, "127.0.0.1:%s,127.0.0.1:%d", harness_env("memcached_port"), closed_port()),
			  200, 60, NULL, &e);
	int first_failure = -1, hits_after = 0;

	ck_assert_msg(c != NULL, "%s", e.msg);
	/* Collections spread over both servers: the dead one's are skipped, the live one's still hit. */
	for (int i = 0; i < 64; i++) {
		const char *coll = arena_printf(a, "%s%d", fresh_collection(), i), *key = cache_key(c, a, coll, "v");
		struct cache_repr out, r = {"\"e\"", "body", 4};
		bool hit;

		if (key) {
			(void)cache_get_repr(c, a, key, &out);
			cache_set_repr(c, key, &r, 60);
		}
		hit = key && cache_get_repr(c, a, key, &out) == 1;
		if (!hit && first_failure < 0)
			first_failure = i;
		else if (hit && first_failure >= 0)
			hits_after++;
	}
	ck_assert_msg(first_failure >= 0, "no key of 64 fell on the dead server");
	ck_assert_msg(hits_after > 0, "after the dead server failed (at key %d), the live one served nothing",
		      first_failure);
	ck_assert(!cache_ping(c)); /* not every server answers */
	cache_free(c);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("cache_lock");
	TCase *tc = harness_case(s, "cache_lock", HARNESS_SHARED);

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_add_test(tc, one_filler_others_wait_then_build);
	tcase_add_test(tc, a_bump_between_lookup_and_store_keeps_the_old_build_out);
	tcase_add_test(tc, nothing_is_stored_without_a_lookup_first);
	tcase_add_test(tc, a_dead_server_is_paused_alone);
	tcase_add_test(tc, a_waiter_gets_the_fillers_result_as_soon_as_it_is_stored);
	tcase_add_test(tc, a_released_lock_can_be_taken_again);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
