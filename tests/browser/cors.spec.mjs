// CORS in a real browser: a page served from a registered web client's origin
// (a tiny server of the spec's own on a loopback port, registered with
// `motusctl client add`) logs a user in through the OAuth PKCE flow, then
// calls the token endpoint, /v1/me, /v1/content, the OAuth metadata and the
// JWKS from its script; a page on an origin nobody registered is refused by
// the browser on every one of them.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { assert, env, motusctl, signupVerified, url } from './lib.mjs';

const PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>A web client</title></head>' +
  '<body><main>A web client of Motus</main></body></html>\n';

// A static page for every path, on 127.0.0.1 and a free port: the web client's origin.
async function appServer() {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Registers origin's /callback as the redirect URI of a new public client; returns its id.
function registerWebClient(origin) {
  const id = `web-${process.pid}-${randomBytes(3).toString('hex')}`;
  motusctl(['client', 'add', id, 'A browser test web client', `${origin}/callback`]);
  return id;
}

// Calls the API from the page's own script (its origin is the page's): what a web app does.
function fromThePage(page, path, init = {}) {
  return page.evaluate(async ({ target, init }) => {
    try {
      const r = await fetch(target, init);
      const body = await r.text();
      return { ok: true, status: r.status, body, etag: r.headers.get('etag'), type: r.headers.get('content-type') };
    } catch (e) {
      return { ok: false, error: String(e) };
    }
  }, { target: url(path), init });
}

export async function aWebClientsPageLogsInAndCallsTheApi({ page, events }) {
  const app = await appServer();
  try {
    const client = registerWebClient(app.origin);
    const user = await signupVerified();
    const redirect = `${app.origin}/callback`;
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      response_type: 'code', client_id: client, redirect_uri: redirect, state: 'st-web',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });

    // The app's page sends the person to our log-in page, which sends them back with a code.
    await page.goto(`${app.origin}/`);
    await page.goto(url(`/oauth/authorize?${q}`));
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(`${redirect}?**`), page.click('button[type=submit]')]);
    const back = new URL(page.url());
    assert.equal(back.origin, app.origin, 'back on the web client');
    assert.equal(back.searchParams.get('state'), 'st-web');
    const code = back.searchParams.get('code');
    assert.match(code ?? '', /^[A-Za-z0-9_-]{20,}$/);

    // The page's script exchanges the code (a form POST: no preflight) ...
    const form = new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: client, code_verifier: verifier,
    }).toString();
    const token = await fromThePage(page, '/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form,
    });
    assert.ok(token.ok, `the token endpoint from the page: ${token.error}`);
    assert.equal(token.status, 200, token.body);
    const { access_token: access, refresh_token: refresh } = JSON.parse(token.body);
    assert.ok(access && refresh);

    // ... and calls the API with the token: Authorization makes each call preflighted.
    const auth = { headers: { authorization: `Bearer ${access}` } };
    const me = await fromThePage(page, '/v1/me', auth);
    assert.ok(me.ok, `/v1/me from the page: ${me.error}`);
    assert.equal(me.status, 200, me.body);
    assert.equal(JSON.parse(me.body).email, user.email);
    const content = await fromThePage(page, '/v1/content?limit=5', auth);
    assert.ok(content.ok, `/v1/content from the page: ${content.error}`);
    assert.equal(content.status, 200);
    assert.equal(JSON.parse(content.body).items.length, 5);
    assert.match(content.etag ?? '', /"/, 'the ETag is exposed to the page');
    // Revalidation from the page: If-None-Match is an allowed request header.
    const again = await fromThePage(page, '/v1/content?limit=5',
      { headers: { ...auth.headers, 'if-none-match': content.etag }, cache: 'no-store' });
    assert.ok(again.ok, `revalidation from the page: ${again.error}`);
    assert.equal(again.status, 304);
    // An error is readable too, so the app learns why.
    const refused = await fromThePage(page, '/v1/me', { headers: { authorization: 'Bearer nonsense' } });
    assert.ok(refused.ok, `a refused token from the page: ${refused.error}`);
    assert.equal(refused.status, 401);
    assert.equal(JSON.parse(refused.body).code, 'invalid_token');
    const expected = `${url('/v1/me')}: 401`; // that refusal, and only it, is a failed sub-resource
    assert.deepEqual(events.failedResources, [expected]);
    events.failedResources.length = 0;
    // The discovery documents and the keys, as an OAuth library in the page reads them.
    const meta = await fromThePage(page, '/.well-known/oauth-authorization-server');
    assert.ok(meta.ok, `the OAuth metadata from the page: ${meta.error}`);
    assert.equal(JSON.parse(meta.body).issuer, env.MOTUS_JWT_ISSUER);
    const jwks = await fromThePage(page, '/.well-known/jwks.json');
    assert.ok(jwks.ok, `the JWKS from the page: ${jwks.error}`);
    assert.ok(JSON.parse(jwks.body).keys.length >= 1);
    // A refresh from the page, then revocation.
    const refreshed = await fromThePage(page, '/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: client }).toString(),
    });
    assert.equal(refreshed.status, 200, refreshed.body);
  } finally {
    await app.close();
  }
}

export async function aPageOnAnotherOriginIsRefused({ page, events }) {
  const app = await appServer(); // nobody registered this origin
  try {
    const access = motusctl(['token', 'issue', '0b7c1d52-5a7e-4c39-9d5e-2f1f3a6b8c01', 'profile']).trim();
    await page.goto(`${app.origin}/`);
    const calls = [
      ['/v1/content?limit=5', {}],
      ['/v1/me', { headers: { authorization: `Bearer ${access}` } }],
      ['/oauth/token', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&refresh_token=x&client_id=motus-web',
      }],
      ['/.well-known/jwks.json', {}],
      ['/.well-known/oauth-authorization-server', {}],
    ];
    for (const [path, init] of calls) {
      const r = await fromThePage(page, path, init);
      assert.equal(r.ok, false, `${path} from ${app.origin} was let through (${r.status})`);
      assert.match(r.error, /TypeError: Failed to fetch/);
    }
    // Each refusal is the browser's CORS error: expected here, and only these.
    const blocked = (m) => /blocked by CORS policy/.test(m);
    assert.equal(events.consoleErrors.filter(blocked).length, calls.length, events.consoleErrors.join('\n'));
    events.consoleErrors.splice(0, Infinity, ...events.consoleErrors.filter((m) => !blocked(m)));
    const ours = (r) => r.startsWith(url('/'));
    events.failedResources.splice(0, Infinity, ...events.failedResources.filter((r) => !ours(r)));
  } finally {
    await app.close();
  }
}
