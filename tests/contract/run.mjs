// The live contract suite: for every operation of www/openapi.json, real requests
// through one web server (MOTUS_CONTRACT_WEB: nginx or apache), each answer
// validated against the document: its status is one the operation documents, the
// headers the document requires are there and match, the body is of a documented
// media type and matches its schema (no property the document does not name).
//
// Every operation needs a recipe in recipes.mjs (a missing one fails the suite);
// besides the recipes' own cases, the document drives cases of its own: an unknown
// query parameter (400), no token, a bad token and (where the operation names a
// scope) a token without it (401, 403 insufficient_scope), a body of the wrong
// media type (415), malformed (400) and too large (413), a method the path does
// not answer (405 with Allow) and a path no route serves (404). The CMS pages of
// www/openapi-admin.json get the cases their document drives (see there).
// MOTUS_CONTRACT_ONLY="GET /v1/me" runs only those operations (a regular expression);
// MOTUS_CONTRACT_VERBOSE=1 prints every case, not only the failures.
import { compile, check, deref, loadDocument, operations } from './contract.mjs';
import { recipes, prepare } from './recipes.mjs';
import { baseUrlOf, bearer, repo, send, staffSession } from './stack.mjs';
import { join } from 'node:path';

const web = process.env.MOTUS_CONTRACT_WEB || 'nginx';
const base = baseUrlOf(web);
const only = process.env.MOTUS_CONTRACT_ONLY ? new RegExp(process.env.MOTUS_CONTRACT_ONLY) : null;
const doc = loadDocument(process.env.MOTUS_CONTRACT_DOC || join(repo, 'www/openapi.json'));
const contract = compile(doc);
const pipeline = doc['x-motus-pipeline-responses']?.responses ?? {};
const verbose = process.env.MOTUS_CONTRACT_VERBOSE === '1';
const started = Date.now();

let passed = 0, failed = 0;
const covered = new Map(); // operation key -> statuses seen

function report(ok, name, lines = []) {
  if (ok) passed++;
  else failed++;
  if (ok && !verbose) return;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${lines.length ? '\n    ' + lines.join('\n    ') : ''}`);
}

// The status, code and headers a case expects: 200, or { status, code, headers: [...] }.
function expectation(e) {
  return typeof e === 'number' ? { status: e } : e;
}

function schemesOf(op) {
  const sec = op.security ?? doc.security ?? [];
  const schemes = new Set(sec.flatMap((alt) => Object.keys(alt)));
  return {
    anonymous: sec.length === 0 || sec.some((alt) => Object.keys(alt).length === 0),
    bearer: schemes.has('accessToken') || schemes.has('oauth2'),
    operations: schemes.has('operationsToken'),
    scopes: [...new Set(sec.flatMap((alt) => Object.values(alt).flat()))],
  };
}

// One request and its validation against the operation (or a response object given).
async function run(key, op, name, request, expect, { spec, then, ctx, against = contract } = {}) {
  const want = expectation(expect);
  const lines = [];
  let answer;
  try {
    answer = await send(base, request);
  } catch (e) {
    report(false, `${key}: ${name}`, [`request failed: ${e.message}`]);
    return null;
  }
  const where = `${request.method} ${request.path}`;
  if (want.status !== 'documented' && answer.status !== want.status) {
    lines.push(`status ${answer.status}, expected ${want.status}: ${answer.text.slice(0, 300)}`);
  }
  if (want.status === 'documented' && answer.status >= 500) lines.push(`status ${answer.status}`);
  const response = spec ?? against.responseFor(op, answer.status);
  lines.push(...check(against, response, answer, where));
  if (want.code) {
    let code;
    try {
      const body = answer.json();
      code = body.code ?? body.error;
    } catch {
      code = undefined;
    }
    if (code !== want.code) lines.push(`code ${code}, expected ${want.code}`);
  }
  for (const h of want.headers ?? []) {
    const [hname, pattern] = Array.isArray(h) ? h : [h, null];
    const v = answer.headers.get(hname);
    if (v === null) lines.push(`header ${hname} missing`);
    else if (pattern && !pattern.test(v)) lines.push(`header ${hname}: ${v} does not match ${pattern}`);
  }
  // What the recipe sends to a 2xx must be what the document asks for.
  if (answer.status < 300 && op?.requestBody && (request.json !== undefined || request.form !== undefined)) {
    const media = Object.entries(op.requestBody.content ?? {})
      .find(([t]) => t.startsWith(request.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded'));
    const value = request.json !== undefined ? request.json : Object.fromEntries(new URLSearchParams(request.form));
    if (!media) lines.push('the document describes no such request body');
    else if (media[1].schema && typeof value !== 'string') {
      lines.push(...against.validateValue(media[1].schema, value, 'request body (the document refuses what the server accepted)'));
    }
  }
  if (then && lines.length === 0) {
    try {
      await then(answer, ctx);
    } catch (e) {
      lines.push(e.message);
    }
  }
  if (op) {
    if (!covered.has(key)) covered.set(key, new Set());
    covered.get(key).add(answer.status);
  }
  report(lines.length === 0, `${key}: ${name}`, lines);
  return answer;
}

const withQuery = (req, extra) => ({ ...req, query: { ...(req.query ?? {}), ...extra } });
const withoutAuth = (req) => {
  const headers = { ...(req.headers ?? {}) };
  delete headers.authorization;
  return { ...req, headers };
};

const ctx = await prepare(base);
console.log(`contract: ${operations(doc).length} operations of www/openapi.json and the CMS pages against ${base} (${web})`);

for (const { key, method, path, op } of operations(doc)) {
  if (only && !only.test(key)) continue;
  const cases = recipes[key];
  if (!cases || cases.length === 0) {
    report(false, `${key}: has a recipe`, [`add one to tests/contract/recipes.mjs`]);
    continue;
  }
  let first = null;
  for (const c of cases) {
    let request;
    try {
      request = { method: method.toUpperCase(), ...(await c.request(ctx)) };
    } catch (e) {
      report(false, `${key}: ${c.name}`, [`could not make the request: ${e.message}`]);
      continue;
    }
    first ??= request;
    await run(key, op, c.name, request, c.expect, { then: c.then, ctx });
  }
  // The cases the document implies. Their base is the first case's request.
  const recipe = cases[0];
  const baseReq = first;
  if (!baseReq) continue;
  const s = schemesOf(op);
  // The pipeline's refusals: problems, or on an operation marked x-motus-errors: rfc6749 (the token and
  // revocation endpoints) RFC 6749 errors, invalid_request, 400 (413 stays 413).
  const oauth = op['x-motus-errors'] === 'rfc6749';
  const refused = (status, c) => (oauth ? { status: status === 413 ? 413 : 400, code: 'invalid_request' } : { status, code: c });
  if (!recipe.lenientQuery) {
    await run(key, op, 'an unknown query parameter is refused', withQuery(baseReq, { zz_unknown: '1' }),
      refused(400, 'unknown_parameter'));
  }
  if (s.bearer && !s.anonymous) {
    await run(key, op, 'no token', withoutAuth(baseReq),
      { status: 401, code: 'invalid_token', headers: [['WWW-Authenticate', /^Bearer realm="motus"$/]] });
  }
  if (s.bearer) {
    await run(key, op, 'a token that does not verify', { ...baseReq, headers: { ...(baseReq.headers ?? {}), ...bearer('not.a.token') } },
      { status: 401, code: 'invalid_token', headers: [['WWW-Authenticate', /error="invalid_token"/]] });
    await run(key, op, 'an expired token', { ...baseReq, headers: { ...(baseReq.headers ?? {}), ...bearer(ctx.expiredToken) } },
      { status: 401, code: 'access_token_expired', headers: [['WWW-Authenticate', /error="invalid_token"/]] });
  }
  if (s.bearer && s.scopes.length) {
    await run(key, op, `a token without ${s.scopes.join(' ')}`, { ...baseReq, headers: { ...(baseReq.headers ?? {}), ...bearer(ctx.unscopedToken) } },
      { status: 403, code: 'insufficient_scope', headers: [['WWW-Authenticate', new RegExp(`error="insufficient_scope", scope="${s.scopes[0]}"`)]] });
  }
  if (s.operations) {
    await run(key, op, 'no operations token', withoutAuth(baseReq), { status: 401, code: 'invalid_token', headers: ['WWW-Authenticate'] });
    await run(key, op, 'a wrong operations token', { ...baseReq, headers: { ...(baseReq.headers ?? {}), ...bearer('wrong') } },
      { status: 401, code: 'invalid_token', headers: ['WWW-Authenticate'] });
  }
  const bodyTypes = Object.keys(op.requestBody?.content ?? {});
  if (bodyTypes.length) {
    const json = bodyTypes.includes('application/json');
    const bare = { ...baseReq, json: undefined, form: undefined };
    await run(key, op, 'a body of another media type', { ...bare, body: 'x=1', contentType: 'text/plain' },
      refused(415, 'unsupported_media_type'));
    await run(key, op, 'a malformed body', json
      ? { ...bare, body: '{"a":', contentType: 'application/json' }
      : { ...bare, body: 'a=%zz', contentType: 'application/x-www-form-urlencoded' },
    refused(400, json ? 'malformed_json' : 'malformed_form'));
    await run(key, op, 'a body over the limit', { ...bare, body: 'x'.repeat(1100000), contentType: bodyTypes[0] },
      refused(413, 'payload_too_large'));
  }
}

// Whether path answers CORS, preflights included (the document's x-motus-pipeline-responses.x-cors).
const corsPath = (path) => !(doc['x-motus-pipeline-responses']?.['x-cors']?.pages ?? []).some((p) => path.startsWith(p));

// The pipeline's own answers, for every path: a method it does not answer, and a path nobody serves.
for (const [path, item] of Object.entries(doc.paths)) {
  if (only && !only.test(path)) continue;
  const documented = Object.keys(item).filter((m) => ['get', 'put', 'post', 'patch', 'delete'].includes(m));
  const other = ['delete', 'patch', 'put', 'post', 'get'].find((m) => !documented.includes(m));
  const some = recipes[`${documented[0].toUpperCase()} ${path}`]?.[0];
  if (!other || !some) continue;
  const req = { ...(await some.request(ctx)), method: other.toUpperCase(), json: undefined, form: undefined };
  const allow = new Set(documented.map((m) => m.toUpperCase()));
  if (allow.has('GET')) allow.add('HEAD');
  if (corsPath(path)) allow.add('OPTIONS');
  await run(`${other.toUpperCase()} ${path}`, null, 'a method the path does not answer', req, { status: 405, code: 'method_not_allowed' }, {
    spec: deref(doc, pipeline['405']),
    then: (a) => {
      const got = new Set(a.headers.get('allow').split(',').map((s) => s.trim()));
      if ([...allow].sort().join() !== [...got].sort().join()) {
        throw new Error(`Allow: ${a.headers.get('allow')}; the document says ${[...allow].join(', ')}`);
      }
    },
  });
}
if (!only) {
  for (const path of ['/v1/no-such-thing', '/v1/content/overnight-oats/nope']) {
    await run(`GET ${path}`, null, 'a path no route serves', { method: 'GET', path }, { status: 404, code: 'not_found' },
      { spec: deref(doc, pipeline['404']) });
  }
}

// The CMS pages (www/openapi-admin.json), apart from the apps' contract: without a session every page
// sends the browser to the log-in (a GET) or refuses (a POST); with an admin's session every page
// answers as its entry says (path parameters name nothing that exists unless a platform: 404 is
// documented too), an unknown query parameter is refused, a form of another media type too.
const adminDoc = loadDocument(join(repo, 'www/openapi-admin.json'));
const cms = compile(adminDoc);
const staff = await staffSession(base, 'admin');
const fill = (path) => path.replace('{platform}', 'ios').replace('{n}', '1').replace('{slug}', 'no-such-tag')
  .replace('{id}', '999999999');
const pageQuery = { '/admin/content/new': { kind: 'recipe' } };
for (const { key, method, path, op } of operations(adminDoc)) {
  if (only && !only.test(key)) continue;
  const req = { method: method.toUpperCase(), path: fill(path), query: pageQuery[path] };
  const session = { cookie: staff.cookie };
  if (path === '/admin/login') {
    if (method === 'get') {
      await run(key, op, 'the log-in page', req, { status: 200, headers: [['Set-Cookie', /^motus_cms_login=/]] }, { against: cms });
    } else {
      const who = await staffSession(base, 'editor').catch((e) => ({ error: e }));
      report(!who.error, `${key}: a staff log-in sets the session cookie`, who.error ? [who.error.message] : []);
      await run(key, op, 'no CSRF cookie', { ...req, form: { csrf_token: 'x', email: staff.email, password: staff.password } }, 403, { against: cms });
    }
    continue;
  }
  if (method === 'get') {
    await run(key, op, 'no session: to the log-in', req, { status: 303, headers: [['Location', /^\/admin\/login\?next=/]] }, { against: cms });
    await run(key, op, 'an admin\'s session', { ...req, headers: session }, { status: 'documented' }, { against: cms });
    await run(key, op, 'an unknown query parameter is refused', { ...req, query: { ...(req.query ?? {}), zz_unknown: '1' }, headers: session }, 400, { against: cms });
  } else {
    await run(key, op, 'no session: refused', { ...req, form: {} }, 403, { against: cms });
    if (op.requestBody) {
      await run(key, op, 'a body of another media type', { ...req, headers: session, body: 'x', contentType: 'text/plain' }, 415, { against: cms });
      if (path !== '/admin/media') {
        await run(key, op, 'a body over the limit', { ...req, headers: session, body: 'x'.repeat(1100000), contentType: 'application/x-www-form-urlencoded' }, 413, { against: cms });
      }
    }
  }
}

// Every operation of the apps' contract answered at least once with success (the CMS forms' successes
// are the browser suite's).
for (const { key } of operations(doc)) {
  if (only && !only.test(key)) continue;
  const seen = [...(covered.get(key) ?? [])];
  if (!seen.some((s) => s < 400)) report(false, `${key}: answered with success at least once`, [`statuses seen: ${seen.join(', ') || 'none'}`]);
}

console.log(`contract (${web}): ${passed} passed, ${failed} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
