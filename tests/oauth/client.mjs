// A third-party view of Motus's OAuth server: a standard, strict client library
// (oauth4webapi) does discovery, the PKCE authorization code flow, a refresh,
// a protected call and a revocation. The "user" fills in our log-in page the
// way a browser would. Environment: MOTUS_ISSUER, MOTUS_EMAIL, MOTUS_PASSWORD.
// Prints one JSON line of results; exits non-zero on the first failure.
import * as oauth from 'oauth4webapi';

const issuer = new URL(process.env.MOTUS_ISSUER);
const insecure = { [oauth.allowInsecureRequests]: true }; // the test stack speaks plain HTTP on loopback
const client = { client_id: 'motus-cli' };
const auth = oauth.None();
const redirectUri = 'http://127.0.0.1:53682/oauth/callback'; // loopback: any port is fine (RFC 8252 §7.3)

const as = await oauth.processDiscoveryResponse(issuer,
  await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));

const verifier = oauth.generateRandomCodeVerifier();
const state = oauth.generateRandomState();
const authorize = new URL(as.authorization_endpoint);
authorize.search = new URLSearchParams({
  response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: 'profile', state,
  code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
}).toString();

// The user agent: load the log-in page, keep its cookie, post the form.
const page = await fetch(authorize, { redirect: 'manual' });
if (page.status !== 200) throw new Error(`log-in page: ${page.status}`);
const html = await page.text();
const cookie = page.headers.get('set-cookie').split(';')[0];
const form = new URLSearchParams();
for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
  form.append(name, value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<').replaceAll('&gt;', '>'));
form.set('email', process.env.MOTUS_EMAIL);
form.set('password', process.env.MOTUS_PASSWORD);
const login = await fetch(as.authorization_endpoint, {
  method: 'POST', redirect: 'manual', body: form, headers: { cookie },
});
if (login.status !== 303) throw new Error(`log-in: ${login.status} ${await login.text()}`);

// The client again: it checks state and iss (RFC 9207) itself.
const params = oauth.validateAuthResponse(as, client, new URL(login.headers.get('location')), state);
const tokens = await oauth.processAuthorizationCodeResponse(as, client,
  await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, insecure));
const refreshed = await oauth.processRefreshTokenResponse(as, client,
  await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, insecure));
const me = await oauth.protectedResourceRequest(refreshed.access_token, 'GET',
  new URL('/v1/me', issuer), undefined, undefined, insecure);
if (me.status !== 200) throw new Error(`/v1/me: ${me.status}`);
await oauth.processRevocationResponse(
  await oauth.revocationRequest(as, client, auth, refreshed.refresh_token, insecure));

// After revocation the refresh token is dead: the library must surface invalid_grant.
let afterRevoke = 'accepted';
try {
  await oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token, insecure));
} catch (e) {
  afterRevoke = e.error ?? e.cause?.error ?? String(e.code ?? e.message);
}

console.log(JSON.stringify({
  issuer: as.issuer,
  token_type: tokens.token_type,
  rotated: refreshed.refresh_token !== tokens.refresh_token,
  email: (await me.json()).email,
  after_revoke: afterRevoke,
}));
