/*
 * fcgi: the project's only door to libfcgi. Runs the accept loop of one
 * single-threaded worker on the listening socket spawn-fcgi hands over as
 * fd 0, one request at a time. Uses only the reentrant FCGX_Accept_r (never
 * FCGI_Accept, which copies request headers into the process environment).
 *
 * SIGTERM, SIGINT, SIGHUP and SIGUSR1 ask for a graceful stop: they are
 * blocked while a request is served, so the request in flight always
 * finishes, and the loop returns before the next accept.
 */
#ifndef MOTUS_FCGI_H
#define MOTUS_FCGI_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct fcgi_exchange; /* one accepted request */

/* The request's CGI parameters, NULL-terminated "NAME=value". */
char **fcgi_env(struct fcgi_exchange *x);
/* Body bytes: >0 read, 0 at the end, -1 on error (matches http_read_fn). */
ssize_t fcgi_read(void *x, char *buf, size_t n);
/* Output bytes: n, or -1 when the web server has gone (matches http_write_fn). */
ssize_t fcgi_write(void *x, const char *p, size_t n);

typedef void (*fcgi_handler)(void *app, struct fcgi_exchange *x);
typedef void (*fcgi_finished)(void *app);

/*
 * Serves requests until a stop signal arrives or, when max_requests > 0,
 * after max_requests requests (the pool then starts a fresh worker). After
 * each request's response is finished (FCGX_Finish_r), finished(app) runs
 * before the next accept (NULL: nothing). Returns the number of requests
 * served, or -1 if the loop could not start (fd 0 is not a listening socket).
 */
long fcgi_serve(fcgi_handler handler, fcgi_finished finished, void *app, long max_requests, struct err *e);

#endif
