/* jobs: every job kind motus-worker knows, one row each. */
#include "jobs.h"
#include "consent_sync.h"
#include "job_content_publish.h"
#include "job_email.h"
#include "str.h"

const struct jobs_kind jobs_table[] = {
	{"email", job_email_run},
	{"consent_sync", job_consent_sync_run},
	{"content_publish", job_content_publish_run},
};

const size_t jobs_count = sizeof(jobs_table) / sizeof(*jobs_table);

const struct jobs_kind *jobs_find(const char *kind)
{
	for (size_t i = 0; i < jobs_count; i++)
		if (str_eq(jobs_table[i].kind, kind))
			return &jobs_table[i];
	return NULL;
}
