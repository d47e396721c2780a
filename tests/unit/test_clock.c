/* test_clock: monotonic microseconds and RFC 3339 UTC timestamps. */
#include "clock.h"
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, clock_now_us_is_monotonic_and_in_microseconds);
	tcase_add_test(tc, clock_rfc3339_has_the_utc_millisecond_shape);
	tcase_add_test(tc, clock_rfc3339_truncates_to_the_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(clock_suite());
}
