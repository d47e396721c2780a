/* ctl/commands: every motusctl command, in one table; --help and usage errors are printed from it. */
#include "ctl.h"

const struct ctl_command ctl_commands[] = {
	{"migrate", NULL, "", "apply pending database migrations (safe to run on several hosts at once)", 0, 0,
	 ctl_schema_migrate},
	{"seed", NULL, "", "load the demo data (idempotent)", 0, 0, ctl_schema_seed},

	{"config", "check", "[DOC...]",
	 "validate the settings and print them (secrets hidden); check that each DOC lists every setting", 0, -1,
	 ctl_config_check},
	{"config", "get", "NAME", "print one setting's value", 1, 1, ctl_config_get},

	{"cache", "bump", "COLLECTION", "invalidate every cached document of a collection (content, client_config)", 1,
	 1, ctl_cache_bump},

	{"client", "add", "CLIENT_ID NAME REDIRECT_URI...",
	 "register an OAuth client (public, PKCE) with its redirect URIs, or replace one", 3, -1, ctl_client_add},
	{"client", "list", "", "list the OAuth clients and their redirect URIs", 0, 0, ctl_client_list},

	{"content", "publish", "SLUG", "publish a content item now (the apps see it at once)", 1, 1,
	 ctl_content_publish},
	{"content", "unpublish", "SLUG", "take a content item back to draft", 1, 1, ctl_content_unpublish},
	{"content", "delete", "SLUG", "delete a content item (delta sync reports it as deleted)", 1, 1,
	 ctl_content_delete},
	{"content", "schedule", "SLUG 'YYYY-MM-DD HH:MM:SSZ'",
	 "schedule a draft to go live at a time (UTC); the scheduled queue worker publishes it then", 2, 2,
	 ctl_content_schedule},
	{"content", "publish-due", "", "publish every scheduled item whose time has come", 0, 0,
	 ctl_content_publish_due},

	{"user", "grant", "EMAIL SCOPE --until YYYY-MM-DD|--days N",
	 "grant a premium entitlement (carried by the account's next access token)", 4, 4, ctl_user_grant},
	{"user", "revoke", "EMAIL SCOPE", "revoke an active entitlement", 2, 2, ctl_user_revoke},
	{"user", "entitlements", "EMAIL", "print an account's entitlements as JSON", 1, 1, ctl_user_entitlements},
	{"user", "disable", "EMAIL", "disable an account: log-in and refresh refused, its refresh tokens revoked", 1, 1,
	 ctl_user_disable},
	{"user", "enable", "EMAIL", "enable a disabled account again", 1, 1, ctl_user_enable},

	{"staff", "add", "EMAIL editor|admin [DISPLAY_NAME]",
	 "add a CMS staff account; the password is the first line of stdin, or generated and printed when stdin is a "
	 "terminal or that line is empty",
	 2, 3, ctl_staff_add},
	{"staff", "list", "", "list the staff accounts", 0, 0, ctl_staff_list},
	{"staff", "set-role", "EMAIL editor|admin", "change a staff account's role", 2, 2, ctl_staff_set_role},
	{"staff", "disable", "EMAIL", "disable a staff account (its sessions end)", 1, 1, ctl_staff_disable},
	{"staff", "enable", "EMAIL", "enable a disabled staff account", 1, 1, ctl_staff_enable},
	{"staff", "password", "EMAIL",
	 "set a new password (read from stdin like add, or generated); the account's sessions end", 1, 1,
	 ctl_staff_password},

	{"keys", "generate", "", "create the first token signing key (nothing to do when one is active)", 0, 0,
	 ctl_keys_generate},
	{"keys", "rotate", "", "activate a new signing key; the old one stays published until its tokens expire", 0, 0,
	 ctl_keys_rotate},
	{"keys", "list", "", "list the signing keys and their states", 0, 0, ctl_keys_list},
	{"keys", "pem", "[KID]", "print a public key (default: the active one) as PEM", 0, 1, ctl_keys_pem},

	{"token", "issue", "[--at UNIX_TIME] [--client CLIENT_ID] SUBJECT [SCOPE...]",
	 "print an access token for SUBJECT with the scopes (for operations and tests; --at: issued then; "
	 "--client: the client_id it names, motusctl when not given)",
	 1, -1, ctl_token_issue},

	{"jobs", "list", "[pending|running|done|dead|all] [LIMIT]", "list jobs (default: the dead letters, 50)", 0, 2,
	 ctl_jobs_list},
	{"jobs", "show", "ID", "show one job", 1, 1, ctl_jobs_show},
	{"jobs", "retry", "ID", "queue a dead job again", 1, 1, ctl_jobs_retry},
	{"jobs", "purge", "[DAYS]", "delete finished jobs older than DAYS (default: queue_keep_days)", 0, 1,
	 ctl_jobs_purge},

	{"media", "add", "[--type CONTENT_TYPE] FILE",
	 "store a media file, checked like an upload; prints its id and URL (an image's public URL, else "
	 "/v1/media/ID)",
	 1, 3, ctl_media_add},
	{"media", "list", "[KIND|all] [LIMIT]", "list the newest media files", 0, 2, ctl_media_list},

	{"mail", "test", "[--key KEY] [--attach FILE] [--dry-run] ADDRESS",
	 "enqueue a test email through the queue (--dry-run: in a transaction that is rolled back)", 1, 6,
	 ctl_mail_test},
};

const size_t ctl_commands_count = sizeof(ctl_commands) / sizeof(ctl_commands[0]);
