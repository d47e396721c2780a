/*
 * conf: every setting Motus has, in one table. Values come from the table's
 * defaults, then the config file (`name = value` lines, `#` comments, a later
 * line wins), then MOTUS_<NAME> environment variables. The loader, `motusctl
 * config check`, the dev scripts (`motusctl config get`) and the docs check
 * all read the same table.
 */
#ifndef MOTUS_CONF_H
#define MOTUS_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* X(key, name, type, default, min, max, secret, help) */
#define CONF_SETTINGS(X)                                                                                              \
	X(DB_CONNINFO, "db_conninfo", CONF_STR, "dbname=motus", 0, 0, true,                                           \
	  "libpq connection string of the primary database")                                                          \
	X(DB_READ_CONNINFO, "db_read_conninfo", CONF_STR, "", 0, 0, true,                                             \
	  "libpq connection string of a read replica for catalogue reads; empty: everything reads the primary")       \
	X(DB_READ_RETRY_S, "db_read_retry_s", CONF_INT, "5", 1, 3600, false,                                          \
	  "after the replica failed, catalogue reads go to the primary for this long before it is tried again")       \
	X(DB_STATEMENT_TIMEOUT_MS, "db_statement_timeout_ms", CONF_INT, "5000", 10, 600000, false,                    \
	  "longest a single SQL statement may run before Postgres cancels it")                                        \
	X(DB_CONNECT_TIMEOUT_S, "db_connect_timeout_s", CONF_INT, "2", 1, 60, false,                                  \
	  "how long a worker waits for a new database connection")                                                    \
	X(DB_PREPARED_STATEMENTS, "db_prepared_statements", CONF_INT, "1", 0, 1, false,                               \
	  "1: hot statements are prepared once per connection; 0: behind a pooler that cannot track them")            \
	X(MEMCACHED_SERVERS, "memcached_servers", CONF_STR, "127.0.0.1:11211", 0, 0, false,                           \
	  "comma-separated host:port list, consistently hashed")                                                      \
	X(CACHE_TIMEOUT_MS, "cache_timeout_ms", CONF_INT, "50", 1, 5000, false,                                       \
	  "connect and I/O timeout of one memcached call")                                                            \
	X(CACHE_RETRY_S, "cache_retry_s", CONF_INT, "2", 0, 3600, false,                                              \
	  "after a memcached failure, skip the cache for this long before trying again")                              \
	X(CACHE_TTL_S, "cache_ttl_s", CONF_INT, "300", 1, 86400, false,                                               \
	  "lifetime of a cached representation (generation bumps invalidate sooner)")                                 \
	X(MAX_BODY_BYTES, "max_body_bytes", CONF_INT, "1048576", 0, 1073741824, false,                                \
	  "largest request body a worker reads; larger gets 413")                                                     \
	X(MAX_JSON_DEPTH, "max_json_depth", CONF_INT, "32", 2, 1000, false,                                           \
	  "deepest nesting accepted in a JSON request body")                                                          \
	X(MAX_REQUESTS, "max_requests", CONF_INT, "10000", 0, 100000000, false,                                       \
	  "a worker exits after about this many requests and is replaced (0: never)")                                 \
	X(METRICS_SHM_PATH, "metrics_shm_path", CONF_STR, "/run/motus/metrics", 0, 0, false,                          \
	  "file mapped by every worker of the pool to share counters")                                                \
	X(METRICS_ALLOW, "metrics_allow", CONF_STR, "127.0.0.0/8,::1", 0, 0, false,                                   \
	  "addresses (IPv4 CIDR or exact) allowed to read /metrics")                                                  \
	X(TRUSTED_PROXIES, "trusted_proxies", CONF_STR, "", 0, 0, false,                                              \
	  "proxies (addresses or CIDRs) whose X-Forwarded-For the web server takes as the client's address")          \
	X(LOG_LEVEL, "log_level", CONF_STR, "info", 0, 0, false, "debug, info, warn or error")                        \
	X(ADMIN_TOKEN, "admin_token", CONF_STR, "", 0, 0, true,                                                       \
	  "bearer token for the operations API (PUT /v1/admin/...); empty disables it")                               \
	X(PASSWD_MEMORY_KIB, "passwd_memory_kib", CONF_INT, "19456", 1024, 4194304, false,                            \
	  "argon2id memory per hash in KiB (OWASP: 19456)")                                                           \
	X(PASSWD_ITERATIONS, "passwd_iterations", CONF_INT, "2", 1, 100, false, "argon2id passes (OWASP: 2)")         \
	X(PASSWD_PARALLELISM, "passwd_parallelism", CONF_INT, "1", 1, 64, false, "argon2id lanes (OWASP: 1)")         \
	X(AUTH_CODE_TTL_S, "auth_code_ttl_s", CONF_INT, "60", 10, 600, false,                                         \
	  "lifetime of an OAuth authorization code")                                                                  \
	X(REFRESH_TOKEN_TTL_S, "refresh_token_ttl_s", CONF_INT, "2592000", 60, 31536000, false,                       \
	  "lifetime of a refresh token (each refresh rotates it)")                                                    \
	X(EMAIL_VERIFY_TTL_S, "email_verify_ttl_s", CONF_INT, "172800", 60, 2592000, false,                           \
	  "lifetime of an email verification link")                                                                   \
	X(PASSWORD_RESET_TTL_S, "password_reset_ttl_s", CONF_INT, "3600", 60, 86400, false,                           \
	  "lifetime of a password reset link")                                                                        \
	X(AUTH_LIMIT_WINDOW_S, "auth_limit_window_s", CONF_INT, "900", 1, 86400, false,                               \
	  "window of the log-in, sign-up and reset rate limits")                                                      \
	X(LOGIN_LIMIT_ACCOUNT, "login_limit_account", CONF_INT, "10", 1, 100000, false,                               \
	  "log-in attempts per account per window")                                                                   \
	X(LOGIN_LIMIT_ACCOUNT_IP, "login_limit_account_ip", CONF_INT, "5", 1, 100000, false,                          \
	  "log-in attempts per account from one client address per window")                                           \
	X(LOGIN_LIMIT_IP, "login_limit_ip", CONF_INT, "50", 1, 100000, false,                                         \
	  "log-in attempts per client address per window")                                                            \
	X(SIGNUP_LIMIT_IP, "signup_limit_ip", CONF_INT, "20", 1, 100000, false,                                       \
	  "sign-ups per client address per window")                                                                   \
	X(RESET_LIMIT_ACCOUNT, "reset_limit_account", CONF_INT, "5", 1, 100000, false,                                \
	  "password reset requests per account per window")                                                           \
	X(RESET_LIMIT_IP, "reset_limit_ip", CONF_INT, "20", 1, 100000, false,                                         \
	  "password reset requests per client address per window")                                                    \
	X(CMS_SESSION_IDLE_S, "cms_session_idle_s", CONF_INT, "1800", 60, 86400, false,                               \
	  "a CMS session unused for this long ends (idle timeout)")                                                   \
	X(CMS_SESSION_MAX_S, "cms_session_max_s", CONF_INT, "43200", 300, 2592000, false,                             \
	  "a CMS session ends this long after log-in, however busy (absolute timeout)")                               \
	X(PUBLIC_BASE_URL, "public_base_url", CONF_STR, "http://127.0.0.1:8080", 0, 0, false,                         \
	  "where people and apps reach this server (scheme://host[:port]): the base of the links in emails")          \
	X(MEDIA_BASE_URL, "media_base_url", CONF_STR, "", 0, 0, false,                                                \
	  "where the API's media URLs start (a CDN in front of /media/); empty: public_base_url")                     \
	X(APP_LINK_BASE, "app_link_base", CONF_STR, "", 0, 0, false,                                                  \
	  "base URL of the links in emails (the apps' universal links); empty: this server's account pages")          \
	X(JWT_ISSUER, "jwt_issuer", CONF_STR, "http://127.0.0.1:8080", 0, 0, false,                                   \
	  "iss of every access token and the OAuth issuer identifier: the API's public base URL")                     \
	X(JWT_AUDIENCE, "jwt_audience", CONF_STR, "motus-api", 0, 0, false,                                           \
	  "aud of every access token; tokens for another audience are refused")                                       \
	X(ACCESS_TOKEN_TTL_S, "access_token_ttl_s", CONF_INT, "600", 30, 86400, false, "lifetime of an access token") \
	X(JWT_LEEWAY_S, "jwt_leeway_s", CONF_INT, "30", 0, 300, false,                                                \
	  "clock skew tolerated when checking exp, nbf and iat")                                                      \
	X(TOKEN_CACHE_ENTRIES, "token_cache_entries", CONF_INT, "4096", 0, 1048576, false,                            \
	  "verified access tokens each worker remembers (0: verify every request)")                                   \
	X(SIGNING_KEYS_REFRESH_S, "signing_keys_refresh_s", CONF_INT, "60", 1, 3600, false,                           \
	  "how often a worker re-reads the token signing keys (a rotation is picked up within this)")                 \
	X(MIGRATIONS_DIR, "migrations_dir", CONF_STR, "/usr/share/motus/sql/migrations", 0, 0, false,                 \
	  "directory of NNNN_name.sql files applied by motusctl migrate")                                             \
	X(SEED_DIR, "seed_dir", CONF_STR, "/usr/share/motus/sql/seed", 0, 0, false,                                   \
	  "demo data loaded by motusctl seed")                                                                        \
	X(TEMPLATES_DIR, "templates_dir", CONF_STR, "/usr/share/motus/www/templates", 0, 0, false,                    \
	  "Mustache templates of pages and emails, compiled once per worker at start")                                \
	X(FCGI_SOCKET, "fcgi_socket", CONF_STR, "/run/motus/motus.sock", 0, 0, false,                                 \
	  "unix socket the pool listens on; only the web server may open it")                                         \
	X(WORKERS, "workers", CONF_INT, "4", 1, 512, false, "FastCGI worker processes in the pool")                   \
	X(HTTP_PORT, "http_port", CONF_INT, "8080", 1, 65535, false, "dev stack: nginx port")                         \
	X(APACHE_PORT, "apache_port", CONF_INT, "8081", 1, 65535, false,                                              \
	  "dev stack: Apache port (when MOTUS_WEB is apache or both)")                                                \
	X(MEMCACHED_PORT, "memcached_port", CONF_INT, "11311", 1, 65535, false,                                       \
	  "dev stack: port of the memcached it starts")                                                               \
	X(SMTP_URL, "smtp_url", CONF_STR, "smtp://127.0.0.1:25", 0, 0, true,                                          \
	  "where mail is sent: smtp://host:port or smtps://user:password@host:port (secret)")                         \
	X(MAIL_FROM, "mail_from", CONF_STR, "no-reply@localhost", 0, 0, false,                                        \
	  "sender address of transactional email (envelope and From header)")                                         \
	X(SMTP_TIMEOUT_S, "smtp_timeout_s", CONF_INT, "30", 1, 600, false,                                            \
	  "longest one SMTP delivery may take, connection included")                                                  \
	X(CONSENT_SYNC_URL, "consent_sync_url", CONF_STR, "", 0, 0, false,                                            \
	  "where consent changes are POSTed (the marketing platform's webhook); empty: not synced")                   \
	X(CONSENT_SYNC_SECRET, "consent_sync_secret", CONF_STR, "", 0, 0, true,                                       \
	  "HMAC-SHA256 key of the X-Motus-Signature header on consent sync calls")                                    \
	X(OUTBOUND_TIMEOUT_S, "outbound_timeout_s", CONF_INT, "10", 1, 300, false,                                    \
	  "total timeout of an outbound HTTP call made by a job")                                                     \
	X(WORKER_QUEUES, "worker_queues", CONF_STR, "email,email_attachments,outbound,scheduled", 0, 0, false,        \
	  "queues a motus-worker serves when not given --queues")                                                     \
	X(QUEUE_LEASE_S, "queue_lease_s", CONF_INT, "120", 1, 86400, false,                                           \
	  "how long a claimed job is held before another worker may take it over")                                    \
	X(QUEUE_POLL_MS, "queue_poll_ms", CONF_INT, "5000", 50, 600000, false,                                        \
	  "a worker looks for due jobs at least this often when no NOTIFY arrives")                                   \
	X(QUEUE_MAX_ATTEMPTS, "queue_max_attempts", CONF_INT, "8", 1, 1000, false,                                    \
	  "attempts before a job becomes a dead letter")                                                              \
	X(QUEUE_BACKOFF_BASE_MS, "queue_backoff_base_ms", CONF_INT, "15000", 1, 86400000, false,                      \
	  "delay before the first retry; doubles with each further attempt (+-25% jitter)")                           \
	X(QUEUE_BACKOFF_MAX_S, "queue_backoff_max_s", CONF_INT, "3600", 1, 604800, false,                             \
	  "longest delay between two attempts")                                                                       \
	X(QUEUE_KEEP_DAYS, "queue_keep_days", CONF_INT, "14", 0, 3650, false,                                         \
	  "motusctl jobs purge deletes done and dead jobs finished longer ago than this")                             \
	X(SMTP_SINK_PORT, "smtp_sink_port", CONF_INT, "2525", 1, 65535, false,                                        \
	  "dev stack: port of the local SMTP sink that stores mail in var/mail")                                      \
	X(MAX_UPLOAD_BYTES, "max_upload_bytes", CONF_INT, "67108864", 0, 1073741824, false,                           \
	  "largest request body of an upload route (ROUTE_UPLOAD); larger gets 413")                                  \
	X(MEDIA_DIR, "media_dir", CONF_STR, "/var/lib/motus/media", 0, 0, false,                                      \
	  "where uploaded media are stored (public/ for images, private/ for video and audio)")                       \
	X(MEDIA_PUBLIC_URL, "media_public_url", CONF_STR, "/media/public", 0, 0, false,                               \
	  "URL prefix under which the web server (or a CDN) serves media_dir/public")                                 \
	X(MEDIA_URL_SECRET, "media_url_secret", CONF_STR, "", 0, 0, true,                                             \
	  "HMAC-SHA256 key of signed media URLs; at least 32 characters, motus-fcgi refuses to start without it")     \
	X(MEDIA_URL_TTL_S, "media_url_ttl_s", CONF_INT, "300", 10, 86400, false, "lifetime of a signed media URL")    \
	X(CORS_ORIGINS, "cors_origins", CONF_STR, "", 0, 0, false,                                                    \
	  "web origins allowed by CORS besides those of the registered redirect URIs; * for any")                     \
	X(CORS_MAX_AGE_S, "cors_max_age_s", CONF_INT, "600", 0, 86400, false,                                         \
	  "how long a browser may keep a CORS preflight answer")                                                      \
	X(TEST_CLOCK_FILE, "test_clock_file", CONF_STR, "", 0, 0, false,                                              \
	  "test stacks only: a file of whole seconds added to the wall clock (empty: the system clock)")

enum conf_key {
#define CONF_ENUM(key, ...) CONF_##key,
	CONF_SETTINGS(CONF_ENUM)
#undef CONF_ENUM
		CONF_COUNT
};

enum conf_type { CONF_STR, CONF_INT };

struct conf_setting {
	const char *name;
	enum conf_type type;
	const char *def;
	long min, max;
	bool secret;
	const char *help;
};

extern const struct conf_setting conf_settings[CONF_COUNT];

struct conf {
	char *str[CONF_COUNT];
	long num[CONF_COUNT];
};

/*
 * Loads defaults, then `path` (skipped when NULL), then the environment.
 * Unknown names, bad values and unreadable files fail with a line number.
 * On failure the struct still holds valid values and must be released.
 */
int conf_load(struct conf *c, const char *path, struct err *e) MOTUS_MUSTCHECK;
void conf_release(struct conf *c);

/* The setting's index, or -1. */
int conf_find(const char *name);

const char *conf_str(const struct conf *c, enum conf_key k);
long conf_int(const struct conf *c, enum conf_key k);

/*
 * For the docs check: the first setting whose name does not appear in `text`
 * as a whole word, or NULL when all do.
 */
const char *conf_first_undocumented(const char *text);

#endif
