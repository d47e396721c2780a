// The account pages the links in emails lead to, in a real browser: each is
// valid HTML as sent, under the pages' CSP, with its CSRF cookie; what a
// person types is shown as text and never runs; a confirmation link opened
// in the browser confirms the address only when the button is pressed.
import { assert, emailedToken, expectValidHtml, newPassword, signupVerified, uniqueEmail, url } from './lib.mjs';

const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

async function assertNoInjectedMarkup(page) {
  assert.equal(await page.locator('script').count(), 0, 'a <script> element in the page');
  assert.equal(await page.locator('img').count(), 0, 'an <img> element in the page');
  assert.equal(await page.locator('[onerror]').count(), 0, 'an onerror attribute in the page');
}

async function assertPageHeaders(resp) {
  const h = await resp.allHeaders();
  assert.match(h['content-security-policy'], /default-src 'none'/);
  assert.doesNotMatch(h['content-security-policy'], /script-src|unsafe-inline|unsafe-eval/);
  assert.equal(h['x-frame-options'], 'DENY');
  assert.match(h['cache-control'], /no-store/);
  assert.match(h['set-cookie'], /^motus_account_csrf=[0-9a-f]{48}; /);
  assert.match(h['set-cookie'], /; HttpOnly/);
  assert.match(h['set-cookie'], /; SameSite=Strict/);
  assert.match(h['set-cookie'], /; Path=\/account/);
}

// Clicks the page's submit button and returns the answer to the POST.
async function press(page, path) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(path)),
    page.click('button[type=submit]'),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return resp;
}

async function signupUnconfirmed() {
  const email = uniqueEmail('pages');
  const r = await fetch(url('/v1/auth/signup'), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: newPassword() }),
  });
  assert.equal(r.status, 201);
  return email;
}

export async function everyAccountPageIsValidHtmlWithItsHeaders({ page }) {
  for (const path of ['/account/signup', '/account/forgot-password', '/account/verify-email?token=abc',
    '/account/reset-password?token=abc']) {
    const resp = await page.goto(path);
    assert.equal(resp.status(), 200, path);
    await expectValidHtml(resp);
    await assertPageHeaders(resp);
  }
  await expectValidHtml('/account/verify-email'); // a link cut short: a page too
}

export async function theConfirmationLinkConfirmsOnlyWithTheButton({ page }) {
  const email = await signupUnconfirmed();
  const token = await emailedToken(email, '/account/verify-email');
  // Opened twice, as a mail scanner and then the person would: the button still confirms.
  await page.goto(`/account/verify-email?token=${token}`);
  await page.goto(`/account/verify-email?token=${token}`);
  const resp = await press(page, '/account/verify-email');
  assert.equal(resp.status(), 200);
  await expectValidHtml(resp);
  assert.match(await page.locator('h1').textContent(), /confirmed/);
  // The same link again: spent, and the page offers a new one.
  await page.goto(`/account/verify-email?token=${token}`);
  const spent = await press(page, '/account/verify-email');
  assert.equal(spent.status(), 400);
  await expectValidHtml(spent);
  assert.equal(await page.locator('form[action="/account/resend-verification"]').count(), 1);
}

export async function aFormWithoutTheCsrfCookieIsRefused({ page, context }) {
  await page.goto('/account/forgot-password');
  await context.clearCookies(); // as a post from another site carries no SameSite=Strict cookie
  await page.fill('#email', 'someone@example.org');
  const resp = await press(page, '/account/forgot-password');
  assert.equal(resp.status(), 403);
  await expectValidHtml(resp);
}

export async function typedInputIsShownAsTextAndNeverRuns({ page }) {
  await page.goto('/account/signup');
  await page.locator('form').evaluate((f) => { f.noValidate = true; });
  await page.fill('#email', `${XSS}@x.test`);
  await page.fill('#display_name', XSS);
  await page.fill('#password', 'short');
  const resp = await press(page, '/account/signup');
  assert.equal(resp.status(), 400);
  const { html } = await expectValidHtml(resp);
  assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped as sent');
  assert.equal(await page.inputValue('#display_name'), XSS);
  assert.ok(await page.locator('[role=alert] li').count() >= 1, 'the errors are listed');
  await assertNoInjectedMarkup(page);
}

export async function aNewPasswordFromTheEmailedLink({ page }) {
  const { email } = await signupVerified();
  await page.goto('/account/forgot-password');
  await page.fill('#email', email);
  assert.equal((await press(page, '/account/forgot-password')).status(), 200);
  const token = await emailedToken(email, '/account/reset-password');
  await page.goto(`/account/reset-password?token=${token}`);
  const password = newPassword();
  await page.fill('#password', password);
  await page.fill('#password_again', password);
  const resp = await press(page, '/account/reset-password');
  assert.equal(resp.status(), 200);
  await expectValidHtml(resp);
  assert.match(await page.locator('h1').textContent(), /password is changed/);
}
