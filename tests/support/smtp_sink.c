/*
 * smtp-sink: a local SMTP server for development and tests. Speaks enough
 * SMTP for a mail client (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
 * stores each message as one file DIR/<time>.<pid>.<n>.eml (written aside,
 * then renamed into place, so a reader never sees half a message), with the
 * envelope as X-Sink-Mail-From / X-Sink-Rcpt-To lines on top. Fault controls
 * for the tests, by file in DIR: while `refuse` exists MAIL FROM is answered
 * 451; while `hold` exists the answer to MAIL FROM waits (up to a minute);
 * while `slow` exists every answer to MAIL FROM takes 100 ms.
 * One process per connection; loopback only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_RCPT    100
#define MAX_MESSAGE (50L << 20)
#define MAX_LINE    65536

static const char *dir = ".";

struct session {
	int fd;
	FILE *in;
	char from[512];
	char rcpt[MAX_RCPT][512];
	int nrcpt;
	bool have_from;
	unsigned seq;
};

static void reply(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(struct session *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	memcpy(line + n, "\r\n", 2);
	if (write(s->fd, line, (size_t)n + 2) < 0)
		_exit(0);
}

static bool control_file(const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* The address inside <...> (or the rest of the line), CR/LF removed. */
static void address(char *out, size_t n, const char *arg)
{
	const char *lt = strchr(arg, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t len;

	if (lt && gt) {
		arg = lt + 1;
		len = (size_t)(gt - arg);
	} else {
		while (*arg == ' ')
			arg++;
		len = strcspn(arg, " \r\n");
	}
	if (len >= n)
		len = n - 1;
	memcpy(out, arg, len);
	out[len] = '\0';
}

/* True when the client has hung up (while we keep it waiting). */
static bool peer_gone(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;

	return poll(&p, 1, 0) > 0 && recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

static void receive_data(struct session *s)
{
	char tmp[4200], final[4200], line[MAX_LINE];
	struct timeval tv;
	FILE *out;
	long size = 0;
	bool ended = false;

	snprintf(tmp, sizeof(tmp), "%s/.tmp.%d.%u", dir, (int)getpid(), s->seq);
	out = fopen(tmp, "w");
	if (!out) {
		reply(s, "451 4.3.0 cannot store: %s", strerror(errno));
		return;
	}
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	fprintf(out, "X-Sink-Mail-From: <%s>\r\n", s->from);
	for (int i = 0; i < s->nrcpt; i++)
		fprintf(out, "X-Sink-Rcpt-To: <%s>\r\n", s->rcpt[i]);
	while (fgets(line, sizeof(line), s->in)) {
		const char *p = line;

		if (strcmp(line, ".\r\n") == 0 || strcmp(line, ".\n") == 0) {
			ended = true;
			break;
		}
		if (line[0] == '.') /* dot-stuffing (RFC 5321 §4.5.2) */
			p++;
		size += (long)strlen(p);
		if (size <= MAX_MESSAGE)
			fputs(p, out);
	}
	if (fclose(out) != 0 || !ended) {
		unlink(tmp); /* the client went away mid-message: nothing was delivered */
		if (!ended)
			_exit(0);
		reply(s, "451 4.3.0 cannot store the message");
		return;
	}
	if (size > MAX_MESSAGE) {
		unlink(tmp);
		reply(s, "552 5.3.4 message too big");
		return;
	}
	gettimeofday(&tv, NULL);
	snprintf(final, sizeof(final), "%s/%ld%06ld.%d.%u.eml", dir, (long)tv.tv_sec, (long)tv.tv_usec, (int)getpid(),
		 s->seq++);
	if (rename(tmp, final) != 0) {
		unlink(tmp);
		reply(s, "451 4.3.0 cannot store: %s", strerror(errno));
		return;
	}
	reply(s, "250 2.0.0 Ok: queued as %s", strrchr(final, '/') + 1);
}

static void mail_from(struct session *s, const char *arg)
{
	if (control_file("slow"))
		usleep(100000);
	for (int waited = 0; control_file("hold") && waited < 60000; waited += 50) {
		if (peer_gone(s->fd))
			_exit(0);
		usleep(50000);
	}
	if (control_file("refuse")) {
		reply(s, "451 4.3.0 Refusing mail for now (a 'refuse' file is present)");
		return;
	}
	address(s->from, sizeof(s->from), arg);
	s->have_from = true;
	s->nrcpt = 0;
	reply(s, "250 2.1.0 Ok");
}

static void session(int fd)
{
	struct session s = {.fd = fd};
	struct timeval tv = {300, 0};
	char line[MAX_LINE];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s.in = fdopen(fd, "r");
	if (!s.in)
		return;
	reply(&s, "220 smtp-sink ESMTP ready");
	while (fgets(line, sizeof(line), s.in)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncasecmp(line, "EHLO", 4) == 0) {
			reply(&s, "250-smtp-sink\r\n250-8BITMIME\r\n250-SIZE %ld\r\n250 HELP", MAX_MESSAGE);
		} else if (strncasecmp(line, "HELO", 4) == 0) {
			reply(&s, "250 smtp-sink");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			mail_from(&s, line + 10);
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			if (!s.have_from)
				reply(&s, "503 5.5.1 MAIL first");
			else if (s.nrcpt == MAX_RCPT)
				reply(&s, "452 4.5.3 too many recipients");
			else {
				address(s.rcpt[s.nrcpt++], sizeof(s.rcpt[0]), line + 8);
				reply(&s, "250 2.1.5 Ok");
			}
		} else if (strcasecmp(line, "DATA") == 0) {
			if (!s.nrcpt) {
				reply(&s, "503 5.5.1 RCPT first");
				continue;
			}
			receive_data(&s);
			s.have_from = false;
			s.nrcpt = 0;
		} else if (strcasecmp(line, "RSET") == 0) {
			s.have_from = false;
			s.nrcpt = 0;
			reply(&s, "250 2.0.0 Ok");
		} else if (strncasecmp(line, "NOOP", 4) == 0) {
			reply(&s, "250 2.0.0 Ok");
		} else if (strncasecmp(line, "VRFY", 4) == 0) {
			reply(&s, "252 2.1.5 Cannot verify, will accept");
		} else if (strcasecmp(line, "QUIT") == 0) {
			reply(&s, "221 2.0.0 Bye");
			break;
		} else {
			reply(&s, "502 5.5.2 Command not recognized");
		}
	}
	fclose(s.in);
}

static void drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw || setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "smtp-sink: cannot become %s\n", user);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	const char *pidfile = NULL, *user = NULL;
	int port = 0, opt, lfd, one = 1;
	struct sigaction act;

	while ((opt = getopt(argc, argv, "p:d:P:u:h")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'P':
			pidfile = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: smtp-sink -p PORT -d DIR [-P PIDFILE] [-u USER]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "smtp-sink: -p PORT is required\n");
		return 2;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = SIG_IGN;
	sigemptyset(&act.sa_mask);
	sigaction(SIGPIPE, &act, NULL);
	act.sa_flags = SA_NOCLDWAIT; /* children reap themselves */
	sigaction(SIGCHLD, &act, NULL);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 64) != 0) {
		fprintf(stderr, "smtp-sink: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	if (user)
		drop_privileges(user);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
			fprintf(stderr, "smtp-sink: cannot write %s\n", pidfile);
			return 1;
		}
	}
	fprintf(stderr, "smtp-sink: listening on 127.0.0.1:%d, storing mail in %s\n", port, dir);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pid_t pid;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "smtp-sink: accept: %s\n", strerror(errno));
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			session(fd);
			_exit(0);
		}
		close(fd);
	}
}
