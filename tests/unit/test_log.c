/* test_log: JSON lines, one per call, level filtering, escaping of messages and fields. */
#include "arena.h"
#include "json.h"
#include "log.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static int fds[2];

static void log_setup(void)
{
	unit_setup();
	ck_assert_int_eq(pipe(fds), 0);
	log_set_fd(fds[1]);
	log_set_level(LOG_INFO);
}

static void log_teardown(void)
{
	close(fds[0]);
	close(fds[1]);
	unit_teardown();
}

/* Everything logged so far (the pipe is closed for writing first). */
static char *drain(void)
{
	char *out = arena_alloc(arena, 65536);
	size_t n = 0;
	ssize_t got;

	close(fds[1]);
	fds[1] = -1;
	while ((got = read(fds[0], out + n, 65535 - n)) > 0)
		n += (size_t)got;
	out[n] = '\0';
	return out;
}

/* Splits text into lines and parses each as a JSON object. */
static size_t parse_lines(char *text, struct json **out, size_t max)
{
	size_t n = 0;

	for (char *line = text, *nl; *line; line = nl + 1) {
		struct err e = {0};

		nl = strchr(line, '\n');
		ck_assert_msg(nl != NULL, "unterminated log line: %s", line);
		ck_assert_uint_lt(n, max);
		out[n] = json_parse(arena, line, (size_t)(nl - line), 8, &e);
		ck_assert_msg(out[n] != NULL, "log line is not JSON (%s): %.*s", e.msg, (int)(nl - line), line);
		n++;
	}
	return n;
}

static const struct {
	const char *name;
	int level;
} levels[] = {{"debug", LOG_DEBUG}, {"info", LOG_INFO}, {"warn", LOG_WARN}, {"error", LOG_ERROR},
	      {"DEBUG", -1},        {"", -1},           {"warning", -1},    {NULL, -1}};

START_TEST(log_level_parse_table)
{
	ck_assert_int_eq(log_level_parse(levels[_i].name), levels[_i].level);
}
END_TEST

START_TEST(log_msg_writes_one_json_line_with_escaped_message)
{
	struct json *lines[4];
	size_t n;

	log_msg(LOG_WARN, "quote \" backslash \\ newline \n tab \t ctl \x01 %d", 42);
	n = parse_lines(drain(), lines, N(lines));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(json_string(json_get(lines[0], "level")), "warn");
	ck_assert_str_eq(json_string(json_get(lines[0], "msg")), "quote \" backslash \\ newline \n tab \t ctl \x01 42");
	ck_assert_int_eq(json_kind_of(json_get(lines[0], "pid")), JSON_INT);
	ck_assert_ptr_nonnull(json_string(json_get(lines[0], "ts")));
	ck_assert_int_eq(json_string(json_get(lines[0], "ts"))[strlen(json_string(json_get(lines[0], "ts"))) - 1], 'Z');
}
END_TEST

START_TEST(log_level_filters_lower_levels)
{
	struct json *lines[8];
	size_t n;

	log_set_level(LOG_WARN);
	log_debug("d");
	log_info("i");
	log_warn("w");
	log_error("e");
	n = parse_lines(drain(), lines, N(lines));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(json_string(json_get(lines[0], "msg")), "w");
	ck_assert_str_eq(json_string(json_get(lines[1], "msg")), "e");
}
END_TEST

START_TEST(log_request_writes_the_access_line)
{
	struct log_request r = {"rid-1", "GET", "/v1/config", "/v1/config", NULL, 200, 123, 4567};
	struct log_request bad = {NULL, "PUT", NULL, "/a\"b", "u1", 503, 0, 1};
	struct json *lines[4];
	size_t n;

	log_request(&r);
	log_request(&bad);
	n = parse_lines(drain(), lines, N(lines));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(json_string(json_get(lines[0], "event")), "request");
	ck_assert_str_eq(json_string(json_get(lines[0], "id")), "rid-1");
	ck_assert_str_eq(json_string(json_get(lines[0], "route")), "/v1/config");
	ck_assert_str_eq(json_serialize(json_get(lines[0], "status"), NULL), "200");
	ck_assert_str_eq(json_serialize(json_get(lines[0], "bytes"), NULL), "123");
	ck_assert_str_eq(json_serialize(json_get(lines[0], "us"), NULL), "4567");
	ck_assert_int_eq(json_kind_of(json_get(lines[0], "user")), JSON_NULL);
	ck_assert_str_eq(json_string(json_get(lines[0], "level")), "info");
	ck_assert_str_eq(json_string(json_get(lines[1], "level")), "error"); /* 5xx */
	ck_assert_str_eq(json_string(json_get(lines[1], "path")), "/a\"b");
	ck_assert_int_eq(json_kind_of(json_get(lines[1], "id")), JSON_NULL);
	ck_assert_str_eq(json_string(json_get(lines[1], "user")), "u1");
}
END_TEST

START_TEST(log_request_is_silent_above_info)
{
	struct log_request r = {"rid", "GET", "/", "/", NULL, 500, 0, 0};

	log_set_level(LOG_WARN);
	log_request(&r);
	ck_assert_str_eq(drain(), "");
}
END_TEST

START_TEST(log_long_message_is_truncated_but_still_one_json_line)
{
	char *big = arena_alloc(arena, 5000);
	struct json *lines[2];

	memset(big, 'x', 4999);
	big[4999] = '\0';
	log_info("%s", big);
	ck_assert_uint_eq(parse_lines(drain(), lines, N(lines)), 1);
	ck_assert_uint_eq(strlen(json_string(json_get(lines[0], "msg"))), 1023);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, log_setup, log_teardown);
	tcase_add_loop_test(tc, log_level_parse_table, 0, N(levels));
	tcase_add_test(tc, log_msg_writes_one_json_line_with_escaped_message);
	tcase_add_test(tc, log_level_filters_lower_levels);
	tcase_add_test(tc, log_request_writes_the_access_line);
	tcase_add_test(tc, log_request_is_silent_above_info);
	tcase_add_test(tc, log_long_message_is_truncated_but_still_one_json_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(log_suite());
}
