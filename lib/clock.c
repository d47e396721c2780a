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

/* Exactly n digits at *p, moved past; -1 when they are not there. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* timegm of the fields, refusing what it had to normalise (2026-02-30 is March 2nd to it). */
static int utc(int y, int mo, int d, int h, int mi, int sec, int64_t *out)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
	time_t t;

	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return -1;
	t = timegm(&tm);
	if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi ||
	    tm.tm_sec != sec)
		return -1;
	*out = (int64_t)t;
	return 0;
}

static int date_part(const char **p, int *y, int *mo, int *d)
{
	if ((*y = digits(p, 4)) < 0 || *(*p)++ != '-' || (*mo = digits(p, 2)) < 0 || *(*p)++ != '-' ||
	    (*d = digits(p, 2)) < 0)
		return -1;
	return 0;
}

int clock_parse_utc(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0;

	if (!s || date_part(&s, &y, &mo, &d) < 0 || (*s != 'T' && *s != ' '))
		return -1;
	s++;
	if ((h = digits(&s, 2)) < 0 || *s++ != ':' || (mi = digits(&s, 2)) < 0)
		return -1;
	if (*s == ':') {
		s++;
		if ((sec = digits(&s, 2)) < 0)
			return -1;
	}
	if (*s == 'Z')
		s++;
	return *s ? -1 : utc(y, mo, d, h, mi, sec, out);
}

int clock_parse_date(const char *s, int64_t *out)
{
	int y, mo, d;

	if (!s || date_part(&s, &y, &mo, &d) < 0 || *s)
		return -1;
	return utc(y, mo, d, 0, 0, 0, out);
}
