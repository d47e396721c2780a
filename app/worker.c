/* worker: building and releasing the process-lifetime state. */
#include "worker.h"
#include "arena.h"
#include "cache.h"
#include "clock.h"
#include "db.h"
#include "jwt_cache.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "signing_key.h"
#include "tmpl_set.h"
#include "web_origin.h"

#include <string.h>

int worker_init(struct worker *w, const char *config_path, unsigned parts, struct err *e)
{
	memset(w, 0, sizeof(*w));
	if (conf_load(&w->conf, config_path, e) < 0)
		return -1;
	log_set_level((enum log_level)log_level_parse(conf_str(&w->conf, CONF_LOG_LEVEL)));
	clock_use_test_file(conf_str(&w->conf, CONF_TEST_CLOCK_FILE));
	w->arena = arena_new(64 * 1024);
	if (parts & WORKER_METRICS) {
		w->metrics = metrics_attach(conf_str(&w->conf, CONF_METRICS_SHM_PATH), routes_metric_labels(),
					    routes_count, e);
		if (!w->metrics)
			return -1;
	}
	w->db = db_new(conf_str(&w->conf, CONF_DB_CONNINFO), (int)conf_int(&w->conf, CONF_DB_CONNECT_TIMEOUT_S),
		       (int)conf_int(&w->conf, CONF_DB_STATEMENT_TIMEOUT_MS),
		       conf_int(&w->conf, CONF_DB_PREPARED_STATEMENTS) == 1);
	if (*conf_str(&w->conf, CONF_DB_READ_CONNINFO))
		w->db_read = db_new(conf_str(&w->conf, CONF_DB_READ_CONNINFO),
				    (int)conf_int(&w->conf, CONF_DB_CONNECT_TIMEOUT_S),
				    (int)conf_int(&w->conf, CONF_DB_STATEMENT_TIMEOUT_MS),
				    conf_int(&w->conf, CONF_DB_PREPARED_STATEMENTS) == 1);
	w->cache = cache_new(conf_str(&w->conf, CONF_MEMCACHED_SERVERS), (int)conf_int(&w->conf, CONF_CACHE_TIMEOUT_MS),
			     (int)conf_int(&w->conf, CONF_CACHE_RETRY_S), w->metrics, e);
	if (!w->cache)
		return -1;
	if (conf_int(&w->conf, CONF_TOKEN_CACHE_ENTRIES) > 0)
		w->verified_tokens = jwt_cache_new((size_t)conf_int(&w->conf, CONF_TOKEN_CACHE_ENTRIES));
	w->templates = tmpl_set_new();
	if (parts & WORKER_TEMPLATES)
		return tmpl_set_load_dir(w->templates, conf_str(&w->conf, CONF_TEMPLATES_DIR), e);
	return 0;
}

void worker_release(struct worker *w)
{
	tmpl_set_free(w->templates);
	signing_keys_free(w->keys);
	web_origins_free(w->web_origins);
	jwt_cache_free(w->verified_tokens);
	cache_free(w->cache);
	db_free(w->db);
	db_free(w->db_read);
	metrics_detach(w->metrics);
	arena_free(w->arena);
	conf_release(&w->conf);
	memset(w, 0, sizeof(*w));
}
