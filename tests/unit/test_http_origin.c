/* test_http_origin: the origin of a URI as browsers spell it, and membership of an origin list. */
#include "http_origin.h"
#include "unit.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *uri, *want; /* want NULL: no origin */
} origins[] = {
	{"http://localhost:3000/oauth/callback", "http://localhost:3000"},
	{"https://app.motus.example/oauth/callback", "https://app.motus.example"},
	{"https://app.motus.example", "https://app.motus.example"},        /* an Origin header itself */
	{"HTTPS://App.Motus.Example:443/cb", "https://app.motus.example"}, /* case and the default port */
	{"http://example.com:80/", "http://example.com"},
	{"http://example.com:443/", "http://example.com:443"}, /* 443 is http's only by accident */
	{"https://example.com:80", "https://example.com:80"},
	{"http://127.0.0.1/oauth/callback", "http://127.0.0.1"},
	{"http://[::1]:8080/cb", "http://[::1]:8080"},
	{"http://[::1]/cb", "http://[::1]"},
	{"https://a.example?x=1", "https://a.example"},
	{"https://a.example#frag", "https://a.example"},
	{"https://a.example:65535/", "https://a.example:65535"},
	/* Not web origins */
	{"app.motus.ios:/oauth/callback", NULL},
	{"ftp://example.com/", NULL},
	{"null", NULL},
	{"", NULL},
	{"http://", NULL},
	{"http:///path", NULL},
	{"http://user@example.com/", NULL},
	{"http://user:pw@example.com/", NULL},
	{"http://example.com:/", NULL},
	{"http://example.com:0/", NULL},
	{"http://example.com:65536/", NULL},
	{"http://example.com:123456/", NULL},
	{"http://example.com:8o/", NULL},
	{"http://exa mple.com/", NULL},
	{"http://exa\r\nmple.com/", NULL},
	{"http://.example.com/", NULL},
	{"http://[::1/", NULL},
	{"http://[zz]/", NULL},
	{"javascript://example.com/%0aalert(1)", NULL},
};

START_TEST(origin_table)
{
	const char *got = http_origin_of(arena, origins[_i].uri);

	if (origins[_i].want)
		ck_assert_msg(got && strcmp(got, origins[_i].want) == 0, "%s: want %s, got %s", origins[_i].uri,
			      origins[_i].want, got ? got : "(none)");
	else
		ck_assert_msg(!got, "%s: want none, got %s", origins[_i].uri, got);
}
END_TEST

START_TEST(origin_of_null_and_an_overlong_host_is_none)
{
	char uri[400];

	ck_assert_ptr_null(http_origin_of(arena, NULL));
	memcpy(uri, "http://", 7);
	memset(uri + 7, 'a', 300);
	uri[307] = '\0';
	ck_assert_ptr_null(http_origin_of(arena, uri));
}
END_TEST

static const struct {
	const char *list, *origin;
	bool want;
} lists[] = {
	{"https://a.example", "https://a.example", true},
	{"https://a.example", "https://b.example", false},
	{"https://a.example", "http://a.example", false},       /* the scheme is part of the origin */
	{"https://a.example", "https://a.example:8443", false}, /* and so is the port */
	{"https://a.example:443/", "https://a.example", true},  /* entries are normalised */
	{"HTTPS://A.EXAMPLE", "https://a.example", true},
	{" https://b.example , https://a.example ", "https://a.example", true},
	{"https://b.example,,https://a.example", "https://a.example", true},
	{"garbage,https://a.example", "https://a.example", true}, /* a bad entry does not spoil the rest */
	{"*", "https://a.example", false},                        /* "*" is the caller's to interpret */
	{"", "https://a.example", false},
	{"https://a.example.evil", "https://a.example", false},
	{"https://a.example", "https://a.example.evil", false},
};

START_TEST(origin_list_table)
{
	ck_assert_msg(http_origin_listed(arena, lists[_i].list, lists[_i].origin) == lists[_i].want, "[%s] %s: want %d",
		      lists[_i].list, lists[_i].origin, lists[_i].want);
}
END_TEST

START_TEST(origin_list_null_never_matches)
{
	ck_assert(!http_origin_listed(arena, NULL, "https://a.example"));
	ck_assert(!http_origin_listed(arena, "https://a.example", NULL));
}
END_TEST

static Suite *origin_suite(void)
{
	Suite *s = suite_create("http_origin");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, unit_setup, unit_teardown);
	tcase_add_loop_test(tc, origin_table, 0, N(origins));
	tcase_add_test(tc, origin_of_null_and_an_overlong_host_is_none);
	tcase_add_loop_test(tc, origin_list_table, 0, N(lists));
	tcase_add_test(tc, origin_list_null_never_matches);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(origin_suite());
}
