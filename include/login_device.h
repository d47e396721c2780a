/*
 * login_device: device cookies (OWASP, "Slow Down Online Guessing Attacks
 * with Device Cookies"), so that password guessing cannot lock an owner out.
 * A successful log-in hands the browser a cookie naming the account it logged
 * in to: a random nonce and an HMAC-SHA256 over the realm ("app", "cms"), the
 * account's normalised email and the nonce. An attempt that carries a valid
 * cookie for the account it names counts under that cookie (auth_limit_hit's
 * device) instead of the account's limit for clients it has never seen, which
 * guessing from anywhere fills. The key is derived from media_url_secret
 * (HMAC under a label of its own): the deployment's one required secret;
 * changing it voids every device cookie, and their browsers count as new.
 */
#ifndef MOTUS_LOGIN_DEVICE_H
#define MOTUS_LOGIN_DEVICE_H

struct arena;
struct worker;

#define LOGIN_DEVICE_MAX_AGE_S (365L * 86400) /* a year: what "this browser logged in before" means */

/* A new device cookie's value for email (normalised) in realm, or NULL when no random bytes could be had. */
const char *login_device_issue(struct worker *w, struct arena *a, const char *realm, const char *email);

/*
 * The device's id (its nonce) when cookie is a device cookie issued for email
 * in realm; NULL for no cookie, another account's, a forged or a malformed one.
 */
const char *login_device_id(struct worker *w, struct arena *a, const char *realm, const char *email,
			    const char *cookie);

#endif
