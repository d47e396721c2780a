// Runs every tests/browser/*.spec.mjs against the stack in $MOTUS_VAR_DIR
// (tests/browser/run.sh starts a throwaway one; without it, the `make run`
// stack in ./var). A spec file exports its tests: either `tests`, a list of
// async functions run in that order, or else every exported function. Each
// test gets a fresh browser context: test({ page, context, events, browser }).
// One line per test; exits non-zero on any failure.
// MOTUS_SPECS="login cms_recipes" runs only those files (names without .spec.mjs).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertClean, baseUrl, closeBrowser, launchBrowser, newContext, web } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const only = (process.env.MOTUS_SPECS || '').split(/\s+/).filter(Boolean);
const TEST_TIMEOUT_MS = 60000;

const files = readdirSync(here).filter((f) => f.endsWith('.spec.mjs')).sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.spec\.mjs$/, '')));

const started = Date.now();
const browser = await launchBrowser();
console.log(`browser specs: Chromium ${browser.version()} against ${baseUrl} (${web})`);
let passed = 0, failed = 0;

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The page as it was when a test failed, next to the stack's logs (kept on failure).
async function keepEvidence(spec, name, page) {
  if (!process.env.MOTUS_VAR_DIR || !page || page.isClosed()) return '';
  const dir = join(process.env.MOTUS_VAR_DIR, 'browser');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${spec}.${name}`);
  try {
    writeFileSync(`${base}.html`, await page.content());
    await page.screenshot({ path: `${base}.png`, fullPage: true });
    return `  (page at failure: ${base}.html, .png)`;
  } catch {
    return '';
  }
}

for (const file of files) {
  const spec = file.replace(/\.spec\.mjs$/, '');
  const mod = await import(pathToFileURL(join(here, file)).href);
  const tests = Array.isArray(mod.tests)
    ? mod.tests
    : Object.values(mod).filter((v) => typeof v === 'function');
  if (tests.length === 0) {
    console.log(`FAIL ${spec}: the file exports no tests`);
    failed++;
    continue;
  }
  for (const test of tests) {
    const name = test.name || '(anonymous)';
    const t0 = Date.now();
    let ctx;
    try {
      ctx = await newContext(browser);
      await withTimeout(test({ ...ctx, browser }), TEST_TIMEOUT_MS, name);
      assertClean(ctx.events);
      console.log(`ok   ${spec}: ${name} (${Date.now() - t0} ms)`);
      passed++;
    } catch (e) {
      const evidence = await keepEvidence(spec, name, ctx?.page);
      const detail = (e?.stack || String(e)).split('\n').slice(0, 12).join('\n    ');
      console.log(`FAIL ${spec}: ${name} (${Date.now() - t0} ms)\n    ${detail}${evidence}`);
      failed++;
    } finally {
      await ctx?.context.close().catch(() => {});
    }
  }
}

await closeBrowser(browser);
const total = passed + failed;
console.log(`browser specs: ${passed} passed, ${failed} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (total === 0) console.log('FAIL no spec ran');
process.exit(failed === 0 && total > 0 ? 0 : 1);
