/* test_clock: monotonic microseconds, RFC 3339 UTC timestamps, and the wall clock a test file moves. */
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
	tcase_add_test(tc, clock_unix_is_the_system_clock_without_a_test_file);
	tcase_add_test(tc, clock_unix_adds_the_seconds_of_the_test_file_at_every_call);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(clock_suite());
}
