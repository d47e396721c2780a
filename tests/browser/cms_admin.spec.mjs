// The admins' CMS screens in a real browser: an editor sees no admin
// navigation and gets the 403 page for each admin screen; an admin grants an
// entitlement through the form; every admin page is valid HTML as sent; markup
// in a staff or user display name is shown as text and never run.
import { assert, createStaff, expectValidHtml, motusctl, newPassword, uniqueEmail, url } from './lib.mjs';

const XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const ADMIN_PAGES = ['/admin/staff', '/admin/users', '/admin/config', '/admin/audit'];

async function logIn(page, { email, password }) {
  await page.goto('/admin/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/admin\/content/), page.click('button[type=submit]')]);
}

// An app account (not verified: the admin screens show it all the same) with this display name.
async function signup(displayName) {
  const email = uniqueEmail('cmsadmin');
  const r = await fetch(url('/v1/auth/signup'), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: newPassword(), display_name: displayName }),
  });
  const body = await r.text();
  assert.equal(r.status, 201, `sign-up: ${r.status} ${body}`);
  return { email, id: JSON.parse(body).id };
}

async function assertNoInjectedMarkup(page) {
  assert.equal(await page.locator('script').count(), 0, 'a <script> element in the page');
  assert.equal(await page.locator('img').count(), 0, 'an <img> element in the page');
  assert.equal(await page.locator('[onerror]').count(), 0, 'an onerror attribute in the page');
}

export async function anEditorSeesNoAdminNavigationAndGets403({ page }) {
  await logIn(page, createStaff('editor'));
  const nav = await page.locator('.cms-nav a').allTextContents();
  for (const label of ['Staff', 'Users', 'Client config', 'Audit log'])
    assert.ok(!nav.includes(label), `the editor's navigation shows ${label}: ${nav}`);
  for (const path of ADMIN_PAGES) {
    const resp = await page.goto(path);
    assert.equal(resp.status(), 403, path);
    await expectValidHtml(resp);
    assert.match(await page.locator('main').textContent(), /This page is for admins\./);
  }
}

export async function everyAdminPageIsValidHtml({ page }) {
  const user = await signup('Valid Html');
  await logIn(page, createStaff('admin'));
  const nav = await page.locator('.cms-nav a').allTextContents();
  for (const label of ['Staff', 'Users', 'Client config', 'Audit log'])
    assert.ok(nav.includes(label), `the admin's navigation lacks ${label}: ${nav}`);
  for (const path of [...ADMIN_PAGES, `/admin/users?q=${encodeURIComponent(user.email)}`, `/admin/users/${user.id}`,
    '/admin/config/ios', '/admin/audit?action=staff&staff=nobody%40example.org&target=user']) {
    const resp = await page.goto(path);
    assert.equal(resp.status(), 200, path);
    await expectValidHtml(resp);
  }
  // A page with field errors is valid too.
  await page.goto('/admin/config/web');
  await page.fill('#cfg-features', '{"broken":');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click('form.card button[type=submit]'),
  ]);
  assert.equal(resp.status(), 422);
  await expectValidHtml(resp);
  assert.match(await page.locator('#cfg-features-error').textContent(), /not valid JSON/);
  motusctl(['seed']);
  motusctl(['cache', 'bump', 'client_config']);
}

export async function anAdminGrantsAnEntitlementThroughTheForm({ page }) {
  const user = await signup('Grant Me');
  await logIn(page, createStaff('admin'));
  await page.goto('/admin/users');
  await page.fill('#user-q', user.email);
  await Promise.all([page.waitForURL(/\/admin\/users\?q=/), page.click('form[role=search] button[type=submit]')]);
  await Promise.all([page.waitForURL(new RegExp(`/admin/users/${user.id}$`)), page.click(`text=${user.email}`)]);
  await page.fill('#grant-scope', 'premium:plus');
  const until = new Date(Date.now() + 90 * 86400e3).toISOString().slice(0, 10);
  await page.fill('#grant-until', until);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/entitlements')),
    page.click('form[action$="/entitlements"] button[type=submit]'),
  ]);
  assert.equal(resp.status(), 303);
  await page.waitForLoadState('domcontentloaded');
  assert.match(await page.locator('.flash').textContent(), /premium:plus granted/);
  const row = page.locator('tr', { hasText: 'premium:plus' });
  assert.match(await row.textContent(), /active/);
  // The grant lasts through that day: it ends at the next midnight UTC.
  const ends = new Date(Date.parse(`${until}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
  assert.match(await row.textContent(), new RegExp(`${ends} 00:00:00 UTC`));
  const listed = JSON.parse(motusctl(['user', 'entitlements', user.email]));
  assert.ok(listed.some((g) => g.scope === 'premium:plus' && g.active), JSON.stringify(listed));
}

export async function markupInDisplayNamesIsShownAsText({ page }) {
  const user = await signup(XSS);
  const admin = createStaff('admin');
  const named = uniqueEmail('xss-staff');
  await logIn(page, admin);
  // A staff member added through the form with the payload as the name.
  await page.goto('/admin/staff');
  await page.fill('#add-email', named);
  await page.fill('#add-name', XSS);
  await page.fill('#add-password', newPassword());
  await Promise.all([page.waitForURL(/\/admin\/staff$/), page.click('form.card button[type=submit]')]);
  const cell = page.locator('tr', { hasText: named }).locator('td').nth(1);
  assert.equal(await cell.textContent(), XSS);
  await assertNoInjectedMarkup(page);
  await expectValidHtml(await page.goto('/admin/staff'));
  // The user's name on the users' list and page.
  const list = await page.goto(`/admin/users?q=${encodeURIComponent(user.email)}`);
  await expectValidHtml(list);
  assert.equal(await page.locator('tbody tr td').nth(1).textContent(), XSS);
  await assertNoInjectedMarkup(page);
  await page.goto(`/admin/users/${user.id}`);
  assert.equal(await page.locator('dd').first().textContent(), XSS);
  await assertNoInjectedMarkup(page);
  // And in the audit log, where the staff record is shown before and after.
  await page.goto(`/admin/audit?action=staff.create&staff=${encodeURIComponent(admin.email)}`);
  assert.ok((await page.locator('main').textContent()).includes(XSS.replaceAll('"', '\\"')));
  await assertNoInjectedMarkup(page);
}
