// How to call each operation of www/openapi.json: "METHOD /path" -> its cases, each
// { name, expect, request(ctx), then?(answer, ctx), lenientQuery? }. `request` returns
// { path, query, headers, json | form | body } (the method is the operation's); `expect`
// is the status, or { status, code, headers }. run.mjs validates every answer against
// the document and adds the cases the document implies (see there), built on the first
// case: make it a success. A new operation needs an entry here, or the suite fails.
// `prepare` makes what the cases share: accounts, tokens, a media file.
import { createHmac } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  account, accessToken, authorizeQuery, bearer, emailedToken, env, loginForm, motusctl, newPassword, pkce, send,
  uniqueEmail,
} from './stack.mjs';

// A 1x1 PNG: the smallest file the media library takes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export async function prepare(base) {
  const user = await account(base, 'contract');
  const disabled = await account(base, 'contract-disabled');
  motusctl(['user', 'disable', disabled.email]);
  const file = join(tmpdir(), `motus-contract-${process.pid}.png`);
  writeFileSync(file, PNG);
  const mediaId = motusctl(['media', 'add', file]).split(/\s+/)[0];
  rmSync(file); // the library has its copy

  return {
    base,
    user,
    disabled,
    mediaId,
    premiumToken: accessToken(user.id, 'profile', 'premium:plus'),
    unscopedToken: accessToken(user.id),
    expiredToken: motusctl(['token', 'issue', '--at', String(Math.floor(Date.now() / 1000) - 86400), user.id, 'profile']).trim(),
    notAccountToken: accessToken('not-an-account', 'profile'),
    opsToken: env.MOTUS_ADMIN_TOKEN,
    // Distinct forged client addresses (the stack trusts loopback proxies): each rate limit its own.
    address: (n) => `198.51.100.${n}`,
    get: (path, opts = {}) => send(base, { path, ...opts }),
  };
}

const me = (ctx) => bearer(ctx.user.token);

// The first answer's ETag sent back: 304.
const revalidate = (path, headers = () => ({})) => ({
  name: 'If-None-Match with the current ETag', expect: 304,
  async request(ctx) {
    const first = await send(ctx.base, { path, headers: headers(ctx) });
    return { path, headers: { ...headers(ctx), 'if-none-match': first.headers.get('etag') } };
  },
});

const code = (status, c) => ({ status, code: c });

// A log-in page and what its form needs; `query` changes the authorization request.
async function loginPage(ctx, query = {}) {
  const { verifier, challenge } = pkce();
  const page = await send(ctx.base, { path: '/oauth/authorize', query: authorizeQuery(challenge, query) });
  if (page.status !== 200) throw new Error(`log-in page: ${page.status} ${page.text.slice(0, 200)}`);
  return { verifier, ...loginForm(page) };
}

// A code from our log-in page for the user: { code, verifier }.
// Logs in again after the Retry-After of a rate limit (the suite logs the same account in often).
async function authorizationCode(ctx, who = ctx.user) {
  let verifier, login;
  for (let attempt = 0; attempt < 3; attempt++) {
    const page = await loginPage(ctx);
    verifier = page.verifier;
    login = await send(ctx.base, {
      method: 'POST', path: '/oauth/authorize', headers: { cookie: page.cookie },
      form: { ...page.form, email: who.email, password: who.password },
    });
    if (login.status !== 429) break;
    await new Promise((r) => setTimeout(r, 1000 * Number(login.headers.get('retry-after') || 1)));
  }
  const loc = login.headers.get('location');
  if (login.status !== 303 || !loc) throw new Error(`log-in: ${login.status} ${login.text.slice(0, 200)}`);
  return { code: new URL(loc).searchParams.get('code'), verifier };
}

const REDIRECT = 'http://127.0.0.1:53682/oauth/callback';

async function tokens(ctx) {
  const { code: c, verifier } = await authorizationCode(ctx);
  const r = await send(ctx.base, {
    method: 'POST', path: '/oauth/token',
    form: { grant_type: 'authorization_code', client_id: 'motus-cli', code: c, redirect_uri: REDIRECT, code_verifier: verifier },
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json();
}

// Sends requests until one is refused with 429 (at most `n`): the last request is the case's.
async function untilLimited(ctx, n, make) {
  for (let i = 0; i < n; i++) {
    const req = await make(i);
    const r = await send(ctx.base, req);
    if (r.status === 429) return req;
  }
  throw new Error(`no 429 after ${n} attempts`);
}

// A media URL signed with the test stack's key (tests/integration/stack.env).
function signedMedia(id, exp) {
  const sig = createHmac('sha256', process.env.MOTUS_MEDIA_URL_SECRET || 'test-media-url-secret-0123456789abcdef')
    .update(`${id}.${exp}`).digest('base64url');
  return { path: `/media/${id}`, query: { exp: String(exp), sig } };
}

async function mediaUrl(ctx) {
  const r = await send(ctx.base, { path: `/v1/media/${ctx.mediaId}` });
  const u = new URL(r.json().url, ctx.base);
  return { path: u.pathname, query: Object.fromEntries(u.searchParams) };
}

const VALID_PREFS = { diet: 'vegetarian', goals: ['run-5k'], equipment: ['mat'], units: 'metric' };

// An account page's form: its hidden fields (the CSRF token, the link's token) and the cookie they pair with.
async function accountForm(ctx, path, query) {
  const page = await send(ctx.base, { path, query });
  if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text.slice(0, 200)}`);
  return loginForm(page);
}

// A new account whose confirmation link is unused: { email, token }.
async function unconfirmed(ctx, who) {
  const email = uniqueEmail(who);
  await send(ctx.base, { method: 'POST', path: '/v1/auth/signup', json: { email, password: newPassword() } });
  return { email, token: await emailedToken(email, '/account/verify-email') };
}

// A verified account's emailed reset token.
async function resetToken(ctx) {
  const who = await account(ctx.base, 'reset-page');
  await send(ctx.base, { method: 'POST', path: '/v1/auth/password-reset', json: { email: who.email } });
  return emailedToken(who.email, '/account/reset-password');
}

// A POST of an account page's form with fields, the page's CSRF token and cookie.
const pagePost = (path, fields, { page = path, query, headers = {} } = {}) => async (ctx) => {
  const { form, cookie } = await accountForm(ctx, page, query);
  return { path, headers: { cookie, ...headers }, form: { ...form, ...(await fields(ctx)) } };
};

export const recipes = {
  'GET /healthz': [{ name: 'alive', expect: 200, request: () => ({ path: '/healthz' }) }],
  'GET /readyz': [{ name: 'ready', expect: 200, request: () => ({ path: '/readyz' }) }],
  'GET /metrics': [
    { name: 'from an allowed address', expect: 200, request: () => ({ path: '/metrics' }) },
    { name: 'from another address', expect: code(403, 'forbidden'),
      request: (ctx) => ({ path: '/metrics', headers: { 'x-forwarded-for': ctx.address(1) } }) },
  ],
  'GET /.well-known/jwks.json': [
    { name: 'the keys', expect: 200, request: () => ({ path: '/.well-known/jwks.json' }) },
    revalidate('/.well-known/jwks.json'),
  ],
  'GET /.well-known/oauth-authorization-server': [
    { name: 'the metadata', expect: 200, request: () => ({ path: '/.well-known/oauth-authorization-server' }),
      then: (a) => { if (!a.json().issuer.startsWith('http')) throw new Error('no issuer'); } },
    revalidate('/.well-known/oauth-authorization-server'),
  ],
  'GET /v1/config': [
    { name: 'a platform and version', expect: 200, request: () => ({ path: '/v1/config', query: { platform: 'ios', version: '2.3.0' } }) },
    { name: 'an old version must update', expect: 200, request: () => ({ path: '/v1/config', query: { platform: 'android', version: '1.0' } }),
      then: (a) => { if (a.json().force_update !== true) throw new Error('force_update is not true'); } },
    { ...revalidate('/v1/config?platform=web&version=2.0.0') },
    { name: 'no version', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/config', query: { platform: 'ios' } }) },
    { name: 'an unknown platform', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/config', query: { platform: 'palm', version: '1.0.0' } }) },
  ],
  'GET /v1/token-info': [
    { name: 'the claims', expect: 200, request: (ctx) => ({ path: '/v1/token-info', headers: me(ctx) }),
      then: (a, ctx) => { if (a.json().sub !== ctx.user.id) throw new Error('sub is not the user'); } },
  ],
  'PUT /v1/admin/config/{platform}': [
    { name: 'replaces a configuration', expect: 204,
      request: (ctx) => ({ path: '/v1/admin/config/web', headers: bearer(ctx.opsToken),
        json: { min_version: '1.0.0', latest_version: '2.4.1', update_url: null, features: { recipe_scaling: { enabled: true, min_version: null } } } }) },
    { name: 'an invalid version', expect: code(400, 'validation_failed'),
      request: (ctx) => ({ path: '/v1/admin/config/web', headers: bearer(ctx.opsToken), json: { min_version: 'x', latest_version: '2.4.1' } }) },
    { name: 'an unknown platform', expect: code(400, 'validation_failed'),
      request: (ctx) => ({ path: '/v1/admin/config/palm', headers: bearer(ctx.opsToken), json: { min_version: '1.0.0', latest_version: '2.4.1' } }) },
  ],
  'POST /v1/auth/signup': [
    { name: 'a new account', expect: 201,
      request: () => ({ path: '/v1/auth/signup', json: { email: uniqueEmail('signup'), password: newPassword(), display_name: 'Contract' } }) },
    { name: 'a taken email', expect: code(409, 'email_taken'),
      request: (ctx) => ({ path: '/v1/auth/signup', json: { email: ctx.user.email, password: newPassword() } }) },
    { name: 'a weak password', expect: code(400, 'validation_failed'),
      request: () => ({ path: '/v1/auth/signup', json: { email: uniqueEmail('weak'), password: 'short' } }) },
    { name: 'too many sign-ups from one address', expect: { status: 429, code: 'rate_limited', headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => ({ method: 'POST', path: '/v1/auth/signup', headers: { 'x-forwarded-for': ctx.address(2) },
        json: { email: uniqueEmail('limit'), password: 'short' } })) },
  ],
  'POST /v1/auth/verify-email': [
    { name: 'the emailed token', expect: 200,
      async request(ctx) {
        const email = uniqueEmail('verify');
        await send(ctx.base, { method: 'POST', path: '/v1/auth/signup', json: { email, password: newPassword() } });
        return { path: '/v1/auth/verify-email', json: { token: await emailedToken(email, '/verify-email') } };
      } },
    { name: 'an unknown token', expect: code(400, 'invalid_link'), request: () => ({ path: '/v1/auth/verify-email', json: { token: 'ab'.repeat(32) } }) },
  ],
  'POST /v1/auth/verify-email/resend': [
    { name: 'an address that waits for confirmation', expect: 202,
      request: async (ctx) => ({ path: '/v1/auth/verify-email/resend', json: { email: (await unconfirmed(ctx, 'resend')).email } }) },
    { name: 'an address nobody has: the same answer', expect: 202,
      request: () => ({ path: '/v1/auth/verify-email/resend', json: { email: uniqueEmail('nobody') } }) },
    { name: 'not an email', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/auth/verify-email/resend', json: { email: 'nope' } }) },
    { name: 'too many requests', expect: { status: 429, code: 'rate_limited', headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => ({ method: 'POST', path: '/v1/auth/verify-email/resend', headers: { 'x-forwarded-for': ctx.address(5) },
        json: { email: uniqueEmail('resend') } })) },
  ],
  'GET /v1/vocabularies': [
    { name: 'the words', expect: 200, request: () => ({ path: '/v1/vocabularies' }) },
    revalidate('/v1/vocabularies'),
  ],
  'GET /account/verify-email': [
    { name: 'the confirmation page', expect: { status: 200, headers: [['Set-Cookie', /^motus_account_csrf=/]] }, lenientQuery: true,
      request: async (ctx) => ({ path: '/account/verify-email', query: { token: (await unconfirmed(ctx, 'verify-page')).token } }) },
    { name: 'a link cut short', expect: 400, request: () => ({ path: '/account/verify-email' }) },
  ],
  'POST /account/verify-email': [
    { name: 'the button', expect: 200, async request(ctx) {
      const { token } = await unconfirmed(ctx, 'verify-post');
      return pagePost('/account/verify-email', () => ({}), { query: { token } })(ctx);
    } },
    { name: 'a spent link: the page offers a new one', expect: { status: 400, headers: ['Set-Cookie'] },
      request: pagePost('/account/verify-email', () => ({}), { query: { token: 'ab'.repeat(32) } }) },
    { name: 'no CSRF cookie', expect: 403, request: () => ({ path: '/account/verify-email', form: { csrf_token: 'x', token: 'ab'.repeat(32) } }) },
  ],
  'GET /account/reset-password': [
    { name: 'the new-password form', expect: { status: 200, headers: [['Set-Cookie', /^motus_account_csrf=/]] }, lenientQuery: true,
      request: async (ctx) => ({ path: '/account/reset-password', query: { token: await resetToken(ctx) } }) },
    { name: 'a link cut short', expect: 400, request: () => ({ path: '/account/reset-password' }) },
  ],
  'POST /account/reset-password': [
    { name: 'a new password', expect: 200, async request(ctx) {
      const token = await resetToken(ctx), password = newPassword();
      return pagePost('/account/reset-password', () => ({ password, password_again: password }), { query: { token } })(ctx);
    } },
    { name: 'two that differ: the form again', expect: { status: 400, headers: ['Set-Cookie'] },
      request: pagePost('/account/reset-password', () => ({ password: newPassword(), password_again: newPassword() }), { query: { token: 'cd'.repeat(32) } }) },
  ],
  'GET /account/forgot-password': [
    { name: 'the form', expect: { status: 200, headers: [['Set-Cookie', /^motus_account_csrf=/]] }, request: () => ({ path: '/account/forgot-password' }) },
  ],
  'POST /account/forgot-password': [
    { name: 'an address', expect: 200, request: pagePost('/account/forgot-password', (ctx) => ({ email: ctx.user.email })) },
    { name: 'not an address: the form again', expect: { status: 400, headers: ['Set-Cookie'] },
      request: pagePost('/account/forgot-password', () => ({ email: 'nope' })) },
    { name: 'no CSRF cookie', expect: 403, request: () => ({ path: '/account/forgot-password', form: { csrf_token: 'x', email: uniqueEmail('x') } }) },
    { name: 'too many requests', expect: { status: 429, headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => pagePost('/account/forgot-password', () => ({ email: uniqueEmail('forgot') }),
        { headers: { 'x-forwarded-for': ctx.address(6) } })(ctx).then((r) => ({ method: 'POST', ...r }))) },
  ],
  'POST /account/resend-verification': [
    { name: 'an address', expect: 200,
      request: pagePost('/account/resend-verification', async (ctx) => ({ email: (await unconfirmed(ctx, 'resend-page')).email }), { page: '/account/forgot-password' }) },
    { name: 'not an address: the form again', expect: { status: 400, headers: ['Set-Cookie'] },
      request: pagePost('/account/resend-verification', () => ({ email: 'nope' }), { page: '/account/forgot-password' }) },
    { name: 'too many requests', expect: { status: 429, headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => pagePost('/account/resend-verification', () => ({ email: uniqueEmail('resend-page') }),
        { page: '/account/forgot-password', headers: { 'x-forwarded-for': ctx.address(7) } })(ctx).then((r) => ({ method: 'POST', ...r }))) },
  ],
  'GET /account/signup': [
    { name: 'the form', expect: { status: 200, headers: [['Set-Cookie', /^motus_account_csrf=/]] }, request: () => ({ path: '/account/signup' }) },
  ],
  'POST /account/signup': [
    { name: 'a new account', expect: 200, request: pagePost('/account/signup', () => ({ email: uniqueEmail('page-signup'), password: newPassword() })) },
    { name: 'a weak password: the form again', expect: { status: 400, headers: ['Set-Cookie'] },
      request: pagePost('/account/signup', () => ({ email: uniqueEmail('page-signup'), password: 'short' })) },
    { name: 'a taken address', expect: 409, request: pagePost('/account/signup', (ctx) => ({ email: ctx.user.email, password: newPassword() })) },
    { name: 'too many sign-ups', expect: { status: 429, headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => pagePost('/account/signup', () => ({ email: uniqueEmail('page-signup'), password: newPassword() }),
        { headers: { 'x-forwarded-for': ctx.address(8) } })(ctx).then((r) => ({ method: 'POST', ...r }))) },
  ],
  'POST /v1/auth/password-reset': [
    { name: 'an account\'s email', expect: 202, request: (ctx) => ({ path: '/v1/auth/password-reset', json: { email: ctx.user.email } }) },
    { name: 'an email nobody has: the same answer', expect: 202, request: () => ({ path: '/v1/auth/password-reset', json: { email: uniqueEmail('nobody') } }) },
    { name: 'not an email', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/auth/password-reset', json: { email: 'nope' } }) },
    { name: 'too many requests', expect: { status: 429, code: 'rate_limited', headers: ['Retry-After'] },
      request: (ctx) => untilLimited(ctx, 40, () => ({ method: 'POST', path: '/v1/auth/password-reset', headers: { 'x-forwarded-for': ctx.address(3) },
        json: { email: uniqueEmail('reset') } })) },
  ],
  'POST /v1/auth/password-reset/confirm': [
    { name: 'the emailed token and a new password', expect: 204,
      async request(ctx) {
        const who = await account(ctx.base, 'reset');
        await send(ctx.base, { method: 'POST', path: '/v1/auth/password-reset', json: { email: who.email } });
        return { path: '/v1/auth/password-reset/confirm', json: { token: await emailedToken(who.email, '/reset-password'), password: newPassword() } };
      } },
    { name: 'an unknown token', expect: code(400, 'invalid_link'),
      request: () => ({ path: '/v1/auth/password-reset/confirm', json: { token: 'cd'.repeat(32), password: newPassword() } }) },
  ],
  'GET /oauth/authorize': [
    { name: 'the log-in page', expect: { status: 200, headers: [['Set-Cookie', /^motus_login_csrf=/]] }, lenientQuery: true,
      request: () => ({ path: '/oauth/authorize', query: authorizeQuery(pkce().challenge) }) },
    { name: 'a parameter it does not know is ignored (RFC 6749 §3.1)', expect: 200,
      request: () => ({ path: '/oauth/authorize', query: { ...authorizeQuery(pkce().challenge), prompt: 'login' } }) },
    { name: 'no PKCE: an error redirect', expect: { status: 303, headers: [['Location', /^http:\/\/127\.0\.0\.1:53682\/oauth\/callback\?error=invalid_request/]] },
      request: () => ({ path: '/oauth/authorize', query: authorizeQuery('x', { code_challenge_method: 'plain' }) }) },
    { name: 'an unsupported scope: an error redirect', expect: { status: 303, headers: [['Location', /error=invalid_scope/]] },
      request: () => ({ path: '/oauth/authorize', query: authorizeQuery(pkce().challenge, { scope: 'everything' }) }) },
    { name: 'an unknown client: the error page', expect: 400,
      request: () => ({ path: '/oauth/authorize', query: authorizeQuery(pkce().challenge, { client_id: 'nobody' }) }) },
  ],
  'POST /oauth/authorize': [
    { name: 'a log-in: the code', expect: { status: 303, headers: [['Location', /[?&]code=/], 'Set-Cookie'] },
      async request(ctx) {
        const { form, cookie } = await loginPage(ctx);
        return { path: '/oauth/authorize', headers: { cookie }, form: { ...form, email: ctx.user.email, password: ctx.user.password } };
      } },
    { name: 'a wrong password: the page again', expect: { status: 401, headers: ['Set-Cookie'] },
      async request(ctx) {
        const { form, cookie } = await loginPage(ctx);
        return { path: '/oauth/authorize', headers: { cookie }, form: { ...form, email: ctx.user.email, password: 'wrong-password-1' } };
      } },
    { name: 'a disabled account: the page again', expect: { status: 403, headers: ['Set-Cookie'] },
      async request(ctx) {
        const { form, cookie } = await loginPage(ctx);
        return { path: '/oauth/authorize', headers: { cookie }, form: { ...form, email: ctx.disabled.email, password: ctx.disabled.password } };
      } },
    { name: 'no CSRF cookie', expect: code(403, 'csrf_failed'),
      async request(ctx) {
        const { form } = await loginPage(ctx);
        return { path: '/oauth/authorize', form: { ...form, email: ctx.user.email, password: ctx.user.password } };
      } },
    { name: 'too many attempts: the page again', expect: { status: 429, headers: ['Retry-After', 'Set-Cookie'] },
      async request(ctx) {
        const email = uniqueEmail('guess');
        return untilLimited(ctx, 40, async () => {
          const { form, cookie } = await loginPage(ctx);
          return { method: 'POST', path: '/oauth/authorize', headers: { cookie, 'x-forwarded-for': ctx.address(4) },
            form: { ...form, email, password: 'wrong-password-1' } };
        });
      } },
  ],
  'POST /oauth/token': [
    { name: 'a code for tokens', expect: { status: 200, headers: [['Pragma', /^no-cache$/]] },
      async request(ctx) {
        const { code: c, verifier } = await authorizationCode(ctx);
        return { path: '/oauth/token', form: { grant_type: 'authorization_code', client_id: 'motus-cli', code: c, redirect_uri: REDIRECT, code_verifier: verifier } };
      } },
    { name: 'a refresh', expect: 200,
      async request(ctx) {
        const t = await tokens(ctx);
        return { path: '/oauth/token', form: { grant_type: 'refresh_token', client_id: 'motus-cli', refresh_token: t.refresh_token } };
      } },
    { name: 'a refresh with HTTP Basic and an empty secret, as OAuth libraries send for a public client', expect: 200,
      async request(ctx) {
        const t = await tokens(ctx);
        return { path: '/oauth/token', headers: { authorization: `Basic ${Buffer.from('motus-cli:').toString('base64')}` },
          form: { grant_type: 'refresh_token', refresh_token: t.refresh_token } };
      } },
    { name: 'HTTP Basic with a secret: a public client has none', expect: { status: 401, code: 'invalid_client', headers: [['WWW-Authenticate', /^Basic /]] },
      request: () => ({ path: '/oauth/token', headers: { authorization: `Basic ${Buffer.from('motus-cli:s3cret').toString('base64')}` },
        form: { grant_type: 'refresh_token', refresh_token: 'x' } }) },
    { name: 'a spent code', expect: code(400, 'invalid_grant'),
      async request(ctx) {
        const { code: c, verifier } = await authorizationCode(ctx);
        const form = { grant_type: 'authorization_code', client_id: 'motus-cli', code: c, redirect_uri: REDIRECT, code_verifier: verifier };
        await send(ctx.base, { method: 'POST', path: '/oauth/token', form });
        return { path: '/oauth/token', form };
      } },
    { name: 'another grant type', expect: code(400, 'unsupported_grant_type'),
      request: () => ({ path: '/oauth/token', form: { grant_type: 'password', client_id: 'motus-cli', username: 'a', password: 'b' } }) },
    { name: 'no code_verifier', expect: code(400, 'invalid_request'),
      request: () => ({ path: '/oauth/token', form: { grant_type: 'authorization_code', client_id: 'motus-cli', code: 'x', redirect_uri: REDIRECT } }) },
    { name: 'an unknown client', expect: { status: 401, code: 'invalid_client', headers: ['WWW-Authenticate'] },
      request: () => ({ path: '/oauth/token', form: { grant_type: 'refresh_token', client_id: 'nobody', refresh_token: 'x' } }) },
  ],
  'POST /oauth/revoke': [
    { name: 'a refresh token', expect: 200,
      async request(ctx) {
        const t = await tokens(ctx);
        return { path: '/oauth/revoke', form: { token: t.refresh_token, client_id: 'motus-cli' } };
      } },
    { name: 'no token', expect: code(400, 'invalid_request'), request: () => ({ path: '/oauth/revoke', form: { client_id: 'motus-cli' } }) },
    { name: 'an unknown client', expect: code(401, 'invalid_client'), request: () => ({ path: '/oauth/revoke', form: { token: 'x', client_id: 'nobody' } }) },
  ],
  'GET /v1/me': [
    { name: 'my account', expect: 200, request: (ctx) => ({ path: '/v1/me', headers: me(ctx) }) },
    revalidate('/v1/me', me),
    { name: 'a subject that is no account', expect: code(404, 'account_not_found'), request: (ctx) => ({ path: '/v1/me', headers: bearer(ctx.notAccountToken) }) },
  ],
  'PATCH /v1/me': [
    { name: 'a new display name', expect: 200, request: (ctx) => ({ path: '/v1/me', headers: me(ctx), json: { display_name: 'Contract Suite' } }),
      then: (a) => { if (a.json().display_name !== 'Contract Suite') throw new Error('display_name not changed'); } },
    { name: 'an unknown field', expect: code(400, 'validation_failed'), request: (ctx) => ({ path: '/v1/me', headers: me(ctx), json: { email: 'x@example.org' } }) },
    { name: 'a disabled account', expect: code(403, 'account_disabled'), request: (ctx) => ({ path: '/v1/me', headers: bearer(ctx.disabled.token), json: { display_name: 'x' } }) },
    { name: 'a subject that is no account', expect: code(404, 'account_not_found'), request: (ctx) => ({ path: '/v1/me', headers: bearer(ctx.notAccountToken), json: { display_name: 'x' } }) },
  ],
  'DELETE /v1/me': [
    { name: 'erases the account', expect: 204, async request(ctx) {
      const who = await account(ctx.base, 'erase');
      ctx.erased = who;
      return { path: '/v1/me', headers: bearer(who.token) };
    } },
    { name: 'an erased account', expect: code(404, 'account_not_found'), request: (ctx) => ({ path: '/v1/me', headers: bearer(ctx.erased.token) }) },
    { name: 'a disabled account', expect: code(403, 'account_disabled'), request: (ctx) => ({ path: '/v1/me', headers: bearer(ctx.disabled.token) }) },
  ],
  'GET /v1/me/export': [
    { name: 'everything about me', expect: { status: 200, headers: [['Content-Disposition', /^attachment/]] },
      async request(ctx) {
        await send(ctx.base, { method: 'PUT', path: '/v1/content/overnight-oats/like', headers: me(ctx) });
        await send(ctx.base, { method: 'PUT', path: '/v1/me/preferences', headers: me(ctx), json: VALID_PREFS });
        await send(ctx.base, { method: 'PUT', path: '/v1/me/consents', headers: me(ctx), json: { analytics: true } });
        await tokens(ctx); // a session
        return { path: '/v1/me/export', headers: me(ctx) };
      } },
    { name: 'an erased account', expect: code(404, 'account_not_found'), request: (ctx) => ({ path: '/v1/me/export', headers: bearer(ctx.notAccountToken) }) },
  ],
  'GET /v1/me/preferences': [
    { name: 'my preferences', expect: 200, request: (ctx) => ({ path: '/v1/me/preferences', headers: me(ctx) }) },
    { name: 'an account that never saved any', expect: 200, request: (ctx) => ({ path: '/v1/me/preferences', headers: bearer(ctx.disabled.token) }) },
  ],
  'PUT /v1/me/preferences': [
    { name: 'new preferences', expect: 200, request: (ctx) => ({ path: '/v1/me/preferences', headers: me(ctx), json: VALID_PREFS }) },
    { name: 'an unknown diet', expect: code(400, 'validation_failed'), request: (ctx) => ({ path: '/v1/me/preferences', headers: me(ctx), json: { ...VALID_PREFS, diet: 'sunlight' } }) },
    { name: 'a disabled account', expect: code(403, 'account_disabled'), request: (ctx) => ({ path: '/v1/me/preferences', headers: bearer(ctx.disabled.token), json: VALID_PREFS }) },
  ],
  'GET /v1/me/consents': [
    { name: 'my consents', expect: 200, request: (ctx) => ({ path: '/v1/me/consents', headers: me(ctx) }) },
  ],
  'PUT /v1/me/consents': [
    { name: 'a change', expect: 200, request: (ctx) => ({ path: '/v1/me/consents', headers: me(ctx), json: { marketing_email: true, analytics: false } }) },
    { name: 'not a boolean', expect: code(400, 'validation_failed'), request: (ctx) => ({ path: '/v1/me/consents', headers: me(ctx), json: { analytics: 'yes' } }) },
    { name: 'a disabled account', expect: code(403, 'account_disabled'), request: (ctx) => ({ path: '/v1/me/consents', headers: bearer(ctx.disabled.token), json: { analytics: true } }) },
  ],
  'GET /v1/content': [
    { name: 'the first page', expect: 200, request: () => ({ path: '/v1/content' }) },
    { name: 'every kind, filtered, with a premium token', expect: 200, request: (ctx) => ({ path: '/v1/content', query: { limit: '50' }, headers: bearer(ctx.premiumToken) }),
      then: (a) => {
        const kinds = new Set(a.json().items.filter((i) => i.body).map((i) => i.kind));
        if (kinds.size !== 3) throw new Error(`bodies of ${[...kinds]} only: every kind's body is to be validated`);
      } },
    { name: 'the next page', expect: 200, async request(ctx) {
      const first = (await send(ctx.base, { path: '/v1/content', query: { kind: 'recipe', limit: '2' } })).json();
      return { path: '/v1/content', query: { kind: 'recipe', limit: '2', cursor: first.next_cursor } };
    } },
    revalidate('/v1/content?kind=workout'),
    { name: 'an unknown kind', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/content', query: { kind: 'dance' } }) },
  ],
  'GET /v1/content/{slug}': [
    { name: 'a recipe', expect: 200, request: () => ({ path: '/v1/content/overnight-oats' }) },
    { name: 'a run', expect: 200, request: () => ({ path: '/v1/content/c25k-week-1-run-1' }) },
    { name: 'a premium teaser', expect: 200, request: () => ({ path: '/v1/content/c25k-week-2-run-1' }),
      then: (a) => { if (a.json().locked !== true || 'body' in a.json()) throw new Error('not a teaser'); } },
    { name: 'a premium item unlocked', expect: 200, request: (ctx) => ({ path: '/v1/content/c25k-week-2-run-1', headers: bearer(ctx.premiumToken) }),
      then: (a) => { if (a.json().locked !== false || !a.json().body) throw new Error('not unlocked'); } },
    revalidate('/v1/content/overnight-oats'),
    { name: 'no such item', expect: code(404, 'content_not_found'), request: () => ({ path: '/v1/content/no-such-item' }) },
  ],
  'GET /v1/tags': [
    { name: 'the tags', expect: 200, request: () => ({ path: '/v1/tags' }) },
    revalidate('/v1/tags'),
  ],
  'GET /v1/content/popular': [
    { name: 'the ranking', expect: 200, async request(ctx) {
      await send(ctx.base, { method: 'PUT', path: '/v1/content/overnight-oats/like', headers: me(ctx) });
      return { path: '/v1/content/popular', query: { window: '1d' } };
    } },
    { name: 'one kind, with a token', expect: 200, request: (ctx) => ({ path: '/v1/content/popular', query: { kind: 'recipe', window: '30d' }, headers: me(ctx) }) },
    { name: 'an unknown window', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/content/popular', query: { window: '2d' } }) },
  ],
  'GET /v1/content/changes': [
    { name: 'a first sync', expect: 200, request: () => ({ path: '/v1/content/changes' }) },
    { name: 'after an item went away: its tombstone', expect: 200, async request(ctx) {
      const first = (await send(ctx.base, { path: '/v1/content/changes' })).json();
      let since = first.next_cursor;
      for (let page = first; page.items.length === 100; since = page.next_cursor) {
        page = (await send(ctx.base, { path: '/v1/content/changes', query: { since } })).json();
      }
      motusctl(['content', 'unpublish', 'cod-tacos']);
      return { path: '/v1/content/changes', query: { since } };
    }, then: (a) => {
      motusctl(['content', 'publish', 'cod-tacos']);
      if (!a.json().items.some((i) => i.slug === 'cod-tacos' && i.deleted === true)) throw new Error('no tombstone for cod-tacos');
    } },
    { name: 'not a cursor', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/content/changes', query: { since: 'nope' } }) },
  ],
  'PUT /v1/content/{slug}/like': [
    { name: 'a like', expect: 204, request: (ctx) => ({ path: '/v1/content/lentil-soup/like', headers: me(ctx) }) },
    { name: 'no such item', expect: code(404, 'content_not_found'), request: (ctx) => ({ path: '/v1/content/no-such-item/like', headers: me(ctx) }) },
    { name: 'a disabled account', expect: code(403, 'account_disabled'), request: (ctx) => ({ path: '/v1/content/lentil-soup/like', headers: bearer(ctx.disabled.token) }) },
  ],
  'DELETE /v1/content/{slug}/like': [
    { name: 'an unlike', expect: 204, request: (ctx) => ({ path: '/v1/content/lentil-soup/like', headers: me(ctx) }) },
    { name: 'no such item', expect: code(404, 'content_not_found'), request: (ctx) => ({ path: '/v1/content/no-such-item/like', headers: me(ctx) }) },
  ],
  'GET /v1/me/likes': [
    { name: 'my likes', expect: 200, async request(ctx) {
      await send(ctx.base, { method: 'PUT', path: '/v1/content/overnight-oats/like', headers: me(ctx) });
      await send(ctx.base, { method: 'PUT', path: '/v1/content/c25k-week-2-run-1/like', headers: me(ctx) });
      return { path: '/v1/me/likes', headers: me(ctx) };
    } },
    { name: 'a page of one', expect: 200, request: (ctx) => ({ path: '/v1/me/likes', query: { limit: '1' }, headers: me(ctx) }),
      then: (a) => { if (!a.json().next_cursor) throw new Error('no next_cursor'); } },
    { name: 'a limit of 0', expect: code(400, 'validation_failed'), request: (ctx) => ({ path: '/v1/me/likes', query: { limit: '0' }, headers: me(ctx) }) },
  ],
  'GET /v1/media/{id}': [
    { name: 'a signed URL', expect: 200, request: (ctx) => ({ path: `/v1/media/${ctx.mediaId}` }) },
    { name: 'not a UUID', expect: code(400, 'validation_failed'), request: () => ({ path: '/v1/media/nope' }) },
    { name: 'no such media', expect: code(404, 'media_not_found'), request: () => ({ path: '/v1/media/00000000-0000-4000-8000-000000000000' }) },
  ],
  'GET /media/{id}': [
    { name: 'the file', expect: 200, request: (ctx) => mediaUrl(ctx),
      then: (a) => { if (a.text.length === 0) throw new Error('no bytes'); } },
    { name: 'a range', expect: { status: 206, headers: [['Content-Range', /^bytes 0-9\//]] },
      request: async (ctx) => ({ ...(await mediaUrl(ctx)), headers: { range: 'bytes=0-9' } }) },
    { name: 'a range past the end', expect: 416, request: async (ctx) => ({ ...(await mediaUrl(ctx)), headers: { range: 'bytes=9000-9999' } }) },
    { name: 'an altered signature', expect: code(403, 'media_url_invalid'),
      request: async (ctx) => { const u = await mediaUrl(ctx); return { ...u, query: { ...u.query, sig: 'AAAA' + u.query.sig.slice(4) } }; } },
    { name: 'an expired URL', expect: code(403, 'media_url_expired'), request: (ctx) => signedMedia(ctx.mediaId, Math.floor(Date.now() / 1000) - 60) },
    { name: 'a good signature for no file', expect: code(404, 'media_not_found'),
      request: () => signedMedia('00000000-0000-4000-8000-000000000000', Math.floor(Date.now() / 1000) + 300) },
  ],
};
