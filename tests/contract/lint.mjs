// What Redocly's rules do not check in the contract documents (node lint.mjs DOC...):
// every operation of the apps' contract shows an example of what it is for: of its
// success answer when that has a body, else of its request body, else of any answer;
// every operation names its security (`security: []` when public); every
// example validates against its schema (Redocly checks media type examples; this also
// covers schema-level ones). Exits non-zero with one line per problem.
import { compile, deref, loadDocument, operations } from './contract.mjs';

let problems = 0;
const fail = (msg) => {
  problems++;
  console.log(`lint: ${msg}`);
};

function examplesOf(doc, content) {
  const found = [];
  for (const m of Object.values(content ?? {})) {
    if (m.example !== undefined) found.push({ value: m.example, schema: m.schema });
    for (const e of Object.values(m.examples ?? {})) found.push({ value: deref(doc, e).value, schema: m.schema });
  }
  return found;
}

// The example an operation must show: of its first success answer with a body, else of its request body.
function mainExample(doc, op) {
  const success = Object.entries(op.responses ?? {}).filter(([s]) => /^[23]/.test(s))
    .map(([, r]) => deref(doc, r)).find((r) => Object.keys(r.content ?? {}).length);
  if (success) return { what: 'its success answer', found: examplesOf(doc, success.content).length > 0 };
  const body = deref(doc, op.requestBody ?? {}).content;
  if (body) return { what: 'its request body', found: examplesOf(doc, body).length > 0 };
  return null;
}

for (const file of process.argv.slice(2)) {
  const doc = loadDocument(file);
  const contract = compile(doc);
  const html = (doc.info?.title ?? '').includes('CMS');
  for (const { key, op } of operations(doc)) {
    if (!Array.isArray(op.security)) fail(`${file}: ${key} names no security (security: [] when it is public)`);
    const examples = [deref(doc, op.requestBody ?? {}), ...Object.values(op.responses ?? {}).map((r) => deref(doc, r))]
      .flatMap((x) => examplesOf(doc, x.content));
    const main = mainExample(doc, op);
    if (!html && main && !main.found) fail(`${file}: ${key} shows no example of ${main.what}`);
    if (!html && examples.length === 0) fail(`${file}: ${key} has no example`);
    for (const { value, schema } of examples) {
      if (!schema || typeof value !== 'object' || value === null) continue;
      for (const p of contract.validateValue(schema, value, 'example')) fail(`${file}: ${key}: ${p}`);
    }
  }
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) {
    if (s.example !== undefined) {
      for (const p of contract.validateValue({ $ref: `#/components/schemas/${name}` }, s.example, 'example')) {
        fail(`${file}: schema ${name}: ${p}`);
      }
    }
  }
}
if (problems) process.exit(1);
console.log(`== lint: the contract: Redocly's recommended rules, an example and a security for every operation`);
