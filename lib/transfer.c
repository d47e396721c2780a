/* transfer: SMTP submissions and HTTP POSTs with libcurl. */
#include "transfer.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

void transfer_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void transfer_global_cleanup(void)
{
	curl_global_cleanup();
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_upload(char *dst, size_t size, size_t nmemb, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static size_t discard(char *p, size_t size, size_t nmemb, void *ctx)
{
	(void)p, (void)ctx;
	return size * nmemb;
}

/* What every transfer gets: timeouts, no signals, no proxy taken from the environment. */
static void common(CURL *h, const char *url, long timeout_s, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s < 10 ? timeout_s : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

int transfer_smtp(const char *url, const char *from, const char *to, const char *data, size_t len, long timeout_s,
		  long *reply, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "", mail_from[300], rcpt[300];
	struct upload up = {data, len};
	struct curl_slist *rcpts;
	CURL *h = curl_easy_init();
	CURLcode rc;

	*reply = 0;
	if (!h)
		return err_set(e, 0, "curl_easy_init failed");
	snprintf(mail_from, sizeof(mail_from), "<%s>", from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	rcpts = curl_slist_append(NULL, rcpt);
	common(h, url, timeout_s, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, reply);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK)
		return 0;
	return err_set(e, 0, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
}

int transfer_post(const char *url, const char *const *headers, const char *body, size_t len, long timeout_s,
		  long *status, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *list = NULL;
	CURL *h = curl_easy_init();
	CURLcode rc;

	*status = 0;
	if (!h)
		return err_set(e, 0, "curl_easy_init failed");
	for (const char *const *p = headers; p && *p; p++)
		list = curl_slist_append(list, *p);
	list = curl_slist_append(list, "Expect:");
	common(h, url, timeout_s, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(list);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK)
		return 0;
	return err_set(e, 0, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
}
