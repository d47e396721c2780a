/* motusctl: operations from the command line (migrations, demo data, settings, cache, clients, keys, tokens, jobs,
 * mail). */
#include "access_token.h"
#include "arena.h"
#include "audit.h"
#include "cache.h"
#include "clock.h"
#include "conf.h"
#include "content.h"
#include "content_edit.h"
#include "db.h"
#include "entitlement.h"
#include "job_email.h"
#include "jwt.h"
#include "mail.h"
#include "media.h"
#include "migrate.h"
#include "oauth_client.h"
#include "passwd.h"
#include "queue.h"
#include "signing_key.h"
#include "staff.h"
#include "str.h"
#include "user.h"
#include "validate.h"
#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* "YYYY-MM-DD HH:MM:SSZ" (or with T) as a Unix time; -1 when it is not one. */
static int parse_utc(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int used = 0;

	if (sscanf(s, "%4d-%2d-%2d%*1[ T]%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &used) != 6 ||
	    used != 20 || (size_t)used != strlen(s))
		return -1;
	int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday, h = tm.tm_hour, mi = tm.tm_min, sec = tm.tm_sec;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	/* timegm normalises out-of-range fields: compare to refuse 2026-02-30 or 25:00. */
	if (tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi ||
	    tm.tm_sec != sec)
		return -1;
	return 0;
}

static void print_errors(const char *what, const struct validate *v)
{
	for (size_t i = 0; i < v->n; i++)
		fprintf(stderr, "motusctl %s: %s: %s\n", what, v->errors[i].field, v->errors[i].detail);
}

static int content_schedule(struct worker *w, const char *slug, const char *when)
{
	struct err e = {0};
	struct validate v;
	int64_t id, at;
	int rc;

	if (parse_utc(when, &at) < 0) {
		fprintf(stderr, "motusctl content schedule: '%s' is not a time like '2026-05-01 07:00:00Z'\n", when);
		return 2;
	}
	rc = content_edit_find_slug(w, w->arena, slug, &id, &e);
	if (rc == 0) {
		fprintf(stderr, "motusctl content schedule: no content with slug %s\n", slug);
		return 1;
	}
	validate_init(&v, w->arena);
	if (rc > 0)
		rc = content_edit_schedule(w, w->arena, id, at, "motusctl", &v, NULL, &e);
	if (rc < 0) {
		fprintf(stderr, "motusctl content schedule: %s\n", e.msg);
		return 1;
	}
	if (rc == 0) {
		print_errors("content schedule", &v);
		return 1;
	}
	printf("%s scheduled for %s\n", slug, when);
	return 0;
}

static int cmd_content(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	bool publish;

	if (argc == 3 && str_eq(argv[0], "schedule"))
		return content_schedule(w, argv[1], argv[2]);

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
		fprintf(stderr, "usage: motusctl content publish|unpublish|delete SLUG | publish-due"
				" | schedule SLUG 'YYYY-MM-DD HH:MM:SSZ'\n");
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

static int user_usage(void)
{
	fprintf(stderr, "usage: motusctl user grant EMAIL SCOPE --until YYYY-MM-DD|--days N | revoke EMAIL SCOPE"
			" | entitlements EMAIL | disable EMAIL | enable EMAIL\n");
	return 2;
}

/* The live account with this address: 1 and *u, else a message and 0. */
static int user_by_email(struct worker *w, const char *what, const char *email, struct user *u)
{
	const char *norm = user_email_normalize(w->arena, email);
	struct err e = {0};
	int rc = norm ? user_find_by_email(w->db, w->arena, norm, u, &e) : 0;

	if (rc < 0)
		fprintf(stderr, "motusctl user %s: %s\n", what, e.msg);
	else if (rc == 0)
		fprintf(stderr, "motusctl user %s: no account with email %s\n", what, email);
	return rc > 0;
}

static int user_grant(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	struct validate v;
	struct user u;
	int64_t until;
	long days;
	int rc;

	if (argc != 5)
		return user_usage();
	if (str_eq(argv[3], "--until")) {
		if (entitlement_parse_until(argv[4], &until) < 0) {
			fprintf(stderr, "motusctl user grant: --until takes a date such as 2026-12-31\n");
			return 2;
		}
	} else if (str_eq(argv[3], "--days")) {
		if (str_to_long(argv[4], 1, 36500, &days) < 0) {
			fprintf(stderr, "motusctl user grant: --days takes a number from 1 to 36500\n");
			return 2;
		}
		until = clock_unix() + (int64_t)days * 86400;
	} else {
		return user_usage();
	}
	if (!user_by_email(w, "grant", argv[1], &u))
		return 1;
	validate_init(&v, w->arena);
	rc = entitlement_grant(w->db, w->arena, u.id, argv[2], until, "motusctl", &v, &e);
	if (rc < 0) {
		fprintf(stderr, "motusctl user grant: %s\n", e.msg);
		return 1;
	}
	if (rc == 0) {
		print_errors("user grant", &v);
		return 1;
	}
	char when[32];
	time_t t = (time_t)until;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	printf("%s granted to %s until %s\n", argv[2], u.email, when);
	return 0;
}

static int cmd_user(struct worker *w, int argc, char **argv)
{
	struct err e = {0};
	struct user u;
	const char *out;
	int rc;

	if (argc >= 1 && str_eq(argv[0], "grant"))
		return user_grant(w, argc, argv);
	if (argc == 3 && str_eq(argv[0], "revoke")) {
		if (!user_by_email(w, "revoke", argv[1], &u))
			return 1;
		rc = entitlement_revoke(w->db, w->arena, u.id, argv[2], &e);
		if (rc < 0)
			fprintf(stderr, "motusctl user revoke: %s\n", e.msg);
		else if (rc == 0)
			fprintf(stderr, "motusctl user revoke: %s has no active grant of %s\n", u.email, argv[2]);
		else
			printf("%s revoked from %s\n", argv[2], u.email);
		return rc == 1 ? 0 : 1;
	}
	if (argc == 2 && str_eq(argv[0], "entitlements")) {
		if (!user_by_email(w, "entitlements", argv[1], &u))
			return 1;
		out = entitlement_list_json(w->db, w->arena, u.id, &e);
		if (!out) {
			fprintf(stderr, "motusctl user entitlements: %s\n", e.msg);
			return 1;
		}
		printf("%s\n", out);
		return 0;
	}
	if (argc == 2 && (str_eq(argv[0], "disable") || str_eq(argv[0], "enable"))) {
		bool disable = str_eq(argv[0], "disable");

		if (!user_by_email(w, argv[0], argv[1], &u))
			return 1;
		if (user_set_disabled(w->db, w->arena, u.id, disable, &e) < 0) {
			fprintf(stderr, "motusctl user %s: %s\n", argv[0], e.msg);
			return 1;
		}
		printf("%s %s\n", u.email, disable ? "disabled (its refresh tokens are revoked)" : "enabled");
		return 0;
	}
	return user_usage();
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

static int staff_usage(void)
{
	fprintf(stderr,
		"usage: motusctl staff add EMAIL editor|admin [DISPLAY_NAME] | list | set-role EMAIL editor|admin"
		" | disable EMAIL | enable EMAIL | password EMAIL\n"
		"  add and password read the password from the first line of stdin; when stdin is a terminal"
		" or that line is empty, a password is generated and printed\n");
	return 2;
}

/*
 * The new password: the first line of stdin, or generated (and printed)
 * when stdin is a terminal or sends an empty line. NULL with a message
 * printed when a given password breaks the rules.
 */
static const char *staff_password_input(struct arena *a, const char *email, bool *generated)
{
	char line[PASSWD_MAX_LENGTH * 4 + 2] = "";
	struct err e = {0};

	if (!isatty(STDIN_FILENO) && fgets(line, sizeof(line), stdin))
		line[strcspn(line, "\r\n")] = '\0';
	*generated = !*line;
	if (*generated) {
		const char *pw = staff_password_generate(a);

		if (!pw)
			fprintf(stderr, "motusctl staff: no randomness for a password\n");
		return pw;
	}
	if (passwd_check_strength(line, email, &e) < 0) {
		fprintf(stderr, "motusctl staff: %s\n", e.msg);
		return NULL;
	}
	return arena_strdup(a, line);
}

static const char *staff_hash(struct worker *w, const char *password)
{
	struct passwd_params pp = {(uint32_t)conf_int(&w->conf, CONF_PASSWD_MEMORY_KIB),
				   (uint32_t)conf_int(&w->conf, CONF_PASSWD_ITERATIONS),
				   (uint32_t)conf_int(&w->conf, CONF_PASSWD_PARALLELISM)};
	char *h = arena_alloc(w->arena, PASSWD_ENCODED_MAX);
	struct err e = {0};

	if (passwd_hash(&pp, password, h, &e) < 0) {
		fprintf(stderr, "motusctl staff: %s\n", e.msg);
		return NULL;
	}
	return h;
}

static int staff_add(struct worker *w, const char *address, const char *role, const char *name)
{
	const char *email = user_email_normalize(w->arena, address), *password, *hash, *id, *after;
	struct audit_actor who = AUDIT_ACTOR_MOTUSCTL;
	struct err e = {0};
	bool generated;

	if (!email || !staff_role_valid(role) || (name && strlen(name) > STAFF_NAME_MAX))
		return staff_usage();
	password = staff_password_input(w->arena, email, &generated);
	if (!password || !(hash = staff_hash(w, password)))
		return 1;
	if (db_begin(w->db, &e) < 0)
		goto out_error;
	if (staff_create_tx(w->db, w->arena, email, hash, name, role, &id, &e) < 0 ||
	    !(after = staff_json(w->db, w->arena, id, &e)) ||
	    audit_record_tx(w->db, w->arena, &who, "staff.create", "staff", id, NULL, after, &e) < 0 ||
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		if (e.code == DB_ERR_CONFLICT) {
			fprintf(stderr, "motusctl staff add: %s is already a staff account\n", email);
			return 1;
		}
		goto out_error;
	}
	printf("%s %s added (%s)\n", role, email, id);
	if (generated)
		printf("password: %s\n", password);
	return 0;

out_error:
	fprintf(stderr, "motusctl staff add: %s\n", e.msg);
	return 1;
}

/* One audited change of an account found by email: role, disabled or password. */
static int staff_change(struct worker *w, const char *cmd, const char *address, const char *role)
{
	const char *email = user_email_normalize(w->arena, address), *before, *after, *password = NULL, *hash = NULL;
	struct audit_actor who = AUDIT_ACTOR_MOTUSCTL;
	struct staff s;
	struct err e = {0};
	bool generated = false;
	int done, found;

	if (!email || (role && !staff_role_valid(role)))
		return staff_usage();
	found = staff_find_by_email(w->db, w->arena, email, &s, &e);
	if (found <= 0) {
		fprintf(stderr, "motusctl staff %s: %s\n", cmd, found < 0 ? e.msg : "no such staff account");
		return 1;
	}
	if (str_eq(cmd, "password")) {
		password = staff_password_input(w->arena, email, &generated);
		if (!password || !(hash = staff_hash(w, password)))
			return 1;
	}
	if (db_begin(w->db, &e) < 0)
		goto out_error;
	before = staff_json(w->db, w->arena, s.id, &e);
	done = str_eq(cmd, "set-role")  ? staff_set_role_tx(w->db, w->arena, s.id, role, &e)
	       : str_eq(cmd, "disable") ? staff_set_disabled_tx(w->db, w->arena, s.id, true, &e)
	       : str_eq(cmd, "enable")  ? staff_set_disabled_tx(w->db, w->arena, s.id, false, &e)
					: staff_set_password_tx(w->db, w->arena, s.id, hash, &e);
	after = done == 1 ? staff_json(w->db, w->arena, s.id, &e) : NULL;
	if (!before || done != 1 || !after ||
	    audit_record_tx(w->db, w->arena, &who,
			    str_eq(cmd, "set-role") ? "staff.set_role" : arena_printf(w->arena, "staff.%s", cmd),
			    "staff", s.id, hash ? NULL : before, hash ? NULL : after, &e) < 0 ||
	    db_commit(w->db, &e) < 0) {
		db_rollback(w->db);
		goto out_error;
	}
	printf("%s: %s done%s\n", email, cmd,
	       str_eq(cmd, "disable") || str_eq(cmd, "password") ? "; its sessions have ended" : "");
	if (generated)
		printf("password: %s\n", password);
	return 0;

out_error:
	fprintf(stderr, "motusctl staff %s: %s\n", cmd, e.msg[0] ? e.msg : "failed");
	return 1;
}

static int cmd_staff(struct worker *w, int argc, char **argv)
{
	struct err e = {0};

	if ((argc == 3 || argc == 4) && str_eq(argv[0], "add"))
		return staff_add(w, argv[1], argv[2], argc == 4 ? argv[3] : NULL);
	if (argc == 1 && str_eq(argv[0], "list")) {
		struct staff *list;
		size_t n;

		if (staff_list(w->db, w->arena, &list, &n, &e) < 0) {
			fprintf(stderr, "motusctl staff list: %s\n", e.msg);
			return 1;
		}
		printf("%-36s  %-32s  %-6s  %-8s  %-20s  %s\n", "ID", "EMAIL", "ROLE", "STATE", "LAST LOG-IN", "NAME");
		for (size_t i = 0; i < n; i++)
			printf("%-36s  %-32s  %-6s  %-8s  %-20s  %s\n", list[i].id, list[i].email, list[i].role,
			       list[i].disabled ? "disabled" : "active",
			       *list[i].last_login_at ? list[i].last_login_at : "-", list[i].display_name);
		return 0;
	}
	if (argc == 3 && str_eq(argv[0], "set-role"))
		return staff_change(w, argv[0], argv[1], argv[2]);
	if (argc == 2 && (str_eq(argv[0], "disable") || str_eq(argv[0], "enable") || str_eq(argv[0], "password")))
		return staff_change(w, argv[0], argv[1], NULL);
	return staff_usage();
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
	{"content", "publish|unpublish|delete SLUG | publish-due | schedule SLUG 'YYYY-MM-DD HH:MM:SSZ'",
	 "publish a content item now, take it back to draft or delete it (the cached catalogue is invalidated at once); "
	 "publish what is due; schedule an item (the queue worker publishes it then)",
	 cmd_content},
	{"user",
	 "grant EMAIL SCOPE --until DATE|--days N | revoke EMAIL SCOPE | entitlements EMAIL | disable|enable EMAIL",
	 "premium entitlements of an account (carried by its next access token); disable an account (log-in and "
	 "refresh refused, its refresh tokens revoked) or enable it again",
	 cmd_user},
	{"staff", "add EMAIL ROLE [NAME] | list | set-role EMAIL ROLE | disable|enable|password EMAIL",
	 "CMS staff accounts (roles editor, admin): add one (password from stdin, or generated and printed when stdin is "
	 "a terminal or empty), list them, change a role, disable (ends its sessions) or enable one, set a new password",
	 cmd_staff},
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
