/* api: the JSON handlers, named api_<resource>_<action>; each is a row of routes[]. */
#ifndef MOTUS_API_H
#define MOTUS_API_H

struct http_request;
struct http_response;
struct worker;

#define API_HANDLER(name) void name(struct worker *w, struct http_request *req, struct http_response *resp)

API_HANDLER(api_health_live);
API_HANDLER(api_health_ready);
API_HANDLER(api_health_metrics);
API_HANDLER(api_config_get);
API_HANDLER(api_config_put);
API_HANDLER(api_wellknown_jwks);
API_HANDLER(api_wellknown_oauth_metadata);
API_HANDLER(api_token_info);
API_HANDLER(api_auth_signup);
API_HANDLER(api_auth_verify_email);
API_HANDLER(api_auth_password_reset);
API_HANDLER(api_auth_password_reset_confirm);
API_HANDLER(api_auth_verify_email_resend);
API_HANDLER(api_account_verify_page);
API_HANDLER(api_account_verify_submit);
API_HANDLER(api_account_reset_page);
API_HANDLER(api_account_reset_submit);
API_HANDLER(api_account_forgot_page);
API_HANDLER(api_account_forgot_submit);
API_HANDLER(api_account_resend_submit);
API_HANDLER(api_account_signup_page);
API_HANDLER(api_account_signup_submit);
API_HANDLER(api_oauth_authorize_page);
API_HANDLER(api_oauth_authorize_submit);
API_HANDLER(api_oauth_token);
API_HANDLER(api_oauth_revoke);
API_HANDLER(api_me_get);
API_HANDLER(api_me_patch);
API_HANDLER(api_me_delete);
API_HANDLER(api_me_export);
API_HANDLER(api_me_preferences_get);
API_HANDLER(api_me_preferences_put);
API_HANDLER(api_me_consents_get);
API_HANDLER(api_me_consents_put);
API_HANDLER(api_content_list);
API_HANDLER(api_content_get);
API_HANDLER(api_tags_list);
API_HANDLER(api_vocabularies_get);
API_HANDLER(api_content_popular);
API_HANDLER(api_content_changes);
API_HANDLER(api_content_like_put);
API_HANDLER(api_content_like_delete);
API_HANDLER(api_me_likes);
API_HANDLER(api_media_get);
API_HANDLER(api_media_file);

#endif
