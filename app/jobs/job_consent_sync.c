/* job_consent_sync: consent changes to the marketing platform, signed, through the outbound queue. */
#include "arena.h"
#include "clock.h"
#include "consent_sync.h"
#include "crypto.h"
#include "jobs.h"
#include "json.h"
#include "op.h"
#include "queue.h"
#include "str.h"
#include "transfer.h"
#include "worker.h"

#include <string.h>

const char *consent_sync_signature(struct arena *a, const char *secret, long t, const char *body)
{
	const char *signed_text = arena_printf(a, "%ld.%s", t, body);
	unsigned char mac[32];
	char hex[65];

	crypto_hmac_sha256(mac, secret, strlen(secret), signed_text, strlen(signed_text));
	str_hex(hex, mac, sizeof(mac));
	return arena_printf(a, "t=%ld,v1=%s", t, hex);
}

int job_consent_sync_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e)
{
	const char *url = conf_str(&w->conf, CONF_CONSENT_SYNC_URL);
	const char *headers[] = {
		"Content-Type: application/json",
		"X-Motus-Event: consent.changed",
		arena_printf(a, "X-Motus-Delivery: %ld", job->id),
		arena_printf(a, "X-Motus-Signature: %s",
			     consent_sync_signature(a, conf_str(&w->conf, CONF_CONSENT_SYNC_SECRET), (long)clock_unix(),
						    job->payload)),
		NULL,
	};
	long status;

	if (!*url)
		return err_set(e, JOBS_ERR_PERMANENT, "consent_sync_url is not set");
	if (transfer_post(url, headers, job->payload, strlen(job->payload), conf_int(&w->conf, CONF_OUTBOUND_TIMEOUT_S),
			  &status, e) < 0)
		return -1; /* no answer: retry */
	if (status >= 200 && status < 300)
		return 0;
	if (status >= 400 && status < 500 && status != 408 && status != 429)
		return err_set(e, JOBS_ERR_PERMANENT, "consent sync refused with HTTP %ld", status);
	return err_set(e, JOBS_ERR_RETRY, "consent sync answered HTTP %ld", status);
}
