/* fcgi: FCGX_Accept_r loop with graceful stop and recycling. */
#include "fcgi.h"
#include "log.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

struct fcgi_exchange {
	FCGX_Request req;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};

static void install_signals(sigset_t *set)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: accept() must return EINTR */
	sigemptyset(&sa.sa_mask);
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigaddset(set, stop_signals[i]);
	}
	sa.sa_handler = SIG_IGN; /* a client that hangs up shows as a write error, not a death */
	sigaction(SIGPIPE, &sa, NULL);
}

char **fcgi_env(struct fcgi_exchange *x)
{
	return x->req.envp;
}

ssize_t fcgi_read(void *ctx, char *buf, size_t n)
{
	struct fcgi_exchange *x = ctx;
	int got = FCGX_GetStr(buf, (int)(n > 65536 ? 65536 : n), x->req.in);

	if (got > 0)
		return got;
	return FCGX_GetError(x->req.in) ? -1 : 0;
}

ssize_t fcgi_write(void *ctx, const char *p, size_t n)
{
	struct fcgi_exchange *x = ctx;
	size_t done = 0;

	while (done < n) {
		int chunk = (int)(n - done > 1 << 20 ? 1 << 20 : n - done);

		if (FCGX_PutStr(p + done, chunk, x->req.out) != chunk)
			return -1;
		done += (size_t)chunk;
	}
	return (ssize_t)n;
}

long fcgi_serve(fcgi_handler handler, fcgi_finished finished, void *app, long max_requests, struct err *e)
{
	struct fcgi_exchange x;
	sigset_t stops;
	int type;
	socklen_t len = sizeof(type);
	long served = 0;

	/* Ours before libfcgi's: it only installs handlers where none are set. */
	install_signals(&stops);
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return err_set(e, 0, "fd 0 is not the FastCGI listening socket (start the pool with spawn-fcgi)");
	if (FCGX_Init() != 0)
		return err_set(e, 0, "FCGX_Init failed");
	if (FCGX_InitRequest(&x.req, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return err_set(e, 0, "FCGX_InitRequest failed");

	while (!stop_requested && (max_requests <= 0 || served < max_requests)) {
		if (FCGX_Accept_r(&x.req) < 0) {
			if (errno == EINTR || stop_requested)
				continue;
			log_error("FCGX_Accept_r failed: %s", strerror(errno));
			break;
		}
		/* Hold stop signals until the response is finished: a stop never aborts a request. */
		sigprocmask(SIG_BLOCK, &stops, NULL);
		handler(app, &x);
		FCGX_Finish_r(&x.req);
		if (finished)
			finished(app);
		served++;
		sigprocmask(SIG_UNBLOCK, &stops, NULL); /* a pending stop is delivered here */
	}
	FCGX_Free(&x.req, 1);
	return served;
}
