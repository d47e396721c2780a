// The API contract (www/openapi.json) as a validator of live answers: for an
// operation and an answer (status, headers, body), every way the answer
// departs from the document. The document's schemas are compiled with ajv
// (JSON Schema 2020-12, as OpenAPI 3.1 uses it), made strict at every place an
// object is used: a property the document does not name is a departure, so an
// app whose models are generated from the document can read every answer.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

export function loadDocument(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// Follows a local $ref ("#/components/responses/X") to what it names.
export function deref(doc, node) {
  let seen = 0;
  while (node && node.$ref) {
    if (!node.$ref.startsWith('#/') || ++seen > 20) throw new Error(`cannot follow ${node.$ref}`);
    node = node.$ref.slice(2).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((n, k) => n?.[k], doc);
    if (!node) throw new Error('dangling $ref');
  }
  return node;
}

// Every operation of the document: { key: "GET /v1/me", method, path, op }.
export function operations(doc) {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (item[method]) out.push({ key: `${method.toUpperCase()} ${path}`, method, path, op: item[method] });
    }
  }
  return out;
}

// A schema with "no property the document does not name" wherever an object is used as a value:
// the root, each property, array items. Set on the use, not the definition, so composition
// (allOf, oneOf, $ref) still sees every property its parts name.
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, closed(s)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'contains') {
      out[k] = typeof v === 'object' ? closed(v) : v;
    } else if (k === 'prefixItems') {
      out[k] = v.map(closed);
    } else if (typeof v === 'object' && k !== 'example' && k !== 'examples' && k !== 'const' && k !== 'enum' &&
               k !== 'default') {
      out[k] = strict(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function closed(schema) {
  const s = strict(schema);
  if (!s || typeof s !== 'object' || 'additionalProperties' in s || 'unevaluatedProperties' in s) return s;
  return { allOf: [s], unevaluatedProperties: false };
}

// The compiled document: validate(operation, answer) lists what departs from it.
export function compile(doc) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, discriminator: false });
  addFormats(ajv);
  const schemas = Object.fromEntries(Object.entries(doc.components?.schemas ?? {})
    .map(([name, s]) => [name, strict(s)]));
  ajv.addSchema({ $id: 'motus:components', components: { schemas } });
  const cache = new Map();
  const validator = (schema) => {
    const text = JSON.stringify(schema);
    if (!cache.has(text)) {
      const rewritten = JSON.parse(text.replaceAll('"#/components/', '"motus:components#/components/'));
      cache.set(text, ajv.compile(closed(rewritten)));
    }
    return cache.get(text);
  };
  return {
    doc,
    // The response object the document gives for a status of an operation: exact, then range, then default.
    responseFor(op, status) {
      const r = op.responses ?? {};
      const spec = r[String(status)] ?? r[`${String(status)[0]}XX`] ?? r.default;
      return spec ? deref(doc, spec) : null;
    },
    validateValue(schema, value, what) {
      const v = validator(schema);
      if (v(value)) return [];
      return v.errors.map((e) => `${what}${e.instancePath || ''} ${e.message}` +
        (e.params?.unevaluatedProperty ? ` (${e.params.unevaluatedProperty})` : '') +
        (e.params?.allowedValue !== undefined ? ` (${JSON.stringify(e.params.allowedValue)})` : ''));
    },
  };
}

// The media type of a Content-Type header: the type and its parameters, lowercase.
function mediaType(value) {
  const [type, ...params] = value.split(';').map((s) => s.trim().toLowerCase());
  return { type, params: new Set(params.filter(Boolean).map((p) => p.replace(/\s*=\s*/, '='))) };
}

// The documented media type an answer's Content-Type is: the same type, with every parameter the
// document names (the answer may carry more, like charset); the one naming most, when several are.
function matchMedia(content, contentType) {
  const actual = mediaType(contentType);
  let best = null;
  for (const key of Object.keys(content)) {
    const want = mediaType(key);
    if (want.type !== actual.type || ![...want.params].every((p) => actual.params.has(p))) continue;
    if (!best || want.params.size > mediaType(best).params.size) best = key;
  }
  return best;
}

const isJson = (type) => type === 'application/json' || type.endsWith('+json');

// What departs from the document in one answer: [] when it matches. `answer` is
// { status, headers (a Headers), text (the body) }; `spec` the response object (or null: undocumented).
export function check(contract, spec, answer, what) {
  const problems = [];
  if (!spec) return [`${what}: status ${answer.status} is not documented`];
  const { doc } = contract;
  for (const [name, h0] of Object.entries(spec.headers ?? {})) {
    const h = deref(doc, h0);
    const value = answer.headers.get(name);
    if (value === null) {
      if (h.required) problems.push(`${what}: header ${name} is required and missing`);
      continue;
    }
    if (h.schema) problems.push(...contract.validateValue(h.schema, value, `${what}: header ${name}`));
  }
  const type = answer.headers.get('content-type');
  const content = spec.content ?? {};
  if (Object.keys(content).length === 0) {
    if (answer.text.length > 0) problems.push(`${what}: a body (${type}) where the document describes none`);
    return problems;
  }
  if (!type) return [...problems, `${what}: no Content-Type; the document describes ${Object.keys(content)}`];
  const key = matchMedia(content, type);
  if (!key) return [...problems, `${what}: Content-Type ${type} is not one of ${Object.keys(content).join(', ')}`];
  const media = content[key];
  const base = mediaType(key).type;
  if (answer.text.length === 0 && !(media.schema?.contentMediaType)) {
    problems.push(`${what}: an empty body where the document describes ${key}`);
  }
  if (isJson(base)) {
    let body;
    try {
      body = JSON.parse(answer.text);
    } catch (e) {
      return [...problems, `${what}: the ${key} body does not parse: ${e.message}`];
    }
    if (media.schema) problems.push(...contract.validateValue(media.schema, body, `${what}: body`));
    if (base === 'application/problem+json' && body?.status !== answer.status) {
      problems.push(`${what}: the problem's status ${body?.status} is not the answer's ${answer.status}`);
    }
  } else if (base.startsWith('text/') && media.schema && !media.schema.contentMediaType) {
    problems.push(...contract.validateValue(media.schema, answer.text, `${what}: body`));
  }
  return problems;
}
