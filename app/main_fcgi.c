/* motus-fcgi: one FastCGI worker of the pool (spawn-fcgi binds, multiwatch forks and restarts). */
#include "fcgi.h"
#include "log.h"
#include "media.h"
#include "serve.h"
#include "version.h"
#include "worker.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: motus-fcgi [-c motus.conf] | --version\n"
	"Serves FastCGI requests on the listening socket passed as fd 0 (see etc/pool/motus-pool).\n"
	"The config file may also be given as MOTUS_CONFIG; MOTUS_<SETTING> overrides it.\n";

/* Spread recycling so the workers of a pool do not all restart at once. */
static long jittered(long max_requests)
{
	if (max_requests <= 0)
		return 0;
	srand((unsigned)getpid());
	return max_requests - max_requests / 10 + rand() % (max_requests / 5 + 1);
}

int main(int argc, char **argv)
{
	const char *config = getenv("MOTUS_CONFIG");
	struct worker w;
	struct err e = {0};
	long served;
	int opt;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		version_print(stdout, "motus-fcgi");
		return 0;
	}
	while ((opt = getopt(argc, argv, "c:h")) != -1) {
		if (opt == 'c') {
			config = optarg;
		} else {
			fputs(usage, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	/* httpoxy: nothing we run may take a proxy from the environment. */
	unsetenv("HTTP_PROXY");
	unsetenv("http_proxy");
	/* A worker that cannot sign media URLs must not serve: refusing to start says so at once. */
	if (worker_init(&w, config, WORKER_METRICS | WORKER_TEMPLATES, &e) < 0 ||
	    media_settings_check(&w.conf, &e) < 0) {
		log_error("cannot start: %s", e.msg);
		worker_release(&w);
		return 1;
	}
	long max = jittered(conf_int(&w.conf, CONF_MAX_REQUESTS));
	log_info("worker ready (recycles after %ld requests)", max);
	/*
	 * Blocks of a megabyte or more (a large upload's body) are mapped on
	 * their own and unmapped when the request's arena is released: an idle
	 * worker gives them back to the system at once. (Set explicitly, glibc
	 * also stops raising the threshold after each large free.)
	 */
	if (mallopt(M_MMAP_THRESHOLD, 1 << 20) != 1)
		log_warn("mallopt(M_MMAP_THRESHOLD) refused: large uploads may stay in the heap");
	serve_finished(&w); /* nothing of the start-up stays in the request arena */
	served = fcgi_serve(serve_request, serve_finished, &w, max, &e);
	if (served < 0)
		log_error("%s", e.msg);
	else
		log_info("worker exiting after %ld requests", served);
	worker_release(&w);
	return served < 0 ? 1 : 0;
}
