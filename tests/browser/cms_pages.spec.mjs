// Every CMS page an admin can reach by following links from /admin passes
// the HTML validator as the server sent it, and so do the log-in page and
// the error pages (404, 403).
import { assert, createStaff, expectValidHtml, newContext } from './lib.mjs';

const MAX_PAGES = 80;

async function logIn(page, staff) {
  await page.goto('/admin/login');
  await page.fill('#email', staff.email);
  await page.fill('#password', staff.password);
  await Promise.all([page.waitForURL(/\/admin\/content$/), page.click('form[action="/admin/login"] button')]);
}

export async function everyPageReachableFromAdminIsValidHtml({ page }) {
  await logIn(page, createStaff('admin'));
  const origin = new URL(page.url()).origin;
  const seen = new Set(['/admin/logout']);
  const queue = ['/admin'];
  const checked = [];
  seen.add('/admin');
  while (queue.length && checked.length < MAX_PAGES) {
    const path = queue.shift();
    const resp = await page.goto(path);
    assert.ok(resp.status() === 200, `${path}: ${resp.status()}`);
    await expectValidHtml(resp);
    checked.push(path);
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
    for (const href of hrefs) {
      const u = new URL(href);
      if (u.origin !== origin || !(u.pathname === '/admin' || u.pathname.startsWith('/admin/'))) continue;
      if (seen.has(u.pathname)) continue;
      seen.add(u.pathname);
      queue.push(u.pathname + u.search);
    }
  }
  // The editors' screens at least (the admins' add theirs).
  for (const p of ['/admin/content', '/admin/media', '/admin/tags', '/admin/audit', '/admin/content/new'])
    assert.ok(checked.includes(p) || checked.some((c) => c.startsWith(`${p}?`)), `${p} was not reached`);
  assert.ok(checked.some((c) => /^\/admin\/content\/\d+$/.test(c)), 'no edit page was reached');
  assert.ok(checked.some((c) => /^\/admin\/content\/\d+\/preview$/.test(c)), 'no preview was reached');
}

export async function logInAndErrorPagesAreValidHtml({ page, browser }) {
  const login = await page.goto('/admin/login');
  assert.equal(login.status(), 200);
  await expectValidHtml(login);
  await logIn(page, createStaff('admin'));
  const missing = await page.goto('/admin/no-such-page');
  assert.equal(missing.status(), 404);
  await expectValidHtml(missing);
  const noItem = await page.goto('/admin/content/999999999');
  assert.equal(noItem.status(), 404);
  await expectValidHtml(noItem);
  // 403: an editor at an admin page (another browser, its own session).
  const other = await newContext(browser);
  try {
    await logIn(other.page, createStaff('editor'));
    const forbidden = await other.page.goto('/admin/audit');
    assert.equal(forbidden.status(), 403);
    await expectValidHtml(forbidden);
  } finally {
    await other.context.close();
  }
}
