/* harness: stack, HTTP and fault controls for the integration suites. */
#include "harness.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "harness_clock.h"
#include "json.h"
#include "worker.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct arena *arena;
static char src_dir[1024], var_dir[1024];
static pid_t stack_owner;                /* the process that started a stack of its own, if any */
static const char *suite_name = "suite"; /* the program's name, test_... */

#define MAX_CASES 8

static struct {
	const char *name;
	enum harness_sharing sharing;
} cases[MAX_CASES];
static int n_cases;
static int running_case = -1; /* the case --case named; -1: every case, in one process */

static struct arena *mem(void)
{
	if (!arena)
		arena = arena_new(1 << 16);
	return arena;
}

struct arena *harness_arena(void)
{
	return mem();
}

void harness_reset(void)
{
	if (arena)
		arena_reset(arena);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stop_own_stack(void)
{
	char cmd[4200];

	if (getpid() != stack_owner)
		return;
	snprintf(cmd, sizeof(cmd), "MOTUS_VAR_DIR=%s %s/etc/dev/stack.sh stop >/dev/null; rm -rf %s", var_dir, src_dir,
		 var_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: could not stop the stack in %s\n", var_dir);
}

/* What run.sh does: a free port for the suites' webhook receiver, and the stack pointed at it. */
static void set_hook_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char port[16], url[64];

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("hook port");
		exit(1);
	}
	close(fd);
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	snprintf(url, sizeof(url), "http://127.0.0.1:%s/hooks/consent", port);
	setenv("MOTUS_TEST_HOOK_PORT", port, 1);
	setenv("MOTUS_CONSENT_SYNC_URL", url, 1);
}

/* Without run.sh: start a throwaway stack in a temp dir for this process. */
static void start_own_stack(void)
{
	char cmd[6000], tmpl[] = "/tmp/motus-it.XXXXXX";

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(var_dir, sizeof(var_dir), "%s", tmpl);
	set_hook_port();
	snprintf(cmd, sizeof(cmd),
		 "chmod 755 %s && set -a && MOTUS_VAR_DIR=%s && . %s/tests/integration/stack.env && set +a && "
		 "%s/etc/dev/stack.sh start >/dev/null",
		 var_dir, var_dir, src_dir, src_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "harness: the stack did not start (logs in %s/log)\n", var_dir);
		exit(1);
	}
	stack_owner = getpid();
	atexit(stop_own_stack);
	setenv("MOTUS_VAR_DIR", var_dir, 1);
}

static void setup_once(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	snprintf(src_dir, sizeof(src_dir), "%s", getenv("MOTUS_SRC_DIR") ? getenv("MOTUS_SRC_DIR") : ".");
	if (getenv("MOTUS_VAR_DIR"))
		snprintf(var_dir, sizeof(var_dir), "%s", getenv("MOTUS_VAR_DIR"));
	else
		start_own_stack();
	harness_clock_use_stack(var_dir);
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

const char *harness_var(void)
{
	setup_once();
	return var_dir;
}

const char *harness_env(const char *name)
{
	static char line[4096];
	size_t n = strlen(name);
	char path[1100];
	FILE *f;

	snprintf(path, sizeof(path), "%s/stack.env", harness_var());
	f = fopen(path, "r");
	if (!f) { /* also called outside tests, where ck_assert cannot report */
		fprintf(stderr, "harness: no %s\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) == 0 && line[n] == '=') {
			fclose(f);
			line[strcspn(line, "\n")] = '\0';
			return arena_strdup(mem(), line + n + 1);
		}
	}
	fclose(f);
	fprintf(stderr, "harness: %s not in stack.env\n", name);
	exit(1);
}

const char *harness_web(void)
{
	const char *w = getenv("MOTUS_TEST_WEB");

	return w ? w : "nginx";
}

const char *harness_source_addr(void)
{
	static char addr[INET_ADDRSTRLEN];
	const char *given = getenv("MOTUS_TEST_SOURCE_ADDR");
	struct in_addr in;

	if (addr[0])
		return addr;
	if (given && *given) {
		if (inet_pton(AF_INET, given, &in) != 1 || strncmp(given, "127.", 4) != 0) {
			fprintf(stderr, "harness: MOTUS_TEST_SOURCE_ADDR=%s is not a 127.x.y.z address\n", given);
			exit(2);
		}
		snprintf(addr, sizeof(addr), "%s", given);
	} else {
		unsigned h = 5381;

		for (const char *p = suite_name; *p; p++)
			h = h * 33 + (unsigned char)*p;
		snprintf(addr, sizeof(addr), "127.1.%u.%u", 1 + h % 254, strcmp(harness_web(), "apache") == 0 ? 2 : 1);
	}
	return addr;
}

/* The address harness_send_from chose; "" for the process's own. */
static char sending_from[INET_ADDRSTRLEN];

const char *harness_send_from(int n)
{
	unsigned a1, a2, a3;

	if (n <= 0) {
		sending_from[0] = '\0';
		return harness_source_addr();
	}
	ck_assert_int_le(n, 254);
	ck_assert_int_eq(sscanf(harness_source_addr(), "127.%u.%u.%u", &a1, &a2, &a3), 3);
	snprintf(sending_from, sizeof(sending_from), "127.%u.%u.%d", 64 + a1, a2, n);
	return sending_from;
}

const char *harness_url(void)
{
	return harness_env(strcmp(harness_web(), "apache") == 0 ? "MOTUS_APACHE_URL" : "MOTUS_NGINX_URL");
}

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(ctx, p, size * n);
	return size * n;
}

struct pending {
	CURL *h;
	struct curl_slist *hdrs;
	struct buf body, head;
};

static void prepare(struct pending *p, const char *method, const char *path, const char *const *headers,
		    const char *body, size_t len)
{
	char *url = arena_printf(mem(), "%s%s", harness_url(), path);

	p->h = curl_easy_init();
	p->hdrs = NULL;
	buf_init(&p->body, mem());
	buf_init(&p->head, mem());
	curl_easy_setopt(p->h, CURLOPT_URL, url);
	curl_easy_setopt(p->h, CURLOPT_INTERFACE,
			 arena_printf(mem(), "host!%s", sending_from[0] ? sending_from : harness_source_addr()));
	curl_easy_setopt(p->h, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(p->h, CURLOPT_NOBODY, 1L);
	for (const char *const *hd = headers; hd && *hd; hd++)
		p->hdrs = curl_slist_append(p->hdrs, *hd);
	p->hdrs = curl_slist_append(p->hdrs, "Expect:");
	curl_easy_setopt(p->h, CURLOPT_HTTPHEADER, p->hdrs);
	if (body) {
		curl_easy_setopt(p->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(p->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(p->h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(p->h, CURLOPT_WRITEDATA, &p->body);
	curl_easy_setopt(p->h, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(p->h, CURLOPT_HEADERDATA, &p->head);
	curl_easy_setopt(p->h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(p->h, CURLOPT_NOPROXY, "*");
}

static struct reply *finish(struct pending *p)
{
	struct reply *r = arena_zalloc(mem(), sizeof(*r));
	struct err e = {0};

	curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = (char *)buf_cstr(&p->body);
	r->len = p->body.len;
	r->headers = (char *)buf_cstr(&p->head);
	if (r->len && (r->body[0] == '{' || r->body[0] == '['))
		r->json = json_parse(mem(), r->body, r->len, 64, &e);
	curl_slist_free_all(p->hdrs);
	curl_easy_cleanup(p->h);
	return r;
}

struct reply *http_request(const char *method, const char *path, const char *const *headers, const char *body,
			   size_t len)
{
	struct pending p;
	CURLcode rc;

	prepare(&p, method, path, headers, body, len);
	rc = curl_easy_perform(p.h);
	ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
	return finish(&p);
}

struct reply *http_request_decoded(const char *method, const char *path, const char *const *headers,
				   const char *encodings)
{
	struct pending p;
	CURLcode rc;

	prepare(&p, method, path, headers, NULL, 0);
	curl_easy_setopt(p.h, CURLOPT_ACCEPT_ENCODING, encodings);
	rc = curl_easy_perform(p.h);
	ck_assert_msg(rc == CURLE_OK, "%s %s (%s): %s", method, path, encodings, curl_easy_strerror(rc));
	return finish(&p);
}

struct reply *http_get(const char *path)
{
	return http_request("GET", path, NULL, NULL, 0);
}

const char *reply_header(const struct reply *r, const char *name)
{
	size_t n = strlen(name);

	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");

		if (!end)
			break;
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;

			while (*v == ' ')
				v++;
			return arena_strndup(mem(), v, (size_t)(end - v));
		}
		line = end + 2;
	}
	return NULL;
}

const char *reply_str(const struct reply *r, const char *key)
{
	return json_string(json_get(r->json, key));
}

const char *reply_error_field(const struct reply *r, size_t i, const char *member)
{
	struct json *errors = json_get(r->json, "errors");

	if (i >= json_array_len(errors))
		return NULL;
	return json_string(json_get(json_array_at(errors, i), member));
}

int http_burst(const char *path, const char *const *headers, int n, int parallel, void (*during)(int done))
{
	CURLM *m = curl_multi_init();
	struct pending *p = arena_zalloc(mem(), (size_t)n * sizeof(*p));
	int started = 0, done = 0, failed = 0, running = 0;

	while (done < n) {
		while (started < n && started - done < parallel) {
			prepare(&p[started], "GET", path, headers, NULL, 0);
			curl_easy_setopt(p[started].h, CURLOPT_PRIVATE, &p[started]);
			curl_multi_add_handle(m, p[started].h);
			started++;
		}
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 100, NULL);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			struct pending *q;
			long status = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&q);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			if (msg->data.result != CURLE_OK || status != 200) {
				failed++;
				fprintf(stderr, "burst: %s -> %ld %s %s\n", path, status,
					curl_easy_strerror(msg->data.result), buf_cstr(&q->body));
			}
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_slist_free_all(q->hdrs);
			curl_easy_cleanup(msg->easy_handle);
			done++;
			if (during)
				during(done);
		}
	}
	curl_multi_cleanup(m);
	return failed;
}

double metric_sum(const char *prefix)
{
	struct reply *r = http_get("/metrics");
	size_t n = strlen(prefix);
	double sum = 0;

	ck_assert_int_eq(r->status, 200);
	for (const char *line = r->body; *line;) {
		const char *end = strchr(line, '\n');

		/* The prefix, then no more of a metric's name: "motus_workers" is not "motus_workers_busy". */
		if (strncmp(line, prefix, n) == 0 && !isalnum((unsigned char)line[n]) && line[n] != '_') {
			const char *sp = memchr(line, ' ', end ? (size_t)(end - line) : strlen(line));
			/* a label set after the prefix, or the value directly */
			if (sp)
				sum += strtod(sp + 1, NULL);
		}
		if (!end)
			break;
		line = end + 1;
	}
	return sum;
}

static char *run_capture(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	struct buf out;
	char chunk[4096];
	size_t got;

	ck_assert_msg(f != NULL, "popen %s", cmd);
	buf_init(&out, mem());
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&out, chunk, got);
	ck_assert_msg(pclose(f) == 0, "command failed: %s\n%s", cmd, buf_cstr(&out));
	return arena_strdup(mem(), buf_cstr(&out)); /* writable even when empty */
}

void stack_ctl(const char *command)
{
	run_capture(
		arena_printf(mem(), "MOTUS_VAR_DIR=%s %s/etc/dev/stack.sh %s 2>&1", harness_var(), src_dir, command));
}

int pool_pids(pid_t *pids, int max)
{
	char *out = run_capture(
		arena_printf(mem(), "MOTUS_VAR_DIR=%s %s/etc/dev/stack.sh pool-pids || true", harness_var(), src_dir));
	int n = 0;

	for (char *tok = strtok(out, "\n"); tok && n < max; tok = strtok(NULL, "\n"))
		pids[n++] = (pid_t)atoi(tok);
	return n;
}

bool pool_wait_size(int want, double seconds)
{
	double deadline = now_s() + seconds;
	pid_t pids[64];

	while (now_s() < deadline) {
		if (pool_pids(pids, 64) == want)
			return true;
		usleep(50000);
	}
	return false;
}

const char *memcached_say(const char *command, const char *until)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char *resp = arena_alloc(mem(), 8192);
	size_t got = 0, len = strlen(command);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_port = htons((uint16_t)atoi(harness_env("memcached_port")));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(fd, command, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	resp[0] = '\0';
	while (got < 8191) {
		ssize_t n = read(fd, resp + got, 8191 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		resp[got] = '\0';
		if (strstr(resp, until))
			break;
	}
	close(fd);
	return resp;
}

long memcached_stat(const char *name)
{
	const char *resp = memcached_say("stats\r\n", "END\r\n"), *p;
	char key[80];

	if (!resp)
		return -1;
	snprintf(key, sizeof(key), "STAT %s ", name);
	p = strstr(resp, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

struct db *harness_db(int statement_timeout_ms)
{
	return db_new(arena_printf(mem(), "host=%s/pgrun dbname=motus user=motus", harness_var()), 5,
		      statement_timeout_ms, true);
}

void harness_worker(struct worker *w, unsigned parts)
{
	static struct worker *ready[8];
	struct err e = {0};
	size_t i = 0;

	while (i < sizeof(ready) / sizeof(*ready) && ready[i] && ready[i] != w)
		i++;
	if (i < sizeof(ready) / sizeof(*ready) && ready[i] == w)
		return;
	ck_assert_msg(i < sizeof(ready) / sizeof(*ready), "harness_worker: too many workers in one suite");
	harness_url(); /* the stack is up */
	ck_assert_msg(worker_init(w, arena_printf(mem(), "%s/etc/motus.conf", harness_var()), parts, &e) == 0, "%s",
		      e.msg);
	ready[i] = w;
}

const char *sql(const char *statement)
{
	/* Straight to Postgres through lib/db: no shell between the test and its SQL. */
	struct db *db = harness_db(30000);
	struct err e = {0};
	struct db_result *r = db_query(db, mem(), statement, 0, NULL, &e);
	const char *out = r && db_rows(r) ? arena_strdup(mem(), db_value(r, 0, 0)) : "";

	db_free(db);
	ck_assert_msg(r != NULL, "SQL failed: %s\n%s", e.msg, statement);
	return out;
}

const char *harness_cli_actor(void)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (getuid() == 0 && sudo && *sudo)
		return arena_printf(mem(), "cli:%s", sudo);
	pw = getpwuid(getuid());
	ck_assert_ptr_nonnull(pw);
	return arena_printf(mem(), "cli:%s", pw->pw_name);
}

int motusctl(const char *args)
{
	char *cmd = arena_printf(mem(), "MOTUS_CONFIG=%s/etc/motus.conf %s/bin/motusctl %s >/dev/null 2>&1",
				 harness_var(), harness_var(), args);
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const char *motusctl_out(const char *args)
{
	char *out = run_capture(arena_printf(mem(), "MOTUS_CONFIG=%s/etc/motus.conf %s/bin/motusctl %s 2>&1",
					     harness_var(), harness_var(), args));
	size_t n = strlen(out);

	while (n && out[n - 1] == '\n') /* like $(...) in a shell */
		out[--n] = '\0';
	return out;
}

bool harness_pid_running(pid_t pid)
{
	char path[64], line[256];
	bool alive = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "State:", 6) == 0) {
			const char *st = line + 6 + strspn(line + 6, " \t");

			alive = *st != 'Z' && *st != 'X'; /* zombie, dead */
			break;
		}
	}
	fclose(f);
	return alive;
}

int harness_hook_listen(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	const char *port = getenv("MOTUS_TEST_HOOK_PORT");
	int one = 1, lock, fd;

	ck_assert_msg(port && *port, "MOTUS_TEST_HOOK_PORT is not set");
	/* Held by this process until it exits (each test is a process): one receiver at a time per stack. */
	lock = open(arena_printf(mem(), "%s/hook-port.lock", harness_var()), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(lock, 0);
	ck_assert_int_eq(flock(lock, LOCK_EX), 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	sa.sin_port = htons((uint16_t)atoi(port));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind 127.0.0.1:%s: %s", port,
		      strerror(errno));
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

int queue_worker_pids(pid_t *pids, int max, const char *group)
{
	char *out = run_capture(arena_printf(mem(), "MOTUS_VAR_DIR=%s %s/etc/dev/stack.sh worker-pids %s",
					     harness_var(), src_dir, group ? group : ""));
	int n = 0;

	for (char *tok = strtok(out, "\n"); tok && n < max; tok = strtok(NULL, "\n"))
		pids[n++] = (pid_t)atoi(tok);
	return n;
}

/* Calls fn(text) for every stored message; stops when it returns true. */
static void each_mail(bool (*fn)(const char *text, void *ctx), void *ctx)
{
	char dir[1100];
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/mail", harness_var());
	d = opendir(dir);
	ck_assert_msg(d != NULL, "no mail directory %s", dir);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char path[1400];
		FILE *f;
		struct buf b;
		char chunk[8192];
		size_t got;

		if (n < 5 || strcmp(de->d_name + n - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf_init(&b, mem());
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_append(&b, chunk, got);
		fclose(f);
		if (fn(buf_cstr(&b), ctx))
			break;
	}
	closedir(d);
}

struct mail_search {
	const char *needle, *found;
	int count;
	bool first_only;
};

static bool match(const char *text, void *ctx)
{
	struct mail_search *m = ctx;

	if (!strstr(text, m->needle))
		return false;
	m->count++;
	m->found = text;
	return m->first_only;
}

int mail_count(const char *needle)
{
	struct mail_search m = {needle, NULL, 0, false};

	each_mail(match, &m);
	return m.count;
}

const char *mail_find(const char *needle)
{
	struct mail_search m = {needle, NULL, 0, true};

	each_mail(match, &m);
	return m.found;
}

bool mail_wait(const char *needle, int n, double seconds)
{
	double deadline = now_s() + seconds;

	while (mail_count(needle) < n) {
		if (now_s() > deadline)
			return false;
		usleep(50000);
	}
	return true;
}

bool sql_wait(const char *statement, const char *want, double seconds)
{
	double deadline = now_s() + seconds;

	while (strcmp(sql(statement), want) != 0) {
		if (now_s() > deadline)
			return false;
		usleep(50000);
	}
	return true;
}

struct jar_cookie {
	const char *name, *value;
	struct jar_cookie *next;
};

struct jar {
	struct jar_cookie *first;
};

struct jar *jar_new(void)
{
	return arena_zalloc(mem(), sizeof(struct jar));
}

const char *jar_get(const struct jar *j, const char *name)
{
	for (struct jar_cookie *c = j->first; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c->value;
	return NULL;
}

void jar_set(struct jar *j, const char *name, const char *value)
{
	struct jar_cookie **p = &j->first;

	while (*p && strcmp((*p)->name, name) != 0)
		p = &(*p)->next;
	if (!value) {
		if (*p)
			*p = (*p)->next;
		return;
	}
	if (!*p) {
		*p = arena_zalloc(mem(), sizeof(**p));
		(*p)->name = arena_strdup(mem(), name);
	}
	(*p)->value = arena_strdup(mem(), value);
}

/* Calls fn for every Set-Cookie header line's value. */
static void each_set_cookie(const struct reply *r, void (*fn)(const char *v, size_t n, void *ctx), void *ctx)
{
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");

		if (!end)
			break;
		if (strncasecmp(line, "Set-Cookie:", 11) == 0) {
			const char *v = line + 11;

			while (*v == ' ')
				v++;
			fn(v, (size_t)(end - v), ctx);
		}
		line = end + 2;
	}
}

static void keep_cookie(const char *v, size_t n, void *ctx)
{
	char *c = arena_strndup(mem(), v, n), *eq = strchr(c, '='), *semi = strchr(c, ';');
	bool gone = strstr(c, "; Max-Age=0;") || (n > 11 && strcmp(c + n - 11, "; Max-Age=0") == 0);

	if (!eq || (semi && semi < eq))
		return;
	*eq = '\0';
	if (semi)
		*semi = '\0';
	jar_set(ctx, c, gone ? NULL : eq + 1);
}

static void find_cookie(const char *v, size_t n, void *ctx)
{
	const char **want = ctx; /* [name, found] */
	size_t len = strlen(want[0]);

	if (!want[1] && n > len && strncmp(v, want[0], len) == 0 && v[len] == '=')
		want[1] = arena_strndup(mem(), v, n);
}

const char *reply_set_cookie(const struct reply *r, const char *name)
{
	const char *want[2] = {name, NULL};

	each_set_cookie(r, find_cookie, want);
	return want[1];
}

struct reply *jar_request(struct jar *j, const char *method, const char *path, const char *form)
{
	struct buf cookie;
	const char *headers[3] = {NULL, NULL, NULL};
	size_t h = 0;
	struct reply *r;

	buf_init(&cookie, mem());
	for (struct jar_cookie *c = j->first; c; c = c->next)
		buf_printf(&cookie, "%s%s=%s", cookie.len ? "; " : "Cookie: ", c->name, c->value);
	if (cookie.len)
		headers[h++] = buf_cstr(&cookie);
	if (form)
		headers[h++] = "Content-Type: application/x-www-form-urlencoded";
	r = http_request(method, path, headers, form, form ? strlen(form) : 0);
	each_set_cookie(r, keep_cookie, j);
	return r;
}

const char *html_input_value(const struct reply *r, const char *name)
{
	const char *p = strstr(r->body, arena_printf(mem(), "name=\"%s\" value=\"", name)), *end;
	struct buf out;

	if (!p)
		return NULL;
	p = strstr(p, "value=\"") + 7;
	end = strchr(p, '"');
	if (!end)
		return NULL;
	buf_init(&out, mem());
	for (; p < end; p++) {
		if (strncmp(p, "&amp;", 5) == 0) {
			buf_putc(&out, '&');
			p += 4;
		} else {
			buf_putc(&out, *p);
		}
	}
	return buf_cstr(&out);
}

const char *form_escape(const char *s)
{
	CURL *h = curl_easy_init();
	char *e = curl_easy_escape(h, s, 0);
	const char *out = arena_strdup(mem(), e);

	curl_free(e);
	curl_easy_cleanup(h);
	return out;
}

void staff_add(const char *email, const char *role, const char *password)
{
	char *file = arena_printf(mem(), "%s/staff-password.%d", harness_var(), (int)getpid());
	FILE *f = fopen(file, "w");

	ck_assert_msg(f != NULL, "cannot write %s", file);
	fprintf(f, "%s\n", password);
	fclose(f);
	run_capture(arena_printf(mem(), "MOTUS_CONFIG=%s/etc/motus.conf %s/bin/motusctl staff add %s %s < %s 2>&1",
				 harness_var(), harness_var(), email, role, file));
	unlink(file);
}

struct jar *staff_session(const char *email, const char *role, const char *password)
{
	struct jar *j = jar_new();
	struct reply *page, *r;

	staff_add(email, role, password);
	page = jar_request(j, "GET", "/admin/login", NULL);
	r = jar_request(j, "POST", "/admin/login",
			arena_printf(mem(), "csrf_token=%s&email=%s&password=%s", html_input_value(page, "csrf_token"),
				     form_escape(email), form_escape(password)));
	ck_assert_msg(r->status == 303, "log-in of %s: %ld", email, r->status);
	return j;
}

TCase *harness_case(Suite *s, const char *name, enum harness_sharing sharing)
{
	TCase *tc = tcase_create(name);

	if (n_cases == MAX_CASES) {
		fprintf(stderr, "harness: more than %d test cases\n", MAX_CASES);
		exit(2);
	}
	cases[n_cases].name = name;
	cases[n_cases++].sharing = sharing;
	suite_add_tcase(s, tc);
	return tc;
}

bool harness_case_is_exclusive(void)
{
	return running_case < 0 || cases[running_case].sharing == HARNESS_EXCLUSIVE;
}

static int print_needs(enum harness_webs webs)
{
	static const char *const web_words[] = {"none", "one", "both"};

	printf("webs %s\n", web_words[webs]);
	for (int i = 0; i < n_cases; i++)
		printf("case %s %s\n", cases[i].name, cases[i].sharing == HARNESS_SHARED ? "shared" : "exclusive");
	return 0;
}

static int find_case(const char *name)
{
	for (int i = 0; i < n_cases; i++)
		if (strcmp(cases[i].name, name) == 0)
			return i;
	return -1;
}

/* What the command line asks for: 0 run (running_case set), 1 print the needs, 2 a usage error. */
static int parse_args(int argc, char **argv)
{
	if (n_cases == 0) {
		fprintf(stderr, "%s: no test case made with harness_case()\n", suite_name);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "--needs") == 0)
		return 1;
	if (argc == 3 && strcmp(argv[1], "--case") == 0) {
		running_case = find_case(argv[2]);
		if (running_case >= 0)
			return 0;
		fprintf(stderr, "%s: no test case %s\n", suite_name, argv[2]);
		return 2;
	}
	if (argc == 1)
		return 0;
	fprintf(stderr, "usage: %s [--needs | --case NAME]\n", suite_name);
	return 2;
}

int harness_main(int argc, char **argv, Suite *s, enum harness_webs webs)
{
	const char *slash = strrchr(argv[0], '/');
	SRunner *sr = srunner_create(s); /* owns the suite: freeing it frees every test case */
	int todo, failed;

	suite_name = slash ? slash + 1 : argv[0];
	todo = parse_args(argc, argv);
	if (todo != 0) {
		srunner_free(sr);
		return todo == 1 ? print_needs(webs) : 2;
	}
	setup_once();
	printf("integration suite %s%s%s through %s (%s, from %s)\n", suite_name, running_case < 0 ? "" : ", case ",
	       running_case < 0 ? "" : cases[running_case].name, harness_web(), harness_url(), harness_source_addr());
	srunner_run(sr, NULL, running_case < 0 ? NULL : cases[running_case].name, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	harness_reset();
	arena_free(arena);
	arena = NULL;
	curl_global_cleanup();
	return failed ? 1 : 0;
}
