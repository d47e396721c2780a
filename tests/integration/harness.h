/*
 * harness: what every integration suite needs. The stack under test (started
 * by tests/integration/run.sh, or by the harness itself when a suite runs on
 * its own), HTTP through the real web server with JSON helpers, and fault
 * controls: stop and start memcached, restart Postgres, kill workers, kill
 * queue workers, make the SMTP sink refuse or hold mail.
 *
 * A suite says what it needs (harness_main, harness_case) and
 * tests/integration/run.sh asks it (`SUITE --needs`): which web servers it
 * goes through, and for each of its test cases whether it may run beside
 * other suites against the one stack (shared) or must have the stack to
 * itself (exclusive). Each suite process sends its requests from a loopback
 * address of its own, so per-address rate limits count each suite apart.
 */
#ifndef MOTUS_TEST_HARNESS_H
#define MOTUS_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct db;
struct json;

struct reply {
	long status;
	char *body;
	size_t len;
	char *headers;     /* raw header block, "Name: value\r\n" lines */
	struct json *json; /* parsed when the body is a JSON object or array */
};

enum harness_webs {
	HARNESS_NO_WEB,    /* never goes through a web server: runs once */
	HARNESS_ONE_WEB,   /* goes through one, and which makes no difference: runs once, through the first */
	HARNESS_BOTH_WEBS, /* runs through nginx and through Apache */
};

enum harness_sharing {
	/*
	 * Runs beside other suites' shared cases: touches only rows, files, keys
	 * and mail of its own (unique names), and asserts nothing others change.
	 */
	HARNESS_SHARED,
	/*
	 * Runs with nothing else running: it restarts, stops, kills or refuses
	 * (Postgres, memcached, pool or queue workers, the SMTP sink), rotates
	 * signing keys, re-seeds or changes the demo data, moves the clock, or
	 * asserts on what every suite moves (row counts of whole tables, metric
	 * totals, the newest entries of a shared list).
	 */
	HARNESS_EXCLUSIVE,
};

/* A new test case of the suite, named for --case, added to it; the suite adds its fixtures and tests. */
TCase *harness_case(Suite *s, const char *name, enum harness_sharing sharing);
/* Whether the test case running is exclusive (true as well when one process runs every case, by hand). */
bool harness_case_is_exclusive(void);

/*
 * A suite's main. `SUITE --needs` prints what it needs (for the runner:
 * "webs none|one|both", then "case NAME shared|exclusive" per test case),
 * `SUITE --case NAME` runs one test case, `SUITE` all of them. Prints Check's
 * summary; returns the process exit status.
 */
int harness_main(int argc, char **argv, Suite *s, enum harness_webs webs);

/* Prepares the stack (once per process) and returns the base URL under test. */
const char *harness_url(void);
/* "nginx" or "apache". */
const char *harness_web(void);
/*
 * The loopback address this process's requests come from (the web server's
 * REMOTE_ADDR): MOTUS_TEST_SOURCE_ADDR, which the runner sets per suite
 * process, or else one made from the suite's name and the web server.
 */
const char *harness_source_addr(void);
/*
 * Sends this process's next requests from another loopback address, the nth
 * (1 to 254) of a block no other suite process uses (127.64+a.b.n for a
 * source address of 127.a.b.c); n = 0 goes back to harness_source_addr. The
 * address in use, for a test that counts per client address (a static buffer
 * the next call rewrites: copy it to keep it).
 */
const char *harness_send_from(int n);
/* The stack's directory and a value of its stack.env. */
const char *harness_var(void);
const char *harness_env(const char *name);

/*
 * One request through the web server under test. headers: NULL-terminated
 * "Name: value" strings, or NULL. body may be NULL. Memory lives until the
 * next harness_reset() (each test's teardown).
 */
struct reply *http_request(const char *method, const char *path, const char *const *headers, const char *body,
			   size_t len);
struct reply *http_get(const char *path);
/*
 * http_request with Accept-Encoding: encodings ("gzip", "br", "br, gzip"),
 * the answer decoded by libcurl: body holds the identity bytes, headers what
 * the server sent (Content-Encoding names what came over the wire).
 */
struct reply *http_request_decoded(const char *method, const char *path, const char *const *headers,
				   const char *encodings);
/* The header's value (case-insensitive name) or NULL. */
const char *reply_header(const struct reply *r, const char *name);
/* Top-level string / boolean members of the JSON body. */
const char *reply_str(const struct reply *r, const char *key);
/* The "code" of the first field error, and its "field". */
const char *reply_error_field(const struct reply *r, size_t i, const char *member);

/*
 * Sends n GETs of path, `parallel` at a time; calls during(i) after the i-th
 * completion (may be NULL). Returns how many did not answer 200.
 */
int http_burst(const char *path, const char *const *headers, int n, int parallel, void (*during)(int done));

/* Sum of every sample of /metrics whose line starts with prefix (e.g. `motus_workers`). */
double metric_sum(const char *prefix);

/* Fault controls: run etc/dev/stack.sh COMMAND against the stack; aborts the test on failure. */
void stack_ctl(const char *command);
/* Worker pids of the pool (children of multiwatch); returns how many. */
int pool_pids(pid_t *pids, int max);
/* Polls until the pool has `want` live workers; false after the deadline. */
bool pool_wait_size(int want, double seconds);
/* Sends command (with its \r\n) to the stack's memcached and reads until the answer holds until; NULL when memcached
 * does not answer. */
const char *memcached_say(const char *command, const char *until);

/* memcached's own counter (e.g. "get_hits"); -1 when memcached does not answer. */
long memcached_stat(const char *name);
/* A new lib/db connection to the stack's database (db_free it). */
struct db *harness_db(int statement_timeout_ms);
/*
 * For suites that call models directly against the stack: fills *w from the
 * stack's settings (parts as worker_init takes them) the first time it is
 * called with w, and does nothing after; the test aborts when it cannot.
 */
struct worker;
void harness_worker(struct worker *w, unsigned parts);
/* Runs SQL through lib/db against the stack's database; returns the first row's first column (or ""). */
const char *sql(const char *statement);
/* Runs motusctl with the stack's settings; returns its exit status. */
int motusctl(const char *args);

/* The actor motusctl records for this process's user, by its documented rule: "cli:<user>", the sudo user when there is
 * one. */
const char *harness_cli_actor(void);

/* Runs motusctl with the stack's settings; its output without the final newlines (aborts the test on a non-zero exit).
 */
const char *motusctl_out(const char *args);

/*
 * Whether the process has not exited. A zombie has: kill(pid, 0) still finds
 * an exited daemon until init reaps it, which can take seconds.
 */
bool harness_pid_running(pid_t pid);

/*
 * A socket listening on the stack's webhook port (MOTUS_TEST_HOOK_PORT, where
 * consent_sync_url points): one receiver per stack, so this waits while
 * another suite's test holds it, and holds it until this test ends.
 */
int harness_hook_listen(void);

/* PIDs of the running motus-worker processes (of one queue group, or all when group is NULL). */
int queue_worker_pids(pid_t *pids, int max, const char *group);

/*
 * The SMTP sink's mail directory: how many stored messages contain needle
 * (e.g. "X-Sink-Rcpt-To: <ana@example.com>"), the text of the first one
 * (NULL when none), and polling until at least n are there.
 */
int mail_count(const char *needle);
const char *mail_find(const char *needle);
bool mail_wait(const char *needle, int n, double seconds);

/*
 * A browser's cookies for one test: jar_request sends the jar's cookies and
 * keeps every Set-Cookie of the answer (Max-Age=0 deletes). Redirects are not
 * followed. form is an application/x-www-form-urlencoded body for a POST (or
 * NULL). Memory lives until harness_reset().
 */
struct jar;
struct jar *jar_new(void);
struct reply *jar_request(struct jar *j, const char *method, const char *path, const char *form);
/* The cookie's value in the jar, or NULL. */
const char *jar_get(const struct jar *j, const char *name);
/* Puts a cookie in the jar, as a browser (or an attacker) might. */
void jar_set(struct jar *j, const char *name, const char *value);
/* Every Set-Cookie header of the reply for cookie name ("name=value; Path=..."), or NULL. */
const char *reply_set_cookie(const struct reply *r, const char *name);
/* The value attribute of the first <input name="NAME" value="..."> in an HTML body (unescaped &amp; only), or NULL. */
const char *html_input_value(const struct reply *r, const char *name);
/* x-www-form-urlencoded value. */
const char *form_escape(const char *s);

/* Creates a staff account with motusctl (password on stdin); aborts the test on failure. */
void staff_add(const char *email, const char *role, const char *password);

/* A jar holding a live CMS session of a new staff account (staff_add, then the log-in form); aborts on failure. */
struct jar *staff_session(const char *email, const char *role, const char *password);

/* Polls sql(statement) until its first line equals want; false after the deadline. */
bool sql_wait(const char *statement, const char *want, double seconds);

/* A monotonic clock in seconds, for polling deadlines. */
double now_s(void);
/* The arena helpers allocate from; freed by harness_reset. */
struct arena *harness_arena(void);
/* Frees what the last test allocated; use as the teardown of every TCase. */
void harness_reset(void);

#endif
