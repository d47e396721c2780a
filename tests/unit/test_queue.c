/* test_queue: the backoff schedule (growth, jitter bounds, cap) and queue names. */
#include "queue.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	int attempts;
	long base_ms, max_ms;
	double r;
	long expect;
} schedule[] = {
	{1, 1000, 3600000, 0.5, 1000}, /* first retry: the base, jitter centred */
	{2, 1000, 3600000, 0.5, 2000}, /* then doubling */
	{3, 1000, 3600000, 0.5, 4000},
	{10, 1000, 3600000, 0.5, 512000},
	{1, 1000, 3600000, 0.0, 750},         /* jitter floor: -25% */
	{1, 1000, 3600000, 0.999999, 1249},   /* jitter ceiling: just under +25% */
	{13, 1000, 3600000, 0.5, 3600000},    /* capped */
	{13, 1000, 3600000, 0.999, 3600000},  /* the cap holds after jitter too */
	{1000, 15000, 3600000, 0.5, 3600000}, /* huge attempt counts do not overflow */
	{0, 100, 1000, 0.5, 100},             /* nonsense input is treated as the first retry */
	{1, 100, 1000, 7.0, 100},             /* an out-of-range random is centred */
	{1, 1, 1000, 0.0, 1},                 /* never below 1 ms */
};

START_TEST(queue_backoff_follows_the_schedule)
{
	ck_assert_int_eq(
		queue_backoff_ms(schedule[_i].attempts, schedule[_i].base_ms, schedule[_i].max_ms, schedule[_i].r),
		schedule[_i].expect);
}
END_TEST

START_TEST(queue_backoff_jitter_stays_within_a_quarter)
{
	for (int attempts = 1; attempts <= 12; attempts++) {
		long centre = queue_backoff_ms(attempts, 500, 1000000, 0.5);

		for (int k = 0; k < 100; k++) {
			long d = queue_backoff_ms(attempts, 500, 1000000, k / 100.0);

			ck_assert_int_ge(d, centre * 3 / 4);
			ck_assert_int_le(d, centre * 5 / 4);
			ck_assert_int_le(d, 1000000);
		}
	}
}
END_TEST

static const struct {
	const char *name;
	bool ok;
} names[] = {
	{"email", true},
	{"email_attachments", true},
	{"q2", true},
	{"", false},
	{"Email", false},
	{"2fa", false},
	{"email-attachments", false},
	{"email;drop", false},
	{"abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh", true}, /* 48 */
	{"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghi", false},
};

START_TEST(queue_names_are_short_lowercase_identifiers)
{
	ck_assert_int_eq(queue_name_ok(names[_i].name), names[_i].ok);
}
END_TEST

START_TEST(queue_channel_carries_the_queue_name)
{
	char ch[64];

	queue_channel(ch, "email_attachments");
	ck_assert_str_eq(ch, "motus_queue_email_attachments");
}
END_TEST

static Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, queue_backoff_follows_the_schedule, 0, N(schedule));
	tcase_add_test(tc, queue_backoff_jitter_stays_within_a_quarter);
	tcase_add_loop_test(tc, queue_names_are_short_lowercase_identifiers, 0, N(names));
	tcase_add_test(tc, queue_channel_carries_the_queue_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
