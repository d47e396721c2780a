// The OAuth log-in page (GET/POST /oauth/authorize) in a real browser: valid
// HTML as sent, its security headers, user input shown as text and never run,
// the CSRF token required, and a real log-in ending at the app's redirect URI.
import { createHash, randomBytes } from 'node:crypto';
import { assert, env, expectValidHtml, signupVerified } from './lib.mjs';

const CLIENT = 'motus-cli';
const REDIRECT = 'http://127.0.0.1/oauth/callback'; // registered for motus-cli (loopback, RFC 8252 §7.3)
const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>@x.test';

// A valid authorization request with PKCE S256: the path of the log-in page.
function authorizePath({ state = 'st-browser' } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({
    response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT, state,
    code_challenge: challenge, code_challenge_method: 'S256',
  });
  return `/oauth/authorize?${q}`;
}

async function openLoginPage(page, opts) {
  const resp = await page.goto(authorizePath(opts));
  assert.equal(resp.status(), 200, 'the log-in page');
  return resp;
}

// Fills in the form and submits it as a person would, and returns the answer
// to the POST. `noValidate` lets a value the email input's own check would
// stop reach the server, as a forged post would.
async function submit(page, email, password, { noValidate = false } = {}) {
  if (noValidate) await page.locator('form').evaluate((f) => { f.noValidate = true; });
  await page.fill('#email', email);
  await page.fill('#password', password);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/oauth/authorize')),
    page.click('button[type=submit]'),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return resp;
}

// Nothing the payload could have injected is in the document.
async function assertNoInjectedMarkup(page) {
  assert.equal(await page.locator('script').count(), 0, 'a <script> element in the page');
  assert.equal(await page.locator('img').count(), 0, 'an <img> element in the page');
  assert.equal(await page.locator('[onerror]').count(), 0, 'an onerror attribute in the page');
}

export async function logInPageIsValidHtml({ page }) {
  const resp = await openLoginPage(page);
  await expectValidHtml(resp);
  await assert.doesNotReject(page.locator('h1', { hasText: 'Log in to Motus' }).waitFor());
  assert.equal(await page.locator('.muted').first().textContent(), 'to continue to Motus developer tools');
}

export async function errorPageIsValidHtml({ page }) {
  const resp = await page.goto('/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=http%3A%2F%2Fevil.test%2F');
  assert.equal(resp.status(), 400, 'an unknown client gets the error page, not a redirect');
  await expectValidHtml(resp);
  assert.match(await page.locator('.error').textContent(), /not registered/);
}

export async function logInPageSendsItsSecurityHeaders({ page }) {
  const resp = await openLoginPage(page);
  const h = await resp.allHeaders();
  const csp = Object.fromEntries(h['content-security-policy'].split(';').map((d) => {
    const [name, ...values] = d.trim().split(/\s+/);
    return [name, values.join(' ')];
  }));
  assert.equal(csp['default-src'], "'none'", 'CSP default-src');
  assert.equal(csp['style-src'], "'self'", 'CSP style-src');
  assert.equal(csp['frame-ancestors'], "'none'", 'CSP frame-ancestors');
  assert.equal(csp['base-uri'], "'none'", 'CSP base-uri');
  assert.ok(!('script-src' in csp), 'no script may run on the page: CSP names no script source');
  assert.doesNotMatch(h['content-security-policy'], /unsafe-inline|unsafe-eval/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['x-frame-options'], 'DENY');
  assert.equal(h['referrer-policy'], 'no-referrer');
  assert.match(h['cache-control'], /no-store/);
  const cookie = h['set-cookie'];
  assert.match(cookie, /^motus_login_csrf=[0-9a-f]{48}; /);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\/oauth\/authorize/);
  // The stylesheet loads under that policy (a blocked one is a console error, which fails the test).
  assert.equal(await page.locator('main.card').evaluate((e) => getComputedStyle(e).display === 'inline'), false,
    'the stylesheet did not apply');
}

export async function xssInTheEmailIsShownAsTextAndNeverRuns({ page }) {
  await openLoginPage(page);
  const resp = await submit(page, XSS, 'not-the-password', { noValidate: true });
  assert.equal(resp.status(), 401, 'a failed log-in');
  const { html } = await expectValidHtml(resp);
  assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;@x.test"'),
    'the payload is escaped in the value attribute as sent');
  assert.equal(await page.inputValue('#email'), XSS, 'the address shown as typed');
  assert.equal(await page.locator('[role=alert]').textContent(), 'Wrong email or password.');
  await assertNoInjectedMarkup(page);
}

export async function xssInTheStateIsCarriedAsTextAndNeverRuns({ page }) {
  const resp = await openLoginPage(page, { state: XSS });
  await expectValidHtml(resp);
  assert.equal(await page.inputValue('input[name=state]'), XSS, 'state carried unchanged');
  await assertNoInjectedMarkup(page);
  // And back again on the page of a failed log-in.
  const again = await submit(page, 'nobody@example.org', 'not-the-password');
  assert.equal(again.status(), 401);
  assert.equal(await page.inputValue('input[name=state]'), XSS);
  await assertNoInjectedMarkup(page);
}

export async function formWithoutItsCsrfTokenIsRefused({ page }) {
  await openLoginPage(page);
  await page.evaluate(() => document.querySelector('input[name=csrf_token]').remove());
  const resp = await submit(page, 'nobody@example.org', 'not-the-password');
  assert.equal(resp.status(), 403);
  assert.match((await resp.allHeaders())['content-type'], /^application\/problem\+json/);
  assert.equal((await resp.json()).code, 'csrf_failed');
}

export async function formWithoutTheCsrfCookieIsRefused({ page, context }) {
  await openLoginPage(page);
  await context.clearCookies(); // as a post from another site carries no SameSite=Strict cookie
  const resp = await submit(page, 'nobody@example.org', 'not-the-password');
  assert.equal(resp.status(), 403);
  assert.equal((await resp.json()).code, 'csrf_failed');
}

export async function verifiedUserLogsInAndLandsOnTheRedirectUri({ page, context }) {
  const user = await signupVerified();
  await openLoginPage(page, { state: 'st-ok' });
  // The browser goes on to the app's redirect URI (nothing listens there: the request is what counts).
  const [request, resp] = await Promise.all([
    page.waitForRequest((r) => r.url().startsWith(`${REDIRECT}?`)),
    submit(page, user.email.toUpperCase(), user.password), // addresses are case-insensitive
  ]);
  const landed = new URL(request.url());
  assert.equal(resp.status(), 303);
  assert.match(landed.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{20,}$/);
  assert.equal(landed.searchParams.get('state'), 'st-ok');
  assert.equal(landed.searchParams.get('iss'), env.MOTUS_JWT_ISSUER, 'RFC 9207 iss');
  const cleared = (await resp.allHeaders())['set-cookie'];
  assert.match(cleared, /^motus_login_csrf=; .*Max-Age=0/, 'the CSRF cookie is cleared');
}
