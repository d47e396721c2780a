/* netaddr: matching a client address against an allow-list of addresses and CIDR blocks. */
#ifndef MOTUS_NETADDR_H
#define MOTUS_NETADDR_H

#include <stdbool.h>

/*
 * True when addr (IPv4 or IPv6 text) is in list, a comma-separated list of
 * addresses and CIDR blocks ("127.0.0.0/8,::1,10.1.0.0/16"). An unparsable
 * addr or entry never matches.
 */
bool netaddr_allowed(const char *list, const char *addr);

#endif
