/* test_clock: monotonic microseconds, RFC 3339 UTC timestamps, the wall clock a test file moves, and the one
 * parser of UTC times and dates. */
#include "clock.h"
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

START_TEST(clock_now_us_is_monotonic_and_in_microseconds)
{
	struct timespec nap = {0, 20 * 1000 * 1000};
	uint64_t t0 = clock_now_us(), t1;

	nanosleep(&nap, NULL);
	t1 = clock_now_us();
	ck_assert_uint_ge(t1 - t0, 19000);
	ck_assert_uint_lt(t1 - t0, 5000000);
	for (int i = 0; i < 1000; i++) {
		uint64_t t = clock_now_us();

		ck_assert_uint_ge(t, t1);
		t1 = t;
	}
}
END_TEST

START_TEST(clock_rfc3339_has_the_utc_millisecond_shape)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	char out[32];
	time_t now = time(NULL);
	struct tm tm;
	char year[16];

	clock_rfc3339(out, sizeof(out));
	ck_assert_uint_eq(strlen(out), strlen(shape));
	for (size_t i = 0; shape[i]; i++)
		ck_assert_msg(shape[i] == 'd' ? isdigit((unsigned char)out[i]) : out[i] == shape[i], "%s at %zu", out,
			      i);
	gmtime_r(&now, &tm);
	snprintf(year, sizeof(year), "%04d", tm.tm_year + 1900);
	ck_assert(strncmp(out, year, 4) == 0);
}
END_TEST

START_TEST(clock_rfc3339_truncates_to_the_buffer)
{
	char out[8];

	memset(out, 'X', sizeof(out));
	clock_rfc3339(out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 7);
}
END_TEST

static const struct {
	const char *in;
	int64_t want; /* -1: refused */
} utc_cases[] = {
	{"2026-05-01T07:00", 1777618800},
	{"2026-05-01T07:00:30", 1777618830},
	{"2026-05-01 07:00:00Z", 1777618800},
	{"2026-05-01T07:00Z", 1777618800},
	{"1970-01-01T00:00:00Z", 0},
	{"2028-02-29T12:00", 1835438400}, /* a leap day */
	{"2026-02-29T12:00", -1},         /* not one */
	{"2026-02-30 07:00:00Z", -1},
	{"2026-13-01T07:00", -1},
	{"2026-05-01T25:00", -1},
	{"2026-05-01T07:60", -1},
	{"2026-05-01T07:00:61", -1},
	{"2026-05-01", -1},
	{"2026-05-01T7:00", -1},
	{"2026-5-01T07:00", -1},
	{"2026-05-01T07:00:00+02:00", -1}, /* UTC only */
	{"2026-05-01T07:00:00ZZ", -1},
	{"2026-05-01X07:00", -1},
	{"next tuesday", -1},
	{"", -1},
	{"1969-12-31T23:59:59Z", -1},
	{"+026-05-01T07:00", -1},
};

START_TEST(clock_parse_utc_table)
{
	int64_t t = 42;
	int rc = clock_parse_utc(utc_cases[_i].in, &t);

	if (utc_cases[_i].want < 0) {
		ck_assert_msg(rc == -1, "%s was taken as %lld", utc_cases[_i].in, (long long)t);
	} else {
		ck_assert_msg(rc == 0, "%s refused", utc_cases[_i].in);
		ck_assert_int_eq(t, utc_cases[_i].want);
	}
}
END_TEST

static const struct {
	const char *in;
	int64_t want;
} date_cases[] = {
	{"2026-12-31", 1798675200}, {"1970-01-01", 0}, {"2026-02-30", -1}, {"2026-12-31T00:00", -1},
	{"26-12-31", -1},           {"2026-1-31", -1}, {"", -1},           {"10000-01-01", -1},
};

START_TEST(clock_parse_date_table)
{
	int64_t t = 42;
	int rc = clock_parse_date(date_cases[_i].in, &t);

	if (date_cases[_i].want < 0) {
		ck_assert_msg(rc == -1, "%s was taken", date_cases[_i].in);
	} else {
		ck_assert_msg(rc == 0, "%s refused", date_cases[_i].in);
		ck_assert_int_eq(t, date_cases[_i].want);
	}
	ck_assert_int_eq(clock_parse_date(NULL, &t), -1);
	ck_assert_int_eq(clock_parse_utc(NULL, &t), -1);
}
END_TEST

START_TEST(clock_unix_is_the_system_clock_without_a_test_file)
{
	clock_use_test_file("");
	ck_assert_int_le(llabs((long long)(clock_unix() - (int64_t)time(NULL))), 1);
	ck_assert_int_le(llabs((long long)(clock_unix_ms() / 1000 - clock_unix())), 1);
	clock_use_test_file(NULL);
	ck_assert_int_le(llabs((long long)(clock_unix() - (int64_t)time(NULL))), 1);
}
END_TEST

/* Writes text to a fresh temporary file; its path. */
static const char *file_with(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(clock_unix_adds_the_seconds_of_the_test_file_at_every_call)
{
	char path[] = "/tmp/motus-test-clock.XXXXXX";

	clock_use_test_file(file_with(path, "3600\n"));
	ck_assert_int_le(llabs((long long)(clock_unix() - (int64_t)time(NULL) - 3600)), 1);
	ck_assert_int_le(llabs((long long)(clock_unix_ms() - ((int64_t)time(NULL) + 3600) * 1000)), 1000);
	/* Moved again: the next call sees it, without being told. */
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("7200", f);
	fclose(f);
	ck_assert_int_le(llabs((long long)(clock_unix() - (int64_t)time(NULL) - 7200)), 1);
	/* A file that is gone or says nothing is no offset. */
	unlink(path);
	ck_assert_int_le(llabs((long long)(clock_unix() - (int64_t)time(NULL))), 1);
	clock_use_test_file("");
}
END_TEST

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, clock_now_us_is_monotonic_and_in_microseconds);
	tcase_add_test(tc, clock_rfc3339_has_the_utc_millisecond_shape);
	tcase_add_test(tc, clock_rfc3339_truncates_to_the_buffer);
	tcase_add_loop_test(tc, clock_parse_utc_table, 0, sizeof(utc_cases) / sizeof(*utc_cases));
	tcase_add_loop_test(tc, clock_parse_date_table, 0, sizeof(date_cases) / sizeof(*date_cases));
	tcase_add_test(tc, clock_unix_is_the_system_clock_without_a_test_file);
	tcase_add_test(tc, clock_unix_adds_the_seconds_of_the_test_file_at_every_call);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(clock_suite());
}
