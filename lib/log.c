/* log: JSON lines, one write per line. */
#include "log.h"
#include "arena.h"
#include "buf.h"
#include "clock.h"
#include "str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static int log_fd = 2;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (str_eq(name, level_names[i]))
			return i;
	return -1;
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

static void emit(const char *line, size_t n)
{
	while (n > 0) {
		ssize_t w = write(log_fd, line, n);

		if (w <= 0)
			return;
		line += w;
		n -= (size_t)w;
	}
}

/* Its own arena, reset after every line: logging never touches the request arena. */
static struct arena *line_arena(void)
{
	static struct arena *a;

	if (!a)
		a = arena_new(4096);
	return a;
}

static void start_line(struct buf *b, const char *level)
{
	char ts[32];

	clock_rfc3339(ts, sizeof(ts));
	buf_puts(b, "{\"ts\":\"");
	buf_puts(b, ts);
	buf_puts(b, "\",\"level\":\"");
	buf_puts(b, level);
	buf_printf(b, "\",\"pid\":%d", (int)getpid());
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	struct arena *a = line_arena();
	struct buf b;
	buf_init(&b, a);
	start_line(&b, level_names[level]);
	buf_puts(&b, ",\"msg\":");
	buf_put_json_string(&b, msg);
	buf_puts(&b, "}\n");
	emit(b.data, b.len);
	arena_reset(a);
}

static void put_field(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, ",\"%s\":", name);
	if (value)
		buf_put_json_string(b, value);
	else
		buf_puts(b, "null");
}

void log_request(const struct log_request *r)
{
	if (LOG_INFO < min_level)
		return;

	struct arena *a = line_arena();
	struct buf b;
	buf_init(&b, a);
	start_line(&b, r->status >= 500 ? "error" : "info");
	buf_puts(&b, ",\"event\":\"request\"");
	put_field(&b, "id", r->id);
	put_field(&b, "method", r->method);
	put_field(&b, "route", r->route);
	put_field(&b, "path", r->path);
	buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"us\":%llu", r->status, r->bytes, (unsigned long long)r->micros);
	put_field(&b, "user", r->user);
	buf_puts(&b, "}\n");
	emit(b.data, b.len);
	arena_reset(a);
}

void log_job(const struct log_job *j)
{
	bool failed = !str_eq(j->outcome, "done");

	if ((failed ? LOG_WARN : LOG_INFO) < min_level)
		return;

	struct arena *a = line_arena();
	struct buf b;
	buf_init(&b, a);
	start_line(&b, failed ? "warn" : "info");
	buf_printf(&b, ",\"event\":\"job\",\"id\":%ld", j->id);
	put_field(&b, "queue", j->queue);
	put_field(&b, "kind", j->kind);
	buf_printf(&b, ",\"attempt\":%d", j->attempt);
	put_field(&b, "outcome", j->outcome);
	buf_printf(&b, ",\"us\":%llu", (unsigned long long)j->micros);
	put_field(&b, "error", j->error);
	buf_puts(&b, "}\n");
	emit(b.data, b.len);
	arena_reset(a);
}
