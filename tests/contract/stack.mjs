// The stack under test (tests/contract/run.sh starts a throwaway one; without it, the `make run`
// stack in ./var) and the few things the recipes do to it: HTTP requests through one web server,
// motusctl, the SMTP sink's mail, accounts and tokens.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function stackEnv() {
  let text;
  try {
    text = execFileSync(join(repo, 'etc/dev/stack.sh'), ['env'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new Error('no stack to test: start one with `make run`, or run tests/contract/run.sh BUILD_DIR');
  }
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

export const env = stackEnv();

export function baseUrlOf(web) {
  const url = web === 'apache' ? env.MOTUS_APACHE_URL : env.MOTUS_NGINX_URL;
  if (!url) throw new Error(`the stack has no ${web} in front`);
  return url;
}

// Runs motusctl against the stack; returns stdout, throws with stderr on failure.
export function motusctl(args, input = '') {
  try {
    return execFileSync(join(repo, env.build, 'motusctl'), args, {
      encoding: 'utf8', input, env: { ...process.env, MOTUS_CONFIG: env.MOTUS_CONFIG },
    });
  } catch (e) {
    throw new Error(`motusctl ${args.join(' ')}: exit ${e.status}: ${e.stderr || e.message}`);
  }
}

export function uniqueEmail(who = 'contract') {
  return `${who}.${process.pid}.${Date.now()}.${randomBytes(3).toString('hex')}@example.org`;
}

export function newPassword() {
  return `Pw-${randomBytes(12).toString('base64url')}-9`;
}

// One request through the web server: { status, headers, text, json() }. `json` and `form`
// set the body and its Content-Type; redirects are answers, not followed.
export async function send(base, { method = 'GET', path, query, headers = {}, json, form, body, contentType }) {
  const url = new URL(path, base);
  if (query) for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
  const h = { ...headers };
  let payload = body;
  if (json !== undefined) {
    payload = typeof json === 'string' ? json : JSON.stringify(json);
    h['content-type'] ??= 'application/json';
  } else if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    h['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  if (contentType) h['content-type'] = contentType;
  const res = await fetch(url, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  return {
    status: res.status, headers: res.headers, text, url: url.href,
    json() { return JSON.parse(text); },
  };
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
      text = text.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
      const m = new RegExp(`${path}\\?token=([0-9a-f]{64})`).exec(text);
      if (text.includes(`<${to}>`) && m) return m[1];
    }
    if (Date.now() > deadline) throw new Error(`no email linking to ${path} for ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// An app account, signed up and verified, with an access token of `profile` from motusctl.
export async function account(base, who = 'contract') {
  const email = uniqueEmail(who), password = newPassword();
  const signup = await send(base, { method: 'POST', path: '/v1/auth/signup', json: { email, password } });
  if (signup.status !== 201) throw new Error(`sign-up: ${signup.status} ${signup.text}`);
  const token = await emailedToken(email, '/verify-email');
  const verify = await send(base, { method: 'POST', path: '/v1/auth/verify-email', json: { token } });
  if (verify.status !== 200) throw new Error(`verify: ${verify.status} ${verify.text}`);
  const id = signup.json().id;
  return { email, password, id, token: accessToken(id, 'profile') };
}

export function accessToken(subject, ...scopes) {
  return motusctl(['token', 'issue', subject, ...scopes]).trim();
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

// PKCE (RFC 7636, S256): a verifier and its challenge.
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// The query of an authorization request from our command-line client.
export function authorizeQuery(challenge, extra = {}) {
  return {
    response_type: 'code', client_id: 'motus-cli', redirect_uri: 'http://127.0.0.1:53682/oauth/callback',
    state: 'contract-state', code_challenge: challenge, code_challenge_method: 'S256', scope: 'profile', ...extra,
  };
}

// The log-in page's form as a browser would post it: its hidden fields and its CSRF cookie.
export function loginForm(page) {
  const form = {};
  for (const [, name, value] of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form[name] = value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  const cookie = (page.headers.get('set-cookie') || '').split(';')[0];
  return { form, cookie };
}

// A CMS session of a new staff account (role "editor" or "admin"): the `motus_cms` cookie, through
// the log-in form as a browser would send it.
export async function staffSession(base, role) {
  const email = uniqueEmail(`staff-${role}`), password = newPassword();
  motusctl(['staff', 'add', email, role], `${password}\n`);
  const page = await send(base, { path: '/admin/login' });
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)?.[1];
  const cookie = (page.headers.get('set-cookie') || '').split(';')[0];
  const login = await send(base, { method: 'POST', path: '/admin/login', headers: { cookie }, form: { csrf_token: csrf, email, password } });
  const session = login.headers.getSetCookie().find((c) => c.startsWith('motus_cms='));
  if (login.status !== 303 || !session) throw new Error(`CMS log-in: ${login.status} ${login.text.slice(0, 200)}`);
  return { email, password, cookie: session.split(';')[0], loginPage: { csrf, cookie } };
}
