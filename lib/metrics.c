/* metrics: one slot per worker in a shared mapping, summed on read. */
#include "metrics.h"
#include "buf.h"
#include "str.h"
#include "xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC 0x6d6f7475736d3034ULL /* "motusm04": a new layout gets a new file */
#define SLOTS 512
#define ROWS  (METRICS_MAX_ROUTES + 1)

/*
 * The status label: each code the server sends is its own series (401 and 429
 * apart), and any other code counts under its class ("4xx"), so the label
 * stays bounded whatever a handler answers.
 */
static const int status_codes[] = {200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406,
				   409, 410, 412, 413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504};
#define CODES    (sizeof(status_codes) / sizeof(*status_codes))
#define STATUSES (CODES + 5) /* then 1xx .. 5xx for the others */

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bucket_us[] = {250,   500,    1000,   2500,   5000,    10000,  25000,
				     50000, 100000, 250000, 500000, 1000000, 2500000};
#define BUCKETS (sizeof(bucket_us) / sizeof(*bucket_us))

/* name, labels, help; rows of one family stand together. */
static const char *const counter_text[METRICS_COUNTERS][3] = {
	[METRICS_CACHE_HIT] = {"motus_cache_requests_total", "result=\"hit\"", "Cache lookups by result."},
	[METRICS_CACHE_MISS] = {"motus_cache_requests_total", "result=\"miss\"", ""},
	[METRICS_CACHE_ERROR] = {"motus_cache_requests_total", "result=\"error\"", ""},
	[METRICS_CACHE_BYPASS] = {"motus_cache_requests_total", "result=\"bypass\"", ""},
	[METRICS_TOKEN_CACHE_HIT] = {"motus_token_cache_requests_total", "result=\"hit\"",
				     "Bearer tokens looked up among those the worker verified, by result."},
	[METRICS_TOKEN_CACHE_MISS] = {"motus_token_cache_requests_total", "result=\"miss\"", ""},
	[METRICS_DB_ERROR] = {"motus_db_errors_total", "", "Database statements that failed."},
	[METRICS_REPLICA_READ] = {"motus_catalogue_reads_total", "db=\"replica\"",
				  "Catalogue reads with a replica configured, by where they went."},
	[METRICS_REPLICA_BEHIND] = {"motus_catalogue_reads_total", "db=\"primary\",reason=\"replica_behind\"", ""},
	[METRICS_REPLICA_DOWN] = {"motus_catalogue_reads_total", "db=\"primary\",reason=\"replica_down\"", ""},
	[METRICS_REPLICA_UNKNOWN] = {"motus_catalogue_reads_total", "db=\"primary\",reason=\"position_unknown\"", ""},
	[METRICS_WORKER_START] = {"motus_worker_starts_total", "", "Worker processes started."},
};

struct slot {
	_Atomic int pid;
	_Atomic uint64_t counters[METRICS_COUNTERS];
	_Atomic uint64_t requests[ROWS][STATUSES];
	_Atomic uint64_t buckets[ROWS][BUCKETS + 1]; /* last: +Inf */
	_Atomic uint64_t sum_us[ROWS];
	_Atomic uint64_t held_bytes; /* request memory the worker holds between requests */
	_Atomic int busy;            /* between accepting a request and finishing it */
};

struct shared {
	_Atomic uint64_t magic;
	struct slot slots[SLOTS];
};

struct metrics {
	struct shared *shm;
	struct slot *mine;
	size_t nroutes;
	char **labels;
};

static bool alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static struct slot *claim(struct shared *shm)
{
	int me = (int)getpid();

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < SLOTS; i++) {
			struct slot *s = &shm->slots[i];
			int pid = atomic_load(&s->pid);

			/* First pass: only never-used slots or ones whose owner has died. */
			if (pid == me)
				return s;
			if ((pid == 0 || (pass == 1 && !alive(pid))) &&
			    atomic_compare_exchange_strong(&s->pid, &pid, me))
				return s;
		}
	}
	return NULL;
}

struct metrics *metrics_attach(const char *path, const char *const *labels, size_t nroutes, struct err *e)
{
	char file[512], tag[17];
	uint64_t h = MAGIC;
	struct stat st;
	int fd;

	if (nroutes > METRICS_MAX_ROUTES) {
		err_set(e, 0, "route table has more than %d rows", METRICS_MAX_ROUTES);
		return NULL;
	}
	/* The file's layout follows the routes and the counters: a build with other ones gets a file of its own. */
	for (size_t i = 0; i < nroutes; i++)
		h = h * 31 + str_hash64(labels[i], strlen(labels[i]));
	for (size_t c = 0; c < METRICS_COUNTERS; c++)
		h = h * 31 + str_hash64(counter_text[c][1], strlen(counter_text[c][1])) +
		    str_hash64(counter_text[c][0], strlen(counter_text[c][0]));
	str_hex(tag, &h, sizeof(h));
	snprintf(file, sizeof(file), "%s.%.8s", path, tag);
	fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) < 0) {
		err_set(e, 0, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if ((size_t)st.st_size < sizeof(struct shared) && ftruncate(fd, sizeof(struct shared)) < 0) {
		err_set(e, 0, "%s: %s", file, strerror(errno));
		close(fd);
		return NULL;
	}
	struct shared *shm = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (shm == MAP_FAILED) {
		err_set(e, 0, "mmap %s: %s", file, strerror(errno));
		return NULL;
	}
	atomic_store(&shm->magic, MAGIC);

	struct metrics *m = xcalloc(1, sizeof(*m));
	m->shm = shm;
	m->mine = claim(shm);
	if (!m->mine) {
		munmap(shm, sizeof(*shm));
		free(m);
		err_set(e, 0, "all %d metrics slots are held by live processes", SLOTS);
		return NULL;
	}
	m->nroutes = nroutes;
	m->labels = xcalloc(nroutes + 1, sizeof(char *));
	for (size_t i = 0; i < nroutes; i++)
		m->labels[i] = xstrdup(labels[i]);
	m->labels[nroutes] = xstrdup("route=\"unmatched\"");
	metrics_count(m, METRICS_WORKER_START);
	return m;
}

void metrics_detach(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i <= m->nroutes; i++)
		free(m->labels[i]);
	free(m->labels);
	munmap(m->shm, sizeof(*m->shm));
	free(m);
}

/* The owner is the only writer of its slot: a relaxed load and store suffice. */
static void bump(_Atomic uint64_t *v, uint64_t by)
{
	atomic_store_explicit(v, atomic_load_explicit(v, memory_order_relaxed) + by, memory_order_relaxed);
}

/* The index of status's series: its own code, else its class (a status that is none is a server error). */
static size_t status_index(int status)
{
	for (size_t i = 0; i < CODES; i++)
		if (status_codes[i] == status)
			return i;
	return CODES + (status >= 100 && status < 600 ? (size_t)(status / 100 - 1) : 4);
}

void metrics_request(struct metrics *m, size_t route, int status, uint64_t micros)
{
	size_t cls = status_index(status), b = 0;

	if (!m)
		return;
	if (route > m->nroutes)
		route = m->nroutes;
	while (b < BUCKETS && micros > bucket_us[b])
		b++;
	bump(&m->mine->requests[route][cls], 1);
	bump(&m->mine->buckets[route][b], 1);
	bump(&m->mine->sum_us[route], micros);
}

void metrics_count(struct metrics *m, enum metrics_counter c)
{
	if (m)
		bump(&m->mine->counters[c], 1);
}

void metrics_set_busy(struct metrics *m, bool busy)
{
	if (m)
		atomic_store_explicit(&m->mine->busy, busy, memory_order_relaxed);
}

void metrics_set_held(struct metrics *m, uint64_t bytes)
{
	if (m)
		atomic_store_explicit(&m->mine->held_bytes, bytes, memory_order_relaxed);
}

static uint64_t load(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

void metrics_render(struct metrics *m, struct buf *out)
{
	static const char *const class_names[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
	uint64_t counters[METRICS_COUNTERS] = {0}, req[ROWS][STATUSES] = {{0}}, hist[ROWS][BUCKETS + 1] = {{0}},
		 sum[ROWS] = {0}, held = 0;
	size_t rows = m->nroutes + 1;
	unsigned workers = 0, busy = 0;

	for (size_t i = 0; i < SLOTS; i++) {
		struct slot *s = &m->shm->slots[i];
		int pid = atomic_load(&s->pid);

		if (pid == 0)
			continue;
		if (alive(pid)) {
			workers++;
			busy += atomic_load_explicit(&s->busy, memory_order_relaxed) != 0;
			held += load(&s->held_bytes);
		}
		for (size_t c = 0; c < METRICS_COUNTERS; c++)
			counters[c] += load(&s->counters[c]);
		for (size_t r = 0; r < rows; r++) {
			for (size_t c = 0; c < STATUSES; c++)
				req[r][c] += load(&s->requests[r][c]);
			for (size_t b = 0; b <= BUCKETS; b++)
				hist[r][b] += load(&s->buckets[r][b]);
			sum[r] += load(&s->sum_us[r]);
		}
	}

	buf_puts(out, "# HELP motus_http_requests_total Requests answered by the worker pool.\n"
		      "# TYPE motus_http_requests_total counter\n");
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < STATUSES; c++) {
			if (!req[r][c])
				continue;
			if (c < CODES)
				buf_printf(out, "motus_http_requests_total{%s,code=\"%d\"} %llu\n", m->labels[r],
					   status_codes[c], (unsigned long long)req[r][c]);
			else
				buf_printf(out, "motus_http_requests_total{%s,code=\"%s\"} %llu\n", m->labels[r],
					   class_names[c - CODES], (unsigned long long)req[r][c]);
		}

	buf_puts(out, "# HELP motus_http_request_duration_seconds Time from accept to the last byte written.\n"
		      "# TYPE motus_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r < rows; r++) {
		uint64_t cum = 0;

		for (size_t b = 0; b <= BUCKETS; b++)
			cum += hist[r][b];
		if (!cum)
			continue;
		cum = 0;
		for (size_t b = 0; b < BUCKETS; b++) {
			cum += hist[r][b];
			buf_printf(out, "motus_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n", m->labels[r],
				   (double)bucket_us[b] / 1e6, (unsigned long long)cum);
		}
		cum += hist[r][BUCKETS];
		buf_printf(out, "motus_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", m->labels[r],
			   (unsigned long long)cum);
		buf_printf(out, "motus_http_request_duration_seconds_sum{%s} %.6f\n", m->labels[r],
			   (double)sum[r] / 1e6);
		buf_printf(out, "motus_http_request_duration_seconds_count{%s} %llu\n", m->labels[r],
			   (unsigned long long)cum);
	}

	const char *last = NULL;
	for (size_t c = 0; c < METRICS_COUNTERS; c++) {
		const char *name = counter_text[c][0], *labels = counter_text[c][1];

		if (!str_eq(name, last))
			buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", name, counter_text[c][2], name);
		last = name;
		if (*labels)
			buf_printf(out, "%s{%s} %llu\n", name, labels, (unsigned long long)counters[c]);
		else
			buf_printf(out, "%s %llu\n", name, (unsigned long long)counters[c]);
	}
	buf_printf(out,
		   "# HELP motus_workers Worker processes of the pool that are alive.\n"
		   "# TYPE motus_workers gauge\nmotus_workers %u\n",
		   workers);
	buf_printf(out,
		   "# HELP motus_workers_busy Workers between accepting a request and finishing it (the one answering "
		   "this scrape too).\n"
		   "# TYPE motus_workers_busy gauge\nmotus_workers_busy %u\n"
		   "# HELP motus_workers_idle Workers waiting for a request.\n"
		   "# TYPE motus_workers_idle gauge\nmotus_workers_idle %u\n",
		   busy, workers - busy);
	buf_printf(out,
		   "# HELP motus_worker_held_bytes Request memory the live workers keep between requests.\n"
		   "# TYPE motus_worker_held_bytes gauge\nmotus_worker_held_bytes %llu\n",
		   (unsigned long long)held);
}
