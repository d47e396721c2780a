// Shared pieces of the browser specs: the stack under test, the browser, a
// fresh context per test that records what must never happen on our pages
// (a dialog, an uncaught script error, a Content-Security-Policy violation, a
// sub-resource that fails), the HTML validator over the raw HTML the server
// sent, and the accounts a spec logs in with.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { chromium } from 'playwright-core';
import htmlValidateConfig from './htmlvalidate.config.mjs';

export { assert };

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// --- the stack ------------------------------------------------------------------

// What `etc/dev/stack.sh env` prints for the stack in $MOTUS_VAR_DIR (./var, the
// `make run` stack, when unset): ports, URLs, MOTUS_CONFIG, the mail directory.
function stackEnv() {
  let text;
  try {
    text = execFileSync(join(repo, 'etc/dev/stack.sh'), ['env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new Error('no stack to test: start one with `make run`, or run tests/browser/run.sh BUILD_DIR');
  }
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

export const env = stackEnv();

// The web server the specs go through: nginx unless MOTUS_BROWSER_WEB=apache.
export const web = process.env.MOTUS_BROWSER_WEB || 'nginx';
if (web !== 'nginx' && web !== 'apache') throw new Error(`MOTUS_BROWSER_WEB: nginx or apache, not ${web}`);
export const baseUrl = web === 'apache' ? env.MOTUS_APACHE_URL : env.MOTUS_NGINX_URL;

// An absolute URL of the stack for a path ("/oauth/authorize?...").
export function url(path) {
  return new URL(path, baseUrl).href;
}

// Runs motusctl against the stack; `input` goes to its stdin. Returns stdout; throws with stderr on failure.
export function motusctl(args, { input } = {}) {
  try {
    return execFileSync(join(repo, env.build, 'motusctl'), args, {
      encoding: 'utf8',
      input: input ?? '',
      env: { ...process.env, MOTUS_CONFIG: env.MOTUS_CONFIG },
    });
  } catch (e) {
    throw new Error(`motusctl ${args.join(' ')}: exit ${e.status}: ${e.stderr || e.message}`);
  }
}

// An address no other test or run uses.
export function uniqueEmail(who = 'user') {
  return `${who}.${process.pid}.${Date.now()}.${randomBytes(3).toString('hex')}@example.org`;
}

// A password the sign-up and staff rules accept.
export function newPassword() {
  return `Pw-${randomBytes(12).toString('base64url')}-9`;
}

// A CMS staff account (role "editor" or "admin") made with
// `motusctl staff add EMAIL ROLE`, which reads the password from stdin.
export function createStaff(role, { email = uniqueEmail(role), password = newPassword() } = {}) {
  motusctl(['staff', 'add', email, role], { input: `${password}\n` });
  return { email, password, role };
}

// An app user, signed up through the API and verified with the link of the
// email the SMTP sink received: what a person does before the log-in page.
export async function signupVerified({ email = uniqueEmail('user'), password = newPassword() } = {}) {
  const post = (path, body) => fetch(url(path), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const signup = await post('/v1/auth/signup', { email, password, display_name: 'Browser Test' });
  const body = await signup.text();
  assert.equal(signup.status, 201, `sign-up: ${signup.status} ${body}`);
  const token = await emailedToken(email, '/verify-email');
  const verify = await post('/v1/auth/verify-email', { token });
  assert.equal(verify.status, 200, `verify: ${verify.status} ${await verify.text()}`);
  return { email, password, id: JSON.parse(body).id };
}

// Waits for the email to `to` that links to `path` ("/verify-email") and returns the link's token.
export async function emailedToken(to, path, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of readdirSync(env.MOTUS_MAIL_DIR)) {
      if (f.startsWith('.')) continue;
      let text;
      try {
        text = readFileSync(join(env.MOTUS_MAIL_DIR, f), 'utf8');
      } catch {
        continue; // being written
      }
      text = text.replace(/=\r?\n/g, '').replaceAll('=3D', '='); // quoted-printable
      const m = new RegExp(`${path}\\?token=([0-9a-f]{64})`).exec(text);
      if (text.includes(`<${to}>`) && m) return m[1];
    }
    if (Date.now() > deadline) throw new Error(`no email linking to ${path} for ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// --- the browser ------------------------------------------------------------------

// Headless Chromium from Debian; MOTUS_CHROMIUM names another binary.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.MOTUS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-extensions', '--disable-sync',
      '--no-first-run', '--no-default-browser-check', '--mute-audio',
    ],
  });
}

export async function closeBrowser(browser) {
  await browser?.close();
}

// Records, for every page of a context, what an honest page of ours never
// does: open a dialog (an injected alert() that ran), throw an uncaught error,
// log a console error (a CSP violation is one: an injected inline script that
// CSP blocked shows here), or fail to load a sub-resource. Dialogs are
// dismissed so the page goes on.
export function watch(context) {
  const events = { dialogs: [], pageErrors: [], consoleErrors: [], failedResources: [] };
  const attach = (page) => {
    page.on('dialog', (d) => {
      events.dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => events.pageErrors.push(String(e)));
    page.on('console', (msg) => {
      // A document answered with 4xx logs "Failed to load resource"; the specs
      // assert statuses themselves, and failed sub-resources are caught below.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource:'))
        events.consoleErrors.push(msg.text());
    });
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  context.on('requestfailed', (req) => {
    if (!req.isNavigationRequest()) events.failedResources.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  context.on('response', (resp) => {
    const req = resp.request();
    if (!req.isNavigationRequest() && resp.status() >= 400 && !resp.url().endsWith('/favicon.ico'))
      events.failedResources.push(`${resp.url()}: ${resp.status()}`);
  });
  return events;
}

// Fails when anything watch() records happened.
export function assertClean(events) {
  const lines = [
    ...events.dialogs.map((d) => `dialog opened (a script ran): ${d}`),
    ...events.pageErrors.map((e) => `uncaught error: ${e}`),
    ...events.consoleErrors.map((e) => `console error: ${e}`),
    ...events.failedResources.map((r) => `sub-resource failed: ${r}`),
  ];
  assert.ok(lines.length === 0, lines.join('\n'));
}

// A fresh context (no cookies, no storage) with its first page, watched.
export async function newContext(browser) {
  const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: true });
  context.setDefaultTimeout(10000);
  const events = watch(context);
  const page = await context.newPage();
  return { context, page, events };
}

// --- the HTML validator ---------------------------------------------------------------

const validator = new HtmlValidate(htmlValidateConfig);

// Validates the HTML the server sent, byte for byte as sent (never the DOM,
// which the browser has already repaired). `target` is a Playwright Response
// (from page.goto, waitForResponse...) or a URL or path, fetched as is. Checks
// that it is served as text/html; returns { status, headers, html }.
export async function expectValidHtml(target) {
  let status, headers, html, name;
  if (typeof target === 'string') {
    name = url(target);
    const r = await fetch(name, { redirect: 'manual' });
    status = r.status;
    headers = Object.fromEntries(r.headers);
    html = await r.text();
  } else {
    name = target.url();
    status = target.status();
    headers = await target.allHeaders();
    html = await target.text();
  }
  assert.match(headers['content-type'] ?? '', /^text\/html; charset=utf-8$/i, `${name}: content type`);
  const report = await validator.validateString(html, name);
  if (!report.valid) {
    const lines = report.results.flatMap((r) =>
      r.messages.map((m) => `  ${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
    assert.fail(`${name} (${status}) is not valid HTML:\n${lines.join('\n')}`);
  }
  return { status, headers, html };
}
