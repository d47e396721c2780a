/*
 * motus-worker: runs queued jobs. Any number may run on any number of hosts:
 * each claims one job at a time (SKIP LOCKED, under a lease), wakes on the
 * queues' NOTIFY and polls as a fallback. SIGTERM or SIGINT lets the job in
 * flight finish, then the worker exits.
 */
#include "arena.h"
#include "clock.h"
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "mail.h"
#include "queue.h"
#include "str.h"
#include "transfer.h"
#include "version.h"
#include "worker.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_QUEUES 16

static const char usage[] = "usage: motus-worker [-c motus.conf] [-q|--queues QUEUE[,QUEUE...]] | --version\n"
			    "Claims and runs jobs of the given queues (default: the worker_queues setting).\n"
			    "The config file may also be given as MOTUS_CONFIG; MOTUS_<SETTING> overrides it.\n"
			    "SIGTERM or SIGINT: finish the job in flight, then exit.\n";

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: a wait returns at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Splits a comma-separated list into queues[] (in the arena-free static copy); -1 on a bad name. */
static int parse_queues(char *list, const char **queues)
{
	int n = 0;

	for (char *save = NULL, *q = strtok_r(list, ", ", &save); q; q = strtok_r(NULL, ", ", &save)) {
		if (!queue_name_ok(q) || n == MAX_QUEUES)
			return -1;
		queues[n++] = q;
	}
	queues[n] = NULL;
	return n > 0 ? 0 : -1;
}

/* Sleeps up to ms, returning early on a stop signal. */
static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void run_job(struct worker *w, const struct queue_job *job, const char *me)
{
	const struct jobs_kind *k = jobs_find(job->kind);
	struct queue_backoff policy = {conf_int(&w->conf, CONF_QUEUE_BACKOFF_BASE_MS),
				       conf_int(&w->conf, CONF_QUEUE_BACKOFF_MAX_S) * 1000};
	struct log_job line = {.id = job->id, .queue = job->queue, .kind = job->kind, .attempt = job->attempts};
	struct err e = {0}, dbe = {0};
	uint64_t t0 = clock_now_us();
	int rc;

	if (k) {
		rc = k->run(w, w->arena, job, &e);
	} else {
		rc = err_set(&e, JOBS_ERR_PERMANENT, "unknown job kind '%s'", job->kind);
	}
	if (rc == 0) {
		line.outcome = "done";
		if (queue_complete(w->db, w->arena, job, me, &dbe) < 0)
			log_error("job %ld ran but could not be marked done (it will run again): %s", job->id, dbe.msg);
	} else {
		bool dead = false;

		line.error = e.msg;
		if (queue_fail(w->db, w->arena, job, me, e.msg, e.code == JOBS_ERR_PERMANENT, &policy, &dead, &dbe) < 0)
			log_error("job %ld failed and could not be rescheduled (its lease will expire): %s", job->id,
				  dbe.msg);
		line.outcome = dead ? "dead" : "retry";
	}
	line.micros = clock_now_us() - t0;
	log_job(&line);
}

static void serve(struct worker *w, const char *const *queues, const char *me)
{
	int lease = (int)conf_int(&w->conf, CONF_QUEUE_LEASE_S);
	long poll_ms = conf_int(&w->conf, CONF_QUEUE_POLL_MS);
	struct err e = {0};
	char channel[64];

	for (size_t i = 0; queues[i]; i++) {
		queue_channel(channel, queues[i]);
		if (db_listen(w->db, channel, &e) < 0)
			log_warn("LISTEN %s not yet possible (retried on reconnect): %s", channel, e.msg);
	}
	while (!stop_requested) {
		struct queue_job job;
		int rc;

		arena_reset(w->arena);
		rc = queue_claim(w->db, w->arena, queues, me, lease, &job, &e);
		if (rc > 0) {
			run_job(w, &job, me);
			continue;
		}
		if (rc < 0) {
			log_warn("cannot claim jobs: %s", e.msg);
			pause_ms(poll_ms < 1000 ? poll_ms : 1000);
			continue;
		}
		/* Nothing due: sleep until NOTIFY, the next delayed job, or the poll interval. */
		long wait = queue_next_due_ms(w->db, w->arena, queues, poll_ms, &e);
		if (!stop_requested && db_wait_notify(w->db, (int)wait, &e) < 0)
			pause_ms(poll_ms < 1000 ? poll_ms : 1000);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"queues", required_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = getenv("MOTUS_CONFIG"), *queues[MAX_QUEUES + 1];
	char *queue_arg = NULL, host[128] = "localhost", me[200], list[1024];
	struct worker w;
	struct err e = {0};
	int opt;

	while ((opt = getopt_long(argc, argv, "c:q:h", longopts, NULL)) != -1) {
		if (opt == 'c') {
			config = optarg;
		} else if (opt == 'q') {
			queue_arg = optarg;
		} else if (opt == 'V') {
			version_print(stdout, "motus-worker");
			return 0;
		} else {
			fputs(usage, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	unsetenv("HTTP_PROXY");
	unsetenv("http_proxy");
	if (worker_init(&w, config, false, &e) < 0) {
		log_error("cannot start: %s", e.msg);
		worker_release(&w);
		return 1;
	}
	snprintf(list, sizeof(list), "%s", queue_arg ? queue_arg : conf_str(&w.conf, CONF_WORKER_QUEUES));
	if (parse_queues(list, queues) < 0) {
		log_error("cannot start: bad queue list '%s' (names: [a-z][a-z0-9_]*, comma-separated)",
			  queue_arg ? queue_arg : conf_str(&w.conf, CONF_WORKER_QUEUES));
		worker_release(&w);
		return 2;
	}
	if (conf_int(&w.conf, CONF_QUEUE_LEASE_S) <= conf_int(&w.conf, CONF_SMTP_TIMEOUT_S))
		log_warn("queue_lease_s (%ld) should exceed smtp_timeout_s (%ld): a slow delivery could run twice",
			 conf_int(&w.conf, CONF_QUEUE_LEASE_S), conf_int(&w.conf, CONF_SMTP_TIMEOUT_S));
	gethostname(host, sizeof(host) - 1);
	snprintf(me, sizeof(me), "%s:%d", host, (int)getpid());
	install_signals();
	transfer_global_init();
	log_info("motus-worker %s ready for queues %s", me,
		 queue_arg ? queue_arg : conf_str(&w.conf, CONF_WORKER_QUEUES));
	serve(&w, queues, me);
	log_info("motus-worker %s stopped", me);
	transfer_global_cleanup();
	worker_release(&w);
	return 0;
}
