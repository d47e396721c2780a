/*
 * Integration: the job queue and transactional email against the real
 * stack: motusctl enqueues in a transaction, motus-worker claims and sends
 * over SMTP to the stack's sink, which stores each message as a file. The
 * test stack runs with a 4 s lease, 3 attempts and a 100 ms backoff base;
 * leases pass on the stack's clock (harness_clock_advance), not in real time.
 */
#include "arena.h"
#include "base64.h"
#include "harness.h"
#include "harness_clock.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A recipient no other test (or run) uses. */
static const char *address(const char *what)
{
	static char out[8][128];
	static unsigned n;
	char *a = out[n++ % 8];

	snprintf(a, 128, "%s-%d-%u@example.com", what, (int)getpid(), n);
	return a;
}

/* What the sink writes for a message's envelope recipient. */
static const char *rcpt(const char *addr)
{
	static char out[4][200];
	static unsigned n;
	char *r = out[n++ % 4];

	snprintf(r, 200, "X-Sink-Rcpt-To: <%s>", addr);
	return r;
}

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	static char out[8][1024];
	static unsigned n;
	char *s = out[n++ % 8];
	va_list ap;

	va_start(ap, f);
	vsnprintf(s, 1024, f, ap);
	va_end(ap);
	return s;
}

static int lease_s(void)
{
	return atoi(motusctl_out("config get queue_lease_s"));
}

/*
 * A lease passes on the stack's clock, then a poll interval in real time: a
 * job that was left unfinished would have been claimed and run again by now.
 */
static void let_a_lease_pass(void)
{
	harness_clock_advance(lease_s() + 1);
	usleep((useconds_t)(atoi(motusctl_out("config get queue_poll_ms")) + 100) * 1000);
}

/* Every test starts from a sink that accepts and every worker running, whatever the last one left. */
static void setup(void)
{
	stack_ctl("smtp-refuse off");
	stack_ctl("smtp-hold off");
	stack_ctl("smtp-slow off");
	stack_ctl("worker-start");
}

START_TEST(enqueued_email_arrives_in_the_sink_exactly_once)
{
	const char *to = address("once"), *msg;

	ck_assert_int_eq(motusctl(fmt("mail test %s", to)), 0);
	ck_assert_msg(mail_wait(rcpt(to), 1, 10), "no mail for %s", to);
	msg = mail_find(rcpt(to));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nTo: "));
	ck_assert_ptr_nonnull(strstr(msg, "Content-Type: multipart/alternative"));
	ck_assert_ptr_nonnull(strstr(msg, "Subject: =?UTF-8?B?"));
	ck_assert(sql_wait(fmt("SELECT state FROM job WHERE payload->>'to' = '%s'", to), "done", 5));
	let_a_lease_pass(); /* nothing runs it again */
	ck_assert_int_eq(mail_count(rcpt(to)), 1);
}
END_TEST

START_TEST(same_idempotency_key_twice_delivers_once)
{
	const char *to = address("idem");
	char key[64];

	snprintf(key, sizeof(key), "idem-%d", (int)getpid());

	ck_assert_int_eq(motusctl(fmt("mail test --key %s %s", key, to)), 0);
	ck_assert_int_eq(motusctl(fmt("mail test --key %s %s", key, to)), 0);
	ck_assert(strstr(motusctl_out(fmt("mail test --key %s %s", key, to)), "exists already") != NULL);
	ck_assert(mail_wait(rcpt(to), 1, 10));
	let_a_lease_pass();
	ck_assert_int_eq(mail_count(rcpt(to)), 1);
	ck_assert_str_eq(sql(fmt("SELECT count(*) FROM job WHERE idempotency_key = '%s'", key)), "1");
}
END_TEST

START_TEST(enqueue_in_a_rolled_back_transaction_delivers_nothing)
{
	const char *to = address("rollback");
	char key[64];

	snprintf(key, sizeof(key), "rollback-%d", (int)getpid());

	ck_assert(strstr(motusctl_out(fmt("mail test --dry-run --key %s %s", key, to)), "rolled back") != NULL);
	usleep(2000000); /* several poll intervals */
	ck_assert_int_eq(mail_count(rcpt(to)), 0);
	ck_assert_str_eq(sql(fmt("SELECT count(*) FROM job WHERE idempotency_key = '%s'", key)), "0");
	/* The key was never used: the same enqueue, committed, delivers. */
	ck_assert_int_eq(motusctl(fmt("mail test --key %s %s", key, to)), 0);
	ck_assert(mail_wait(rcpt(to), 1, 10));
}
END_TEST

START_TEST(attachment_goes_through_its_own_queue_correctly_encoded)
{
	char path[] = "/tmp/motus-attach-XXXXXX", *named;
	unsigned char data[3000];
	const char *to = address("attach"), *msg, *part, *end;
	struct arena *a = arena_new(1 << 16);
	FILE *f;
	int fd = mkstemp(path);
	size_t n;
	unsigned char *back;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 31 + i / 7);
	ck_assert_int_ge(fd, 0);
	close(fd);
	named = arena_printf(a, "%s-week.ics", path);
	f = fopen(named, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, sizeof(data), f), sizeof(data));
	fclose(f);
	ck_assert_int_eq(motusctl(fmt("mail test --attach %s %s", named, to)), 0);
	ck_assert(mail_wait(rcpt(to), 1, 10));
	ck_assert_str_eq(sql(fmt("SELECT queue FROM job WHERE payload->>'to' = '%s'", to)), "email_attachments");
	msg = mail_find(rcpt(to));
	ck_assert_ptr_nonnull(strstr(msg, "Content-Type: multipart/mixed; boundary="));
	part = strstr(msg, fmt("Content-Type: text/calendar; name=\"%s\"\r\n"
			       "Content-Disposition: attachment; filename=\"%s\"\r\n"
			       "Content-Transfer-Encoding: base64\r\n\r\n",
			       strrchr(named, '/') + 1, strrchr(named, '/') + 1));
	ck_assert_ptr_nonnull(part);
	part = strstr(part, "\r\n\r\n") + 4;
	end = strstr(part, "\r\n--");
	ck_assert_ptr_nonnull(end);
	for (const char *line = part; line < end;) {
		const char *eol = strstr(line, "\r\n");

		ck_assert_uint_le((size_t)(eol - line), 76);
		line = eol + 2;
	}
	back = base64_decode(a, part, (size_t)(end - part), &n);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(n, sizeof(data));
	ck_assert_mem_eq(back, data, n);
	unlink(named);
	unlink(path);
	arena_free(a);
}
END_TEST

START_TEST(stalled_attachment_queue_does_not_hold_up_plain_email)
{
	const char *with = address("slow-attach"), *plain = address("reset");
	char path[] = "/tmp/motus-attach-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	stack_ctl("worker-kill email_attachments");
	ck_assert_int_eq(motusctl(fmt("mail test --attach %s %s", path, with)), 0);
	ck_assert_int_eq(motusctl(fmt("mail test %s", plain)), 0);
	ck_assert(mail_wait(rcpt(plain), 1, 10));
	ck_assert_int_eq(mail_count(rcpt(with)), 0);
	stack_ctl("worker-start");
	ck_assert(mail_wait(rcpt(with), 1, 10));
	unlink(path);
}
END_TEST

#define BATCH 16

/* How many of the batch have arrived. */
static int delivered_of(const char *const *to)
{
	int n = 0;

	for (int i = 0; i < BATCH; i++)
		n += mail_count(rcpt(to[i]));
	return n;
}

START_TEST(sigkilled_worker_loses_no_email_and_sends_none_twice)
{
	const char *to[BATCH];
	char prefix[64];
	pid_t pids[8];
	int delivered = 0;

	snprintf(prefix, sizeof(prefix), "kill%d", (int)getpid());

	/* A batch waits while the email worker is down ... */
	stack_ctl("worker-kill email");
	for (int i = 0; i < BATCH; i++) {
		static char addrs[BATCH][96];

		snprintf(addrs[i], sizeof(addrs[i]), "%s-%d@example.com", prefix, i);
		to[i] = addrs[i];
		ck_assert_int_eq(motusctl(fmt("mail test --key %s-%d %s", prefix, i, to[i])), 0);
	}
	/* ... then part of it goes out, slowly (100 ms per message), */
	stack_ctl("smtp-slow on");
	stack_ctl("worker-start");
	for (double deadline = now_s() + 10; (delivered = delivered_of(to)) < 4 && now_s() < deadline;)
		usleep(20000);
	ck_assert_int_ge(delivered, 4);
	/* the sink stalls the next delivery at MAIL FROM, and the worker dies holding that job. */
	stack_ctl("smtp-hold on");
	usleep(300000);
	ck_assert_str_eq(
		sql(fmt("SELECT count(*) FROM job WHERE state = 'running' AND idempotency_key LIKE '%s-%%'", prefix)),
		"1");
	ck_assert_int_eq(queue_worker_pids(pids, 8, "email"), 1);
	stack_ctl("worker-kill email");
	stack_ctl("smtp-hold off");
	stack_ctl("smtp-slow off");
	/* The held job stays leased to the dead worker; a new worker takes over the rest at once, */
	stack_ctl("worker-start");
	for (double deadline = now_s() + 20; (delivered = delivered_of(to)) < BATCH - 1 && now_s() < deadline;)
		usleep(20000);
	ck_assert_int_ge(delivered, BATCH - 1);
	/* and it once its lease has expired. */
	harness_clock_advance(lease_s() + 1);
	for (int i = 0; i < BATCH; i++)
		ck_assert_msg(mail_wait(rcpt(to[i]), 1, 20), "%s never arrived", to[i]);
	ck_assert(
		sql_wait(fmt("SELECT count(*) FROM job WHERE state = 'done' AND idempotency_key LIKE '%s-%%'", prefix),
			 "16", 5));
	ck_assert_str_eq(
		sql(fmt("SELECT count(*) FROM job WHERE attempts = 2 AND idempotency_key LIKE '%s-%%'", prefix)), "1");
	let_a_lease_pass();
	for (int i = 0; i < BATCH; i++)
		ck_assert_msg(mail_count(rcpt(to[i])) == 1, "%s arrived %d times", to[i], mail_count(rcpt(to[i])));
}
END_TEST

START_TEST(refused_mail_retries_into_dead_letters_and_retry_delivers_it)
{
	const char *to = address("refused"), *id;
	char key[64];

	snprintf(key, sizeof(key), "refused-%d", (int)getpid());

	stack_ctl("smtp-refuse on");
	ck_assert_int_eq(motusctl(fmt("mail test --key %s %s", key, to)), 0);
	ck_assert(sql_wait(fmt("SELECT state FROM job WHERE idempotency_key = '%s'", key), "dead", 15));
	ck_assert_str_eq(sql(fmt("SELECT attempts = max_attempts AND max_attempts = 3 AND last_error LIKE '%%451%%' "
				 "FROM job WHERE idempotency_key = '%s'",
				 key)),
			 "t");
	id = sql(fmt("SELECT id FROM job WHERE idempotency_key = '%s'", key));
	ck_assert_ptr_nonnull(strstr(motusctl_out("jobs list"), fmt("\n%-8s dead", id)));
	ck_assert_ptr_nonnull(strstr(motusctl_out(fmt("jobs show %s", id)), "last_error: smtp 451"));
	ck_assert_int_eq(mail_count(rcpt(to)), 0);

	stack_ctl("smtp-refuse off");
	ck_assert_int_eq(motusctl(fmt("jobs retry %s", id)), 0);
	ck_assert(mail_wait(rcpt(to), 1, 10));
	ck_assert(sql_wait(fmt("SELECT state FROM job WHERE id = %s", id), "done", 5));
	ck_assert_int_ne(motusctl(fmt("jobs retry %s", id)), 0); /* only dead jobs can be retried */
	let_a_lease_pass();
	ck_assert_int_eq(mail_count(rcpt(to)), 1);
}
END_TEST

START_TEST(sigterm_lets_the_job_in_flight_finish)
{
	const char *to = address("term");
	pid_t pids[8];
	double deadline;

	ck_assert_int_eq(queue_worker_pids(pids, 8, "email"), 1);
	stack_ctl("smtp-hold on");
	ck_assert_int_eq(motusctl(fmt("mail test %s", to)), 0);
	ck_assert(sql_wait(fmt("SELECT state FROM job WHERE payload->>'to' = '%s'", to), "running", 5));
	usleep(200000);
	kill(pids[0], SIGTERM);
	usleep(500000);
	ck_assert(harness_pid_running(pids[0])); /* still busy with its job */
	stack_ctl("smtp-hold off");
	ck_assert(mail_wait(rcpt(to), 1, 5));
	for (deadline = now_s() + 5; harness_pid_running(pids[0]) && now_s() < deadline;)
		usleep(50000);
	ck_assert(!harness_pid_running(pids[0])); /* and then gone */
	ck_assert_str_eq(sql(fmt("SELECT state FROM job WHERE payload->>'to' = '%s'", to)), "done");
}
END_TEST

START_TEST(purge_deletes_only_old_finished_jobs)
{
	char key[64];

	snprintf(key, sizeof(key), "purge-%d", (int)getpid());

	sql(fmt("INSERT INTO job (queue, kind, idempotency_key, state, finished_at) VALUES "
		"('email', 'email', '%s-old', 'dead', now() - interval '30 days'), "
		"('email', 'email', '%s-new', 'done', now() - interval '1 day')",
		key, key));
	ck_assert_ptr_nonnull(strstr(motusctl_out("jobs purge"), "deleted"));
	ck_assert_str_eq(sql(fmt("SELECT count(*) FROM job WHERE idempotency_key = '%s-old'", key)), "0");
	ck_assert_str_eq(sql(fmt("SELECT count(*) FROM job WHERE idempotency_key = '%s-new'", key)), "1");
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("queue");
	TCase *tc = harness_case(s, "queue", HARNESS_EXCLUSIVE);

	tcase_add_checked_fixture(tc, setup, harness_reset);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, enqueued_email_arrives_in_the_sink_exactly_once);
	tcase_add_test(tc, same_idempotency_key_twice_delivers_once);
	tcase_add_test(tc, enqueue_in_a_rolled_back_transaction_delivers_nothing);
	tcase_add_test(tc, attachment_goes_through_its_own_queue_correctly_encoded);
	tcase_add_test(tc, stalled_attachment_queue_does_not_hold_up_plain_email);
	tcase_add_test(tc, sigkilled_worker_loses_no_email_and_sends_none_twice);
	tcase_add_test(tc, refused_mail_retries_into_dead_letters_and_retry_delivers_it);
	tcase_add_test(tc, sigterm_lets_the_job_in_flight_finish);
	tcase_add_test(tc, purge_deletes_only_old_finished_jobs);
	return harness_main(argc, argv, s, HARNESS_NO_WEB);
}
