/* motusctl: operations from the command line (migrations, demo data, settings, cache, clients, keys, tokens, jobs,
 * mail). */
#include "access_token.h"
#include "arena.h"
#include "cache.h"
#include "conf.h"
#include "content.h"
#include "db.h"
#include "job_email.h"
#include "jwt.h"
#include "mail.h"
#include "media.h"
#include "migrate.h"
#include "oauth_client.h"
#include "queue.h"
#include "signing_key.h"
#include "str.h"
#include "validate.h"
#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name, *args, *help;
	int (*fn)(struct worker *w, int argc, char **argv);
};

static int cmd_migrate(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	int n;

	(void)argc, (void)argv;
	n = migrate_run(w->db, conf_str(&w->conf, CONF_MIGRATIONS_DIR), &e);
	if (n < 0) {
		fprintf(stderr, "motusctl migrate: %s\n", e.msg);
		return 1;
	}
	printf("%d migration%s applied\n", n, n == 1 ? "" : "s");
	return 0;
}

static int cmd_seed(struct worker *w, int argc, char **argv)
{
	struct err e = {0};

	(void)argc, (void)argv;
	if (migrate_seed(w->db, conf_str(&w->conf, CONF_SEED_DIR), &e) < 0) {
		fprintf(stderr, "motusctl seed: %s\n", e.msg);
		return 1;
	}
	/* Seeded rows replace what was cached. */
	if (cache_bump(w->cache, "client_config") < 0)
		fprintf(stderr,
			"motusctl seed: warning: memcached unreachable, cached documents expire on their own\n");
	return 0;
}

static void show(const struct conf *c)
{
	for (int i = 0; i < CONF_COUNT; i++)
		printf("%s = %s\n", conf_settings[i].name,
		       conf_settings[i].secret && *conf_str(c, (enum conf_key)i) ? "(secret)"
										 : conf_str(c, (enum conf_key)i));
}

static int config_docs_check(const char *path)
{
	FILE *f = fopen(path, "r");
	static char text[1 << 20];
	size_t n;
	const char *missing;

	if (!f) {
		perror(path);
		return 1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	missing = conf_first_undocumented(text);
	if (missing) {
		fprintf(stderr, "motusctl config check: setting '%s' is not documented in %s\n", missing, path);
		return 1;
	}
	return 0;
}

static int cmd_config(struct worker *w, int argc, char **argv)
{
	if (argc >= 1 && str_eq(argv[0], "get") && argc == 2) {
		int i = conf_find(argv[1]);

		if (i < 0) {
			fprintf(stderr, "motusctl config get: unknown setting '%s'\n", argv[1]);
			return 1;
		}
		printf("%s\n", conf_str(&w->conf, (enum conf_key)i));
		return 0;
	}
	if (argc >= 1 && str_eq(argv[0], "check")) {
		/* Loading already validated every value; optionally check the docs list every setting too. */
		for (int i = 1; i < argc; i++)
			if (config_docs_check(argv[i]))
				return 1;
		show(&w->conf);
		puts("configuration OK");
		return 0;
	}
	fprintf(stderr, "usage: motusctl config check [DOC...] | config get NAME\n");
	return 2;
}

static int cmd_cache(struct worker *w, int argc, char **argv)
{
	if (argc == 2 && str_eq(argv[0], "bump")) {
		if (cache_bump(w->cache, argv[1]) < 0) {
			fprintf(stderr, "motusctl cache bump: memcached unreachable\n");
			return 1;
		}
		printf("generation of %s bumped\n", argv[1]);
		return 0;
	}
	fprintf(stderr, "usage: motusctl cache bump COLLECTION\n");
	return 2;
}

static int cmd_content(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	bool publish;

	if (argc == 1 && str_eq(argv[0], "publish-due")) {
		long n = content_publish_due(w, w->arena, &e);

		if (n < 0) {
			fprintf(stderr, "motusctl content publish-due: %s\n", e.msg);
			return 1;
		}
		printf("%ld scheduled item%s published\n", n, n == 1 ? "" : "s");
		return 0;
	}
	if (argc != 2 || !(str_eq(argv[0], "publish") || str_eq(argv[0], "unpublish") || str_eq(argv[0], "delete"))) {
		fprintf(stderr, "usage: motusctl content publish|unpublish|delete SLUG | publish-due\n");
		return 2;
	}
	publish = str_eq(argv[0], "publish");
	switch (str_eq(argv[0], "delete") ? content_delete(w, w->arena, argv[1], &e)
					  : content_set_published(w, w->arena, argv[1], publish, &e)) {
	case 1:
		printf("%s %s\n", argv[1],
		       str_eq(argv[0], "delete") ? "deleted"
		       : publish                 ? "published"
						 : "unpublished (now a draft)");
		return 0;
	case 0:
		fprintf(stderr, "motusctl content %s: no content with slug %s\n", argv[0], argv[1]);
		return 1;
	default:
		fprintf(stderr, "motusctl content %s: %s\n", argv[0], e.msg);
		return 1;
	}
}

static int cmd_client(struct worker *w, int argc, char **argv)
{
	struct arena *a = w->arena;
	struct err e = {0};

	if (argc >= 4 && str_eq(argv[0], "add")) {
		if (oauth_client_save(w->db, a, argv[1], argv[2], (const char *const *)argv + 3, (size_t)argc - 3, &e) <
		    0) {
			fprintf(stderr, "motusctl client add: %s\n", e.msg);
			return 1;
		}
		printf("client %s registered with %d redirect URI%s\n", argv[1], argc - 3, argc == 4 ? "" : "s");
		return 0;
	}
	if (argc == 1 && str_eq(argv[0], "list")) {
		size_t n;
		struct oauth_client *list = oauth_client_list(w->db, a, &n, &e);

		if (!list) {
			fprintf(stderr, "motusctl client list: %s\n", e.msg);
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			printf("%s\t%s", list[i].client_id, list[i].name);
			for (const char **u = list[i].redirect_uris; *u; u++)
				printf("\t%s", *u);
			putchar('\n');
		}
		return 0;
	}
	fprintf(stderr, "usage: motusctl client add CLIENT_ID NAME REDIRECT_URI... | client list\n");
	return 2;
}

static int keys_usage(void)
{
	fprintf(stderr, "usage: motusctl keys generate | rotate | list | pem [KID]\n");
	return 2;
}

static int cmd_keys(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	const char *kid, *old;

	if (argc == 1 && str_eq(argv[0], "generate")) {
		int made = signing_key_generate(w, w->arena, &kid, &e);

		if (made < 0) {
			fprintf(stderr, "motusctl keys generate: %s\n", e.msg);
			return 1;
		}
		printf(made ? "signing key %s generated and active\n"
			    : "a signing key is already active (%s): nothing to do\n",
		       kid);
		return 0;
	}
	if (argc == 1 && str_eq(argv[0], "rotate")) {
		if (signing_key_rotate(w, w->arena, &kid, &old, &e) < 0) {
			fprintf(stderr, "motusctl keys rotate: %s\n", e.msg);
			return 1;
		}
		printf("signing key %s active\n", kid);
		if (old)
			printf("signing key %s retired: it signs no more and stays published until its tokens have expired\n",
			       old);
		return 0;
	}
	if (argc == 1 && str_eq(argv[0], "list")) {
		struct signing_key_info *k;
		long n = signing_key_list(w, w->arena, &k, &e);

		if (n < 0) {
			fprintf(stderr, "motusctl keys list: %s\n", e.msg);
			return 1;
		}
		printf("%-43s  %-7s  %-20s  %-20s  %-20s  %s\n", "kid", "state", "created", "activated", "retired",
		       "expires");
		for (long i = 0; i < n; i++)
			printf("%-43s  %-7s  %-20s  %-20s  %-20s  %s\n", k[i].kid, k[i].state, k[i].created_at,
			       k[i].activated_at, k[i].retired_at, k[i].expires_at);
		return 0;
	}
	if ((argc == 1 || argc == 2) && str_eq(argv[0], "pem")) {
		const char *pem = signing_key_public_pem(w, w->arena, argc == 2 ? argv[1] : NULL, &e);

		if (!pem) {
			fprintf(stderr, "motusctl keys pem: %s\n", e.msg);
			return 1;
		}
		fputs(pem, stdout);
		return 0;
	}
	return keys_usage();
}

static int token_usage(void)
{
	fprintf(stderr, "usage: motusctl token issue [--at UNIX_TIME] SUBJECT [SCOPE...]\n");
	return 2;
}

static int cmd_token(struct worker *w, int argc, char **argv)
{
	struct jwt_claims c;
	struct err e = {0};
	long at = 0;
	int i = 1;
	char *scope, *token;
	size_t len = 1;

	if (argc < 2 || !str_eq(argv[0], "issue"))
		return token_usage();
	if (str_eq(argv[1], "--at")) {
		if (argc < 4 || str_to_long(argv[2], 1, 100000000000L, &at) < 0)
			return token_usage();
		i = 3;
	}
	for (int j = i + 1; j < argc; j++)
		len += strlen(argv[j]) + 1;
	scope = arena_zalloc(w->arena, len);
	for (int j = i + 1; j < argc; j++) {
		if (*scope)
			strcat(scope, " ");
		strcat(scope, argv[j]);
	}
	token = access_token_issue(w, w->arena, argv[i], scope, NULL, at, &c, &e);
	if (!token) {
		fprintf(stderr, "motusctl token issue: %s\n", e.msg);
		return 1;
	}
	puts(token);
	return 0;
}

static void print_job_line(const struct queue_job *j)
{
	printf("%-8ld %-8s %-18s %-8s %3d/%-3d %-32.32s %s\n", j->id, j->state, j->queue, j->kind, j->attempts,
	       j->max_attempts, *j->finished_at ? j->finished_at : j->run_at, j->last_error);
}

static int jobs_usage(void)
{
	fprintf(stderr, "usage: motusctl jobs list [pending|running|done|dead|all] [LIMIT] | show ID | retry ID | "
			"purge [DAYS]\n");
	return 2;
}

static int parse_id(const char *s, long *id)
{
	return str_to_long(s, 1, 9223372036854775807L, id);
}

static int cmd_jobs(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	long id, v;

	if (argc >= 1 && argc <= 3 && str_eq(argv[0], "list")) {
		const char *state = argc >= 2 ? argv[1] : "dead";
		struct queue_job *jobs;
		size_t n;

		if (!str_eq(state, "pending") && !str_eq(state, "running") && !str_eq(state, "done") &&
		    !str_eq(state, "dead") && !str_eq(state, "all"))
			return jobs_usage();
		if (argc == 3 && str_to_long(argv[2], 1, 100000, &v) < 0)
			return jobs_usage();
		if (queue_list(w->db, w->arena, str_eq(state, "all") ? NULL : state, argc == 3 ? (int)v : 50, &jobs, &n,
			       &e) < 0) {
			fprintf(stderr, "motusctl jobs list: %s\n", e.msg);
			return 1;
		}
		printf("%-8s %-8s %-18s %-8s %-7s %-32s %s\n", "ID", "STATE", "QUEUE", "KIND", "TRIES",
		       "RUN AT / FINISHED", "LAST ERROR");
		for (size_t i = 0; i < n; i++)
			print_job_line(&jobs[i]);
		return 0;
	}
	if (argc == 2 && str_eq(argv[0], "show") && parse_id(argv[1], &id) == 0) {
		struct queue_job j;

		if (queue_show(w->db, w->arena, id, &j, &e) < 0) {
			fprintf(stderr, "motusctl jobs show: %s\n", e.msg);
			return 1;
		}
		printf("id: %ld\nqueue: %s\nkind: %s\nstate: %s\nattempts: %d of %d\nidempotency_key: %s\n"
		       "created_at: %s\nrun_at: %s\nfinished_at: %s\nlocked_by: %s\nlast_error: %s\npayload: %s\n",
		       j.id, j.queue, j.kind, j.state, j.attempts, j.max_attempts, j.idempotency_key, j.created_at,
		       j.run_at, j.finished_at, j.locked_by, j.last_error, j.payload);
		return 0;
	}
	if (argc == 2 && str_eq(argv[0], "retry") && parse_id(argv[1], &id) == 0) {
		if (queue_retry(w->db, w->arena, id, &e) < 0) {
			fprintf(stderr, "motusctl jobs retry: %s\n", e.msg);
			return 1;
		}
		printf("job %ld queued again\n", id);
		return 0;
	}
	if (argc <= 2 && argc >= 1 && str_eq(argv[0], "purge")) {
		long days = conf_int(&w->conf, CONF_QUEUE_KEEP_DAYS), n;

		if (argc == 2 && str_to_long(argv[1], 0, 36500, &days) < 0)
			return jobs_usage();
		n = queue_purge(w->db, w->arena, days * 86400, &e);
		if (n < 0) {
			fprintf(stderr, "motusctl jobs purge: %s\n", e.msg);
			return 1;
		}
		printf("%ld finished job%s older than %ld day%s deleted\n", n, n == 1 ? "" : "s", days,
		       days == 1 ? "" : "s");
		return 0;
	}
	return jobs_usage();
}

/* The whole file into the arena; NULL with errno set. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n <= (10L << 20) && fseek(f, 0, SEEK_SET) == 0) {
		data = arena_alloc(a, (size_t)n + 1);
		*len = fread(data, 1, (size_t)n, f);
		data[*len] = '\0';
	} else {
		errno = EFBIG;
	}
	fclose(f);
	return data;
}

static const char *guess_type(const char *name)
{
	static const char *const types[][2] = {{".ics", "text/calendar"}, {".pdf", "application/pdf"},
					       {".txt", "text/plain"},    {".png", "image/png"},
					       {".jpg", "image/jpeg"},    {".csv", "text/csv"}};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (n > strlen(types[i][0]) && strcmp(name + n - strlen(types[i][0]), types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

static int mail_usage(void)
{
	fprintf(stderr, "usage: motusctl mail test [--key KEY] [--attach FILE] [--dry-run] ADDRESS\n");
	return 2;
}

/* Enqueues a test email through the queue in a transaction, exactly as the app does. */
static int cmd_mail(struct worker *w, int argc, char **argv)
{
	struct mail_attachment at = {0};
	struct job_email m = {.subject = "Motus test email \xe2\x80\x94 it works"};
	struct err e = {0};
	bool dry_run = false;
	long id;

	if (argc < 2 || !str_eq(argv[0], "test"))
		return mail_usage();
	for (int i = 1; i < argc; i++) {
		if (str_eq(argv[i], "--key") && i + 1 < argc) {
			m.idempotency_key = argv[++i];
		} else if (str_eq(argv[i], "--attach") && i + 1 < argc) {
			const char *path = argv[++i], *slash = strrchr(path, '/');

			at.data = slurp(w->arena, path, &at.len);
			if (!at.data) {
				fprintf(stderr, "motusctl mail test: %s: %s\n", path, strerror(errno));
				return 1;
			}
			at.filename = slash ? slash + 1 : path;
			at.content_type = guess_type(at.filename);
			m.attachments = &at;
			m.nattachments = 1;
		} else if (str_eq(argv[i], "--dry-run")) {
			dry_run = true;
		} else if (argv[i][0] == '-' || m.to) {
			return mail_usage();
		} else {
			m.to = argv[i];
		}
	}
	if (!m.to)
		return mail_usage();
	m.text = arena_printf(w->arena, "This is a test email from motusctl.\nIt went through the %s queue.\n",
			      m.nattachments ? JOB_EMAIL_ATTACHMENTS_QUEUE : JOB_EMAIL_QUEUE);
	m.html = "<p>This is a test email from <b>motusctl</b>.</p>";
	if (db_begin(w->db, &e) < 0)
		goto out_error;
	if (job_email_enqueue_tx(w, w->arena, &m, &id, &e) < 0) {
		db_rollback(w->db);
		goto out_error;
	}
	if (dry_run) {
		db_rollback(w->db);
		printf("dry run: the job was enqueued and rolled back\n");
		return 0;
	}
	if (db_commit(w->db, &e) < 0)
		goto out_error;
	if (id)
		printf("job %ld queued for %s\n", id, m.to);
	else
		printf("a job with key %s exists already: nothing queued\n", m.idempotency_key);
	return 0;

out_error:
	fprintf(stderr, "motusctl mail test: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.msg);
	return 1;
}

static int media_usage(void)
{
	fprintf(stderr, "usage: motusctl media add [--type CONTENT_TYPE] [--by NAME] FILE | list [KIND] [LIMIT]\n");
	return 2;
}

/* Stores a file as the CMS upload does: sniffed, checked, written atomically, one row. */
static int media_add(struct worker *w, int argc, char **argv)
{
	const char *path = NULL, *type = NULL, *by = "motusctl", *slash;
	struct validate v;
	struct media m;
	struct err e = {0};
	FILE *f;
	char *data;
	size_t len = 0, cap = (size_t)MEDIA_MAX_VIDEO_BYTES + 1;

	for (int i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else if (str_eq(argv[i], "--by") && i + 1 < argc)
			by = argv[++i];
		else if (argv[i][0] == '-' || path)
			return media_usage();
		else
			path = argv[i];
	}
	if (!path)
		return media_usage();
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "motusctl media add: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Read at most one byte over the largest cap: the model says which cap a file breaks. */
	data = arena_alloc(w->arena, cap);
	for (size_t k; len < cap && (k = fread(data + len, 1, cap - len, f)) > 0;)
		len += k;
	if (ferror(f)) {
		fprintf(stderr, "motusctl media add: %s: read error\n", path);
		fclose(f);
		return 1;
	}
	fclose(f);
	slash = strrchr(path, '/');
	validate_init(&v, w->arena);
	switch (media_store(w, w->arena, data, len, slash ? slash + 1 : path, type, by, &m, &v, &e)) {
	case 0:
		/* Images: the public URL (for content.image_url); video and audio: where a signed URL is asked for. */
		printf("%s %s\n", m.id, m.url ? m.url : arena_printf(w->arena, "/v1/media/%s", m.id));
		return 0;
	case 1:
		for (size_t i = 0; i < v.n; i++)
			fprintf(stderr, "motusctl media add: %s: %s\n", path, v.errors[i].detail);
		return 1;
	default:
		fprintf(stderr, "motusctl media add: %s\n", e.msg);
		return 1;
	}
}

static int cmd_media(struct worker *w, int argc, char **argv)
{
	struct media_page page;
	struct err e = {0};
	long limit = 20;

	if (argc >= 1 && str_eq(argv[0], "add"))
		return media_add(w, argc - 1, argv + 1);
	if (argc < 1 || !str_eq(argv[0], "list") || argc > 3 || (argc == 3 && str_to_long(argv[2], 1, 100, &limit) < 0))
		return media_usage();
	if (media_list(w, w->arena, argc >= 2 && !str_eq(argv[1], "all") ? argv[1] : NULL, 0, (int)limit, &page, &e) <
	    0) {
		fprintf(stderr, "motusctl media list: %s\n", e.msg);
		return 1;
	}
	for (size_t i = 0; i < page.n; i++)
		printf("%s  %-5s  %-10s  %10" PRId64 "  %s  %s  %s\n", page.items[i].id, page.items[i].kind,
		       page.items[i].content_type, page.items[i].bytes, page.items[i].created_at,
		       page.items[i].storage_name, page.items[i].original_name);
	return 0;
}

static const struct command commands[] = {
	{"migrate", "", "apply pending database migrations (safe to run on several hosts at once)", cmd_migrate},
	{"seed", "", "load the demo data (idempotent)", cmd_seed},
	{"config", "check [DOC...] | get NAME",
	 "validate the settings and print them (secrets hidden); check that each DOC lists every setting; print one value",
	 cmd_config},
	{"client", "add ID NAME URI... | list",
	 "register an OAuth client (public, PKCE) with its redirect URIs; list them", cmd_client},
	{"cache", "bump COLLECTION", "invalidate every cached document of a collection (e.g. client_config)",
	 cmd_cache},
	{"content", "publish|unpublish SLUG",
	 "publish a content item now or take it back to draft; the cached catalogue is invalidated at once",
	 cmd_content},
	{"keys", "generate|rotate|list|pem [KID]",
	 "token signing keys: create the first (no-op when one is active), rotate (the old one stays published until its "
	 "tokens expire), list them, print a public key as PEM",
	 cmd_keys},
	{"token", "issue [--at T] SUBJECT [SCOPE...]",
	 "print an access token for SUBJECT with the scopes (for operations and tests; --at: issued at UNIX time T)",
	 cmd_token},
	{"jobs", "list [STATE] [LIMIT] | show ID | retry ID | purge [DAYS]",
	 "the job queue: list jobs (default: the dead letters), show one, queue a dead one again, delete old finished ones",
	 cmd_jobs},
	{"media", "add [--type T] [--by NAME] FILE | list [KIND] [LIMIT]",
	 "store a media file, checked like an upload; prints its id and URL (an image's public URL, else /v1/media/ID); "
	 "list the newest",
	 cmd_media},
	{"mail", "test [--key K] [--attach FILE] [--dry-run] ADDRESS",
	 "enqueue a test email through the queue (--dry-run: in a transaction that is rolled back)", cmd_mail},
};

static void usage(FILE *out)
{
	fputs("usage: motusctl [-c motus.conf] COMMAND [ARGS]\n\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-8s %s\n           %s\n", commands[i].name, commands[i].args, commands[i].help);
	fputs("\nSettings come from -c FILE or MOTUS_CONFIG, then MOTUS_<SETTING> environment variables.\n", out);
}

int main(int argc, char **argv)
{
	const char *config = getenv("MOTUS_CONFIG");
	struct worker w;
	struct err e = {0};
	int argi = 1, rc;

	if (argc > 2 && str_eq(argv[1], "-c")) {
		config = argv[2];
		argi = 3;
	}
	if (argi >= argc || str_eq(argv[argi], "--help") || str_eq(argv[argi], "-h") || str_eq(argv[argi], "help")) {
		usage(argi >= argc ? stderr : stdout);
		return argi >= argc ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
		if (!str_eq(commands[i].name, argv[argi]))
			continue;
		if (worker_init(&w, config, 0, &e) < 0) {
			fprintf(stderr, "motusctl: %s\n", e.msg);
			worker_release(&w);
			return 1;
		}
		rc = commands[i].fn(&w, argc - argi - 1, argv + argi + 1);
		worker_release(&w);
		return rc;
	}
	fprintf(stderr, "motusctl: unknown command '%s'\n\n", argv[argi]);
	usage(stderr);
	return 2;
}
