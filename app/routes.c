/* routes: every route of the API and the CMS, in one table: what it answers, what it needs, how it is cached. */
#include "routes.h"
#include "api.h"
#include "client_config.h"
#include "cms.h"
#include "conf.h"
#include "content.h"
#include "http_response.h"
#include "media.h"
#include "signing_key.h"
#include "vocabulary.h"

#include "str.h"
#include "xmalloc.h"

#include <stdio.h>

static const char *const config_query[] = {"platform", "version", NULL};
static const char *const content_query[] = {"kind", "tag",  "meal",   "diet",  "equipment",
					    "q",    "sort", "cursor", "limit", NULL};
static const char *const popular_query[] = {"kind", "window", NULL};
static const char *const changes_query[] = {"since", NULL};
static const char *const page_query[] = {"cursor", "limit", NULL};
static const char *const cms_login_query[] = {"next", NULL};
static const char *const cms_content_query[] = {"q", "kind", "status", "tag", "page", NULL};
static const char *const cms_audit_query[] = {"before", "action", "staff", "target", NULL};
static const char *const cms_users_query[] = {"q", "page", NULL};
static const char *const cms_new_query[] = {"kind", NULL};
static const char *const cms_page_query[] = {"page", NULL};
static const char *const signed_query[] = {"exp", "sig", NULL};
static const char *const link_query[] = {"token", NULL};
static const char *const authorize_query[] = {
	"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
	"scope",         NULL};

const struct route routes[] = {
	{{"GET", "/healthz"}, api_health_live, 0, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"GET", "/readyz"}, api_health_ready, 0, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"GET", "/metrics"}, api_health_metrics, ROUTE_METRICS_ACL, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"GET", "/.well-known/jwks.json"}, api_wellknown_jwks, 0, NULL, NULL, SIGNING_KEY_JWKS_CACHE_CONTROL},
	{{"GET", "/.well-known/oauth-authorization-server"},
	 api_wellknown_oauth_metadata,
	 0,
	 NULL,
	 NULL,
	 SIGNING_KEY_JWKS_CACHE_CONTROL},
	{{"GET", "/v1/config"}, api_config_get, 0, config_query, NULL, CLIENT_CONFIG_CACHE_CONTROL},
	{{"GET", "/v1/token-info"}, api_token_info, ROUTE_BEARER, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"GET", "/v1/vocabularies"}, api_vocabularies_get, 0, NULL, NULL, VOCABULARY_CACHE_CONTROL},
	{{"PUT", "/v1/admin/config/{platform}"},
	 api_config_put,
	 ROUTE_SERVICE_TOKEN | ROUTE_JSON_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},

	{{"POST", "/v1/auth/signup"}, api_auth_signup, ROUTE_JSON_BODY, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/v1/auth/verify-email"}, api_auth_verify_email, ROUTE_JSON_BODY, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/v1/auth/password-reset"},
	 api_auth_password_reset,
	 ROUTE_JSON_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/v1/auth/password-reset/confirm"},
	 api_auth_password_reset_confirm,
	 ROUTE_JSON_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/v1/auth/verify-email/resend"},
	 api_auth_verify_email_resend,
	 ROUTE_JSON_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},

	/* The account pages the links in emails lead to (api/account_pages.c); a mail's link may gain tracking
	 * parameters on its way, so their queries are lenient. */
	{{"GET", "/account/verify-email"},
	 api_account_verify_page,
	 ROUTE_QUERY_LENIENT,
	 link_query,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/account/verify-email"},
	 api_account_verify_submit,
	 ROUTE_FORM_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/account/reset-password"},
	 api_account_reset_page,
	 ROUTE_QUERY_LENIENT,
	 link_query,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/account/reset-password"},
	 api_account_reset_submit,
	 ROUTE_FORM_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/account/forgot-password"}, api_account_forgot_page, 0, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/account/forgot-password"},
	 api_account_forgot_submit,
	 ROUTE_FORM_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/account/resend-verification"},
	 api_account_resend_submit,
	 ROUTE_FORM_BODY,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/account/signup"}, api_account_signup_page, 0, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/account/signup"}, api_account_signup_submit, ROUTE_FORM_BODY, NULL, NULL, HTTP_CACHE_NO_STORE},
	/* RFC 6749 §3.1: an authorization server ignores parameters it does not know. */
	{{"GET", "/oauth/authorize"},
	 api_oauth_authorize_page,
	 ROUTE_QUERY_LENIENT,
	 authorize_query,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/oauth/authorize"}, api_oauth_authorize_submit, ROUTE_FORM_BODY, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/oauth/token"},
	 api_oauth_token,
	 ROUTE_FORM_BODY | ROUTE_OAUTH_ERRORS,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/oauth/revoke"},
	 api_oauth_revoke,
	 ROUTE_FORM_BODY | ROUTE_OAUTH_ERRORS,
	 NULL,
	 NULL,
	 HTTP_CACHE_NO_STORE},

	{{"GET", "/v1/me"}, api_me_get, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_PRIVATE},
	{{"PATCH", "/v1/me"}, api_me_patch, ROUTE_BEARER | ROUTE_JSON_BODY, NULL, "profile", HTTP_CACHE_PRIVATE},
	{{"DELETE", "/v1/me"}, api_me_delete, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_NO_STORE},
	{{"GET", "/v1/me/export"}, api_me_export, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_PRIVATE},
	{{"GET", "/v1/me/preferences"}, api_me_preferences_get, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_PRIVATE},
	{{"PUT", "/v1/me/preferences"},
	 api_me_preferences_put,
	 ROUTE_BEARER | ROUTE_JSON_BODY,
	 NULL,
	 "profile",
	 HTTP_CACHE_PRIVATE},
	{{"GET", "/v1/me/consents"}, api_me_consents_get, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_PRIVATE},
	{{"PUT", "/v1/me/consents"},
	 api_me_consents_put,
	 ROUTE_BEARER | ROUTE_JSON_BODY,
	 NULL,
	 "profile",
	 HTTP_CACHE_PRIVATE},

	/* Public catalogue; a bearer token, when sent, unlocks the premium items its scopes cover. */
	{{"GET", "/v1/content"}, api_content_list, ROUTE_BEARER_OPTIONAL, content_query, NULL, CONTENT_CACHE_PUBLIC},
	/* Before {slug}, which would otherwise take these names (they are reserved as slugs). */
	{{"GET", "/v1/content/popular"},
	 api_content_popular,
	 ROUTE_BEARER_OPTIONAL,
	 popular_query,
	 NULL,
	 CONTENT_CACHE_PUBLIC},
	{{"GET", "/v1/content/changes"},
	 api_content_changes,
	 ROUTE_BEARER_OPTIONAL,
	 changes_query,
	 NULL,
	 CONTENT_CACHE_PUBLIC},
	{{"GET", "/v1/content/{slug}"}, api_content_get, ROUTE_BEARER_OPTIONAL, NULL, NULL, CONTENT_CACHE_PUBLIC},
	{{"PUT", "/v1/content/{slug}/like"}, api_content_like_put, ROUTE_BEARER, NULL, "profile", HTTP_CACHE_NO_STORE},
	{{"DELETE", "/v1/content/{slug}/like"},
	 api_content_like_delete,
	 ROUTE_BEARER,
	 NULL,
	 "profile",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/v1/me/likes"}, api_me_likes, ROUTE_BEARER, page_query, "profile", HTTP_CACHE_PRIVATE},
	{{"GET", "/v1/tags"}, api_tags_list, 0, NULL, NULL, CONTENT_CACHE_PUBLIC},

	/* The CMS (HTML). ROUTE_STAFF: a session cookie, the least role in scope, the CSRF token on every POST. */
	{{"GET", "/admin/login"}, cms_login_page, 0, cms_login_query, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/login"}, cms_login_submit, ROUTE_FORM_BODY, NULL, NULL, HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/logout"}, cms_logout, ROUTE_STAFF | ROUTE_FORM_BODY, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"GET", "/admin"}, cms_home, ROUTE_STAFF, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/content"}, cms_content_list, ROUTE_STAFF, cms_content_query, "editor", HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/audit"}, cms_audit_list, ROUTE_STAFF, cms_audit_query, "admin", HTTP_CACHE_NO_STORE},
	/* Editors' screens; /new before {id}, which would otherwise take it. */
	{{"GET", "/admin/content/new"}, cms_content_new, ROUTE_STAFF, cms_new_query, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content"},
	 cms_content_create,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/content/{id}"}, cms_content_edit, ROUTE_STAFF, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}"},
	 cms_content_update,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/content/{id}/preview"}, cms_content_preview, ROUTE_STAFF, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}/publish"},
	 cms_content_publish,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}/unpublish"},
	 cms_content_unpublish,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}/delete"},
	 cms_content_delete,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}/schedule"},
	 cms_content_schedule,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/content/{id}/revisions"},
	 cms_content_revisions,
	 ROUTE_STAFF,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/content/{id}/revisions/{n}"},
	 cms_content_revision,
	 ROUTE_STAFF,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/content/{id}/revisions/{n}/restore"},
	 cms_content_restore,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/media"}, cms_media_list, ROUTE_STAFF, cms_page_query, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/media"},
	 cms_media_upload,
	 ROUTE_STAFF | ROUTE_CSRF_IN_HANDLER | ROUTE_UPLOAD,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/tags"}, cms_tags_list, ROUTE_STAFF, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/tags"}, cms_tags_create, ROUTE_STAFF | ROUTE_FORM_BODY, NULL, "editor", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/tags/{slug}"},
	 cms_tags_rename,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "editor",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/staff"}, cms_staff_list, ROUTE_STAFF, NULL, "admin", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/staff"}, cms_staff_create, ROUTE_STAFF | ROUTE_FORM_BODY, NULL, "admin", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/staff/{id}/role"},
	 cms_staff_set_role,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/staff/{id}/disable"},
	 cms_staff_disable,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/staff/{id}/enable"},
	 cms_staff_enable,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/users"}, cms_users_list, ROUTE_STAFF, cms_users_query, "admin", HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/users/{id}"}, cms_users_view, ROUTE_STAFF, NULL, "admin", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/users/{id}/disable"},
	 cms_users_disable,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/users/{id}/enable"},
	 cms_users_enable,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/users/{id}/entitlements"},
	 cms_users_grant,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/users/{id}/entitlements/revoke"},
	 cms_users_revoke,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/config"}, cms_config_list, ROUTE_STAFF, NULL, "admin", HTTP_CACHE_NO_STORE},
	{{"GET", "/admin/config/{platform}"}, cms_config_edit, ROUTE_STAFF, NULL, "admin", HTTP_CACHE_NO_STORE},
	{{"POST", "/admin/config/{platform}"},
	 cms_config_save,
	 ROUTE_STAFF | ROUTE_FORM_BODY,
	 NULL,
	 "admin",
	 HTTP_CACHE_NO_STORE},
	/* Media: a signed URL for whoever may have the file, then the web server sends it (see api/media.c). */
	{{"GET", "/v1/media/{id}"}, api_media_get, ROUTE_BEARER_OPTIONAL, NULL, NULL, MEDIA_CACHE_PRIVATE},
	/* The handler sets the cache life: until the signed URL expires. */
	{{"GET", "/media/{id}"}, api_media_file, ROUTE_CACHE_IN_HANDLER, signed_query, NULL, NULL},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

size_t routes_body_limit(const struct route *rt, const struct conf *c)
{
	return (size_t)conf_int(c, rt && (rt->flags & ROUTE_UPLOAD) ? CONF_MAX_UPLOAD_BYTES : CONF_MAX_BODY_BYTES);
}

const char *routes_cache_policy(const struct route *rt, int status, bool signed_in)
{
	if (rt && (rt->flags & ROUTE_CACHE_IN_HANDLER))
		return NULL;
	if (!rt || status != 200 || !rt->cache)
		return HTTP_CACHE_NO_STORE;
	if (signed_in && str_starts_with(rt->cache, "public"))
		return HTTP_CACHE_PRIVATE;
	return rt->cache;
}

const char *const *routes_metric_labels(void)
{
	static char *labels[sizeof(routes) / sizeof(routes[0])];

	if (!labels[0])
		for (size_t i = 0; i < routes_count; i++) {
			size_t n = (size_t)snprintf(NULL, 0, "method=\"%s\",route=\"%s\"", routes[i].key.method,
						    routes[i].key.pattern) +
				   1;

			labels[i] = xmalloc(n);
			snprintf(labels[i], n, "method=\"%s\",route=\"%s\"", routes[i].key.method,
				 routes[i].key.pattern);
		}
	return (const char *const *)labels;
}
