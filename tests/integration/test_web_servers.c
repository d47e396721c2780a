/*
 * Integration: what the web servers in front of the pool guard, through each
 * of them: slow clients never pin the workers, a body too large for its
 * route is refused before it is read, the upload cap belongs to the upload
 * route only, a micro-cached answer carries the client's own request id,
 * public media are read-only, nginx-only headers never reach a client.
 */
#include "arena.h"
#include "harness.h"
#include "json.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A TCP connection to the web server under test, from the given loopback address. */
static int web_connect_from(const char *source)
{
	const char *url = harness_url();
	const char *colon = strrchr(url, ':');
	struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(colon);
	ck_assert_int_eq(inet_pton(AF_INET, source, &src.sin_addr), 1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	dst.sin_port = htons((uint16_t)atoi(colon + 1));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	return fd;
}

/* From this suite's source address. */
static int web_connect(void)
{
	return web_connect_from(harness_source_addr());
}

static void send_all(int fd, const char *s)
{
	size_t n = strlen(s);

	ck_assert_int_eq(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* The status of the answer on fd, waiting at most `seconds`; 0 when none came. */
static long read_status(int fd, double seconds)
{
	char buf[256];
	size_t got = 0;
	double deadline = now_s() + seconds;

	while (got < sizeof(buf) - 1 && now_s() < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, (int)((deadline - now_s()) * 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strchr(buf, '\n'))
			return strncmp(buf, "HTTP/1.", 7) == 0 ? strtol(buf + 9, NULL, 10) : -1;
	}
	return 0;
}

/* Headers of a POST declaring `length` body bytes, none of them sent. */
static int post_headers(const char *path, long length, const char *request_id)
{
	int fd = web_connect();
	char head[512];

	snprintf(head, sizeof(head),
		 "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
		 "Content-Length: %ld\r\nX-Request-Id: %s\r\n\r\n",
		 path, length, request_id);
	send_all(fd, head);
	return fd;
}

static int pool_size(void)
{
	pid_t pids[64];
	int n = pool_pids(pids, 64);

	ck_assert_int_gt(n, 0);
	return n;
}

/* Whether the worker log names this request id (the worker saw the request). */
static bool worker_logged(const char *request_id)
{
	char path[512], line[8192];
	bool seen = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/log/motus-fcgi.log", harness_var());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (!seen && fgets(line, sizeof(line), f))
		seen = strstr(line, request_id) != NULL;
	fclose(f);
	return seen;
}

START_TEST(slow_and_half_sent_bodies_do_not_pin_the_pool)
{
	enum { MAX_SLOW = 64 };
	int slow[MAX_SLOW], n = pool_size() + 4;

	ck_assert_int_le(n, MAX_SLOW);
	/* Even clients trickle a byte every half second; odd ones send half the body and fall silent. */
	char half[501];
	memset(half, ' ', sizeof(half) - 1);
	half[0] = '{';
	half[sizeof(half) - 1] = '\0';
	for (int i = 0; i < n; i++) {
		slow[i] = post_headers("/v1/auth/signup", 1000, "slow-client");
		send_all(slow[i], i % 2 ? half : "{");
	}
	/* Well past the time a streamed body would have reached every worker. */
	for (double end = now_s() + 6; now_s() < end;) {
		double t0 = now_s();
		struct reply *r = http_get("/healthz");
		double took = now_s() - t0;

		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(took < 1.0, "/healthz took %.2f s while %d clients trickled or stalled (%s)", took, n,
			      harness_web());
		for (int i = 0; i < n; i += 2)
			send(slow[i], " ", 1, MSG_NOSIGNAL);
		harness_reset();
		usleep(500000);
	}
	for (int i = 0; i < n; i++)
		close(slow[i]);
}
END_TEST

START_TEST(huge_declared_body_is_413_before_a_worker_sees_it)
{
	char id[64];
	int fd;
	double t0 = now_s();

	snprintf(id, sizeof(id), "huge-%s-%ld", harness_web(), (long)getpid());
	fd = post_headers("/v1/auth/signup", 999999999L, id);
	ck_assert_int_eq(read_status(fd, 2), 413);
	ck_assert_msg(now_s() - t0 < 2, "413 took %.2f s", now_s() - t0);
	close(fd);
	ck_assert_msg(!worker_logged(id), "a worker saw the refused request (%s)", harness_web());
}
END_TEST

START_TEST(upload_cap_is_the_upload_route_only)
{
	const char *paths[] = {"/admin/mediaX", "/admin/media/1", "/admin/media.json"};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = post_headers(paths[i], 3L << 20, "upload-cap");

		ck_assert_msg(read_status(fd, 2) == 413, "%s took a 3 MiB body (%s)", paths[i], harness_web());
		close(fd);
	}
}
END_TEST

START_TEST(cached_answer_carries_the_clients_own_request_id)
{
	const char *path = "/v1/config?platform=ios&version=2.0.0";
	char id[64];

	for (int i = 0; i < 4; i++) {
		const char *headers[] = {id, NULL};
		struct reply *r;

		snprintf(id, sizeof(id), "X-Request-Id: rid-%s-%d-%ld", harness_web(), i, (long)getpid());
		r = http_request("GET", path, headers, NULL, 0);
		ck_assert_int_eq(r->status, 200);
		ck_assert_str_eq(reply_header(r, "X-Request-Id"), id + strlen("X-Request-Id: "));
	}
	/* Without one of its own, a client never gets another's. */
	for (int i = 0; i < 2; i++) {
		struct reply *r = http_get(path);

		ck_assert_ptr_nonnull(reply_header(r, "X-Request-Id"));
		ck_assert_ptr_null(strstr(reply_header(r, "X-Request-Id"), "rid-"));
	}
}
END_TEST

START_TEST(public_media_are_read_only)
{
	const char *methods[] = {"POST", "PUT", "DELETE"};

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct reply *r = http_request(methods[i], "/media/public/none.png", NULL, "x", 1);

		ck_assert_msg(r->status == 403 || r->status == 405, "%s on public media answered %ld (%s)", methods[i],
			      r->status, harness_web());
		ck_assert_str_eq(reply_header(r, "Content-Type"), "application/problem+json");
	}
}
END_TEST

START_TEST(nginx_only_headers_never_reach_a_client)
{
	/* A non-canonical spelling of a list: the worker says X-Accel-Expires: 0. */
	struct reply *r = http_get("/v1/content?tag=core&kind=workout&sort=newest");

	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_null(reply_header(r, "X-Accel-Expires"));
}
END_TEST

/* The status of GET /metrics from `source` saying X-Forwarded-For: forwarded. */
static long metrics_status(const char *source, const char *forwarded)
{
	int fd = web_connect_from(source);
	char req[256];
	long status;

	snprintf(req, sizeof(req),
		 "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: %s\r\nConnection: close\r\n\r\n",
		 forwarded);
	send_all(fd, req);
	status = read_status(fd, 2);
	close(fd);
	return status;
}

START_TEST(forwarded_address_counts_only_from_trusted_proxies)
{
	/* The stack trusts 127.0.0.0/16 (stack.env), this suite's address among them; metrics_allow is 127.0.0.0/8. */
	ck_assert_int_eq(metrics_status(harness_source_addr(), "127.0.9.9"), 200);
	ck_assert_int_eq(metrics_status(harness_source_addr(), "203.0.113.7"), 403);
	/* A chain: trusted hops from the right are skipped, the first untrusted one is the client. */
	ck_assert_int_eq(metrics_status(harness_source_addr(), "203.0.113.7, 127.0.9.9"), 403);
	/* From an untrusted peer the header is ignored: its own (allowed) address counts. */
	ck_assert_int_eq(metrics_status("127.1.0.1", "203.0.113.7"), 200);
}
END_TEST

/* The hits a rate-limit key has counted ("0" when none). */
static const char *limit_hits(const char *key)
{
	return sql(arena_printf(harness_arena(), "SELECT COALESCE((SELECT hits FROM rate_limit WHERE key = '%s'), 0)",
				key));
}

/* Behind a load balancer every client has a budget of its own: the limits key on the forwarded address. */
START_TEST(rate_limits_count_the_forwarded_client_only_from_a_trusted_proxy)
{
	int pid = (int)getpid();
	const char *client =
		arena_printf(harness_arena(), "10.%d.%d.%d", (pid >> 16) & 255, (pid >> 8) & 255, pid & 255);
	const char *forged =
		arena_printf(harness_arena(), "11.%d.%d.%d", (pid >> 16) & 255, (pid >> 8) & 255, pid & 255);
	const char *body = "{\"email\":\"nobody-forwarded@example.org\"}", *untrusted;
	int before;
	const char *from_proxy[] = {"Content-Type: application/json",
				    arena_printf(harness_arena(), "X-Forwarded-For: %s", client), NULL};
	const char *from_anyone[] = {"Content-Type: application/json",
				     arena_printf(harness_arena(), "X-Forwarded-For: %s", forged), NULL};

	ck_assert_int_eq(http_request("POST", "/v1/auth/password-reset", from_proxy, body, strlen(body))->status, 202);
	ck_assert_str_eq(limit_hits(arena_printf(harness_arena(), "reset:ip:%s", client)), "1");
	ck_assert_str_eq(limit_hits(arena_printf(harness_arena(), "reset:ip:%s", harness_source_addr())), "0");
	/* A peer that is no trusted proxy cannot pick its budget by saying X-Forwarded-For. */
	untrusted = arena_printf(harness_arena(), "reset:ip:%s", harness_send_from(1));
	before = atoi(limit_hits(untrusted)); /* the address is this suite's through either web server */
	ck_assert_int_eq(http_request("POST", "/v1/auth/password-reset", from_anyone, body, strlen(body))->status, 202);
	harness_send_from(0);
	ck_assert_str_eq(limit_hits(arena_printf(harness_arena(), "reset:ip:%s", forged)), "0");
	ck_assert_int_eq(atoi(limit_hits(untrusted)), before + 1);
}
END_TEST

START_TEST(static_assets_have_a_cache_policy)
{
	struct reply *r = http_get("/static/motus.css");

	ck_assert_int_eq(r->status, 200);
	ck_assert_str_eq(reply_header(r, "Cache-Control"), "public, max-age=3600");
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("web_servers");
	TCase *tc = harness_case(s, "web_servers", HARNESS_SHARED);
	TCase *slow = harness_case(s, "slow_clients", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, NULL, harness_reset);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, huge_declared_body_is_413_before_a_worker_sees_it);
	tcase_add_test(tc, upload_cap_is_the_upload_route_only);
	tcase_add_test(tc, cached_answer_carries_the_clients_own_request_id);
	tcase_add_test(tc, public_media_are_read_only);
	tcase_add_test(tc, nginx_only_headers_never_reach_a_client);
	tcase_add_test(tc, static_assets_have_a_cache_policy);
	tcase_add_test(tc, forwarded_address_counts_only_from_trusted_proxies);
	tcase_add_test(tc, rate_limits_count_the_forwarded_client_only_from_a_trusted_proxy);
	/* Exclusive: it holds every worker's worth of connections, and times /healthz. */
	tcase_add_checked_fixture(slow, NULL, harness_reset);
	tcase_set_timeout(slow, 30);
	tcase_add_test(slow, slow_and_half_sent_bodies_do_not_pin_the_pool);
	return harness_main(argc, argv, s, HARNESS_BOTH_WEBS);
}
