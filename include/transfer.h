/*
 * transfer: the project's only door to libcurl. Outbound transfers with
 * connect and total timeouts: an SMTP submission (lib/mail builds the
 * message) and an HTTP POST (webhooks, third-party sync). Never a proxy
 * from the environment.
 */
#ifndef MOTUS_TRANSFER_H
#define MOTUS_TRANSFER_H

#include <stddef.h>

#include "err.h"

/* Once per process, before any transfer / at exit. */
void transfer_global_init(void);
void transfer_global_cleanup(void);

/*
 * Submits data[0..len) over SMTP from `from` to `to` (bare addresses) at
 * url (smtp:// or smtps://). On failure *reply holds the server's last reply
 * code (0 when none) and err.msg says what went wrong.
 */
int transfer_smtp(const char *url, const char *from, const char *to, const char *data, size_t len, long timeout_s,
		  long *reply, struct err *e) MOTUS_MUSTCHECK;

/*
 * POSTs body[0..len) to url (http:// or https://) with the given
 * NULL-terminated "Name: value" headers. Returns 0 once an answer arrived,
 * with its status in *status (the caller judges it), or -1 when none did.
 */
int transfer_post(const char *url, const char *const *headers, const char *body, size_t len, long timeout_s,
		  long *status, struct err *e) MOTUS_MUSTCHECK;

#endif
