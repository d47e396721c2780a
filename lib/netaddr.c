/* netaddr: CIDR matching with inet_pton. */
#include "netaddr.h"
#include "str.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ip {
	int family;
	unsigned char bytes[16];
};

static bool parse(const char *s, struct ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->bytes) == 1) {
		ip->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip->bytes) == 1) {
		ip->family = AF_INET6;
		/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is matched as IPv4. */
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(ip->bytes, mapped, 12) == 0) {
			memmove(ip->bytes, ip->bytes + 12, 4);
			memset(ip->bytes + 4, 0, 12);
			ip->family = AF_INET;
		}
		return true;
	}
	return false;
}

static bool entry_matches(const char *entry, const struct ip *a)
{
	char host[64];
	const char *slash = strchr(entry, '/');
	size_t n = slash ? (size_t)(slash - entry) : strlen(entry);
	struct ip net;
	long bits;

	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, entry, n);
	host[n] = '\0';
	if (!parse(host, &net) || net.family != a->family)
		return false;
	if (slash) {
		if (str_to_long(slash + 1, 0, net.family == AF_INET ? 32 : 128, &bits) < 0)
			return false;
	} else {
		bits = net.family == AF_INET ? 32 : 128;
	}
	for (long i = 0; i < bits; i++) {
		unsigned char mask = (unsigned char)(0x80 >> (i % 8));

		if ((net.bytes[i / 8] & mask) != (a->bytes[i / 8] & mask))
			return false;
	}
	return true;
}

bool netaddr_allowed(const char *list, const char *addr)
{
	struct ip a;
	char entry[96];

	if (!list || !addr || !parse(addr, &a))
		return false;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		size_t start = 0;

		while (start < n && p[start] == ' ')
			start++;
		if (n - start < sizeof(entry)) {
			size_t len = n - start;

			memcpy(entry, p + start, len);
			while (len && entry[len - 1] == ' ')
				len--;
			entry[len] = '\0';
			if (entry_matches(entry, &a))
				return true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
