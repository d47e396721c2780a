/* clock: thin wrappers over clock_gettime, and the wall clock a test stack can move. */
#include "clock.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char test_file[4096]; /* empty: the real clock */

uint64_t clock_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void clock_use_test_file(const char *path)
{
	snprintf(test_file, sizeof(test_file), "%s", path ? path : "");
}

/* The test clock's offset: the whole seconds written in its file, 0 when there is none or it cannot be read. */
static int64_t test_offset_s(void)
{
	char text[32];
	ssize_t n;
	int fd;

	if (!test_file[0])
		return 0;
	fd = open(test_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtoll(text, NULL, 10);
}

int64_t clock_unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec + test_offset_s()) * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_unix(void)
{
	return clock_unix_ms() / 1000;
}

void clock_rfc3339(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}
