/* test_netaddr: allow-list matching of IPv4/IPv6 addresses and CIDR blocks. */
#include "netaddr.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *list, *addr;
	bool want;
} cases[] = {
	/* IPv4 exact */
	{"127.0.0.1", "127.0.0.1", true},
	{"127.0.0.1", "127.0.0.2", false},
	/* IPv4 CIDR */
	{"127.0.0.0/8", "127.255.1.2", true},
	{"127.0.0.0/8", "128.0.0.1", false},
	{"127.0.0.0/8", "126.255.255.255", false},
	{"10.1.2.3/32", "10.1.2.3", true},
	{"10.1.2.3/32", "10.1.2.4", false},
	{"10.1.0.0/16", "10.1.255.255", true},
	{"10.1.0.0/16", "10.2.0.0", false},
	{"192.168.1.0/25", "192.168.1.127", true}, /* a prefix that is not a whole byte */
	{"192.168.1.0/25", "192.168.1.128", false},
	{"0.0.0.0/0", "8.8.8.8", true},
	{"0.0.0.0/0", "255.255.255.255", true},
	{"0.0.0.0/0", "::1", false},      /* families do not mix */
	{"10.9.9.9/8", "10.0.0.1", true}, /* host bits in the entry are ignored */
	/* IPv6 */
	{"::1", "::1", true},
	{"::1", "::2", false},
	{"::1", "0:0:0:0:0:0:0:1", true},
	{"::1", "127.0.0.1", false},
	{"127.0.0.0/8", "::1", false},
	{"2001:db8:1:2::/64", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
	{"2001:db8:1:2::/64", "2001:db8:1:3::1", false},
	{"2001:DB8::/32", "2001:db8:abcd::1", true},
	{"::/0", "2001:db8::1", true},
	{"fe80::/10", "febf::1", true},
	{"fe80::/10", "fec0::1", false},
	/* IPv4-mapped IPv6 is matched as IPv4 */
	{"127.0.0.0/8", "::ffff:127.0.0.1", true},
	{"127.0.0.0/8,::1", "::ffff:10.0.0.1", false},
	{"10.0.0.1", "::ffff:10.0.0.1", true},
	{"::ffff:10.0.0.1", "10.0.0.1", true},
	/* Lists, spaces tolerated around entries */
	{"127.0.0.0/8,::1", "::1", true},
	{"127.0.0.0/8,::1", "127.0.0.1", true},
	{" 10.0.0.1 , 127.0.0.0/8 ", "127.0.0.1", true},
	{"10.0.0.1,  ::1", "::1", true},
	{"10.0.0.1 ,::1", "10.0.0.1", true},
	{"10.0.0.1,,127.0.0.1", "127.0.0.1", true},
	{"garbage,127.0.0.1", "127.0.0.1", true}, /* a bad entry does not spoil the rest */
	/* Garbage addresses never match */
	{"0.0.0.0/0,::/0", "", false},
	{"0.0.0.0/0,::/0", "localhost", false},
	{"0.0.0.0/0,::/0", "127.0.0.1 ", false},
	{"0.0.0.0/0,::/0", " 127.0.0.1", false},
	{"0.0.0.0/0,::/0", "127.0.0", false},
	{"0.0.0.0/0,::/0", "127.0.0.1/8", false},
	{"0.0.0.0/0,::/0", "999.1.1.1", false},
	{"0.0.0.0/0,::/0", "::g", false},
	{"0.0.0.0/0,::/0", "1.2.3.4:80", false},
	/* Garbage entries never match */
	{"garbage", "127.0.0.1", false},
	{"127.0.0.0/33", "127.0.0.1", false},
	{"::/129", "::1", false},
	{"127.0.0.0/-1", "127.0.0.1", false},
	{"127.0.0.0/+8", "127.0.0.1", false},
	{"127.0.0.0/", "127.0.0.1", false},
	{"127.0.0.0/x", "127.0.0.1", false},
	{"127.0.0.0/8x", "127.0.0.1", false},
	{"/8", "127.0.0.1", false},
	{"", "127.0.0.1", false},
	{",,,", "127.0.0.1", false},
	{"   ", "127.0.0.1", false},
	{"127.0.0.1.", "127.0.0.1", false},
	{"127.0.0.1 127.0.0.2", "127.0.0.1", false}, /* separator is a comma */
};

START_TEST(netaddr_table)
{
	ck_assert_msg(netaddr_allowed(cases[_i].list, cases[_i].addr) == cases[_i].want, "list [%s] addr [%s]: want %s",
		      cases[_i].list, cases[_i].addr, cases[_i].want ? "allowed" : "refused");
}
END_TEST

START_TEST(netaddr_null_list_or_addr_never_matches)
{
	ck_assert(!netaddr_allowed(NULL, "127.0.0.1"));
	ck_assert(!netaddr_allowed("127.0.0.0/8", NULL));
	ck_assert(!netaddr_allowed(NULL, NULL));
}
END_TEST

START_TEST(netaddr_very_long_entries_are_skipped_safely)
{
	char list[400];

	for (size_t i = 0; i < 300; i++)
		list[i] = '1';
	snprintf(list + 300, sizeof(list) - 300, ",127.0.0.1");
	ck_assert(netaddr_allowed(list, "127.0.0.1"));
	list[300] = '\0';
	ck_assert(!netaddr_allowed(list, "127.0.0.1"));
}
END_TEST

static Suite *netaddr_suite(void)
{
	Suite *s = suite_create("netaddr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, netaddr_table, 0, N(cases));
	tcase_add_test(tc, netaddr_null_list_or_addr_never_matches);
	tcase_add_test(tc, netaddr_very_long_entries_are_skipped_safely);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(netaddr_suite());
}
