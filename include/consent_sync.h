/*
 * consent_sync: the job that tells the marketing platform when a user's
 * consents change. The change and its job commit together (the job is
 * queued by the consents operation, user_settings.h); the `outbound` queue
 * POSTs the job's JSON to consent_sync_url with an HMAC signature, retrying
 * with backoff like any job, so a slow or failing platform never slows the
 * API.
 *
 * Signature: X-Motus-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed with consent_sync_secret>; the receiver recomputes it
 * and refuses old timestamps (replay). X-Motus-Delivery carries the job id,
 * the same on every retry, for the receiver's de-duplication.
 */
#ifndef MOTUS_CONSENT_SYNC_H
#define MOTUS_CONSENT_SYNC_H

#include "err.h"

struct arena;
struct queue_job;
struct worker;

/* The job: POSTs the payload. 2xx done; 4xx other than 408/429 permanent; anything else retried. */
int job_consent_sync_run(struct worker *w, struct arena *a, const struct queue_job *job, struct err *e);

/* The X-Motus-Signature value for body at time t (also for receivers' tests). */
const char *consent_sync_signature(struct arena *a, const char *secret, long t, const char *body);

#endif
