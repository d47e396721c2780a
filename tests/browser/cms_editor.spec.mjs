// The editors' CMS in a real browser: an editor logs in through the form,
// uploads an image, creates a recipe with it by filling the form as a person
// would, publishes it and finds it in the API; an XSS payload in every text
// field is shown as text (edit page, list, preview, tags page) and never runs;
// a form posted without its CSRF token is refused; an editor cannot open the
// admins' pages. Every page the specs open goes through the HTML validator.
import { randomBytes } from 'node:crypto';
import { assert, createStaff, env, expectValidHtml, motusctl, url } from './lib.mjs';

const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

// The 1x1 PNG every browser renders.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f000500' +
  '01ff89993d1d0000000049454e44ae426082', 'hex');

function unique(what) {
  return `${what}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

// Logs in through the log-in form, as a person would; ends on the content list.
async function logIn(page, staff) {
  const resp = await page.goto('/admin/login');
  await expectValidHtml(resp);
  await page.fill('#email', staff.email);
  await page.fill('#password', staff.password);
  await Promise.all([page.waitForURL(/\/admin\/content$/), page.click('form[action="/admin/login"] button')]);
}

// Clicks the submit button of form and returns the answer to its POST (before any redirect is followed).
async function submit(page, formSelector) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().frame() === page.mainFrame()),
    page.click(`${formSelector} button[type=submit]`),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return resp;
}

// The page the browser shows now, fetched again as sent and validated.
async function validateCurrent(page) {
  const resp = await page.goto(page.url());
  await expectValidHtml(resp);
  return resp;
}

async function assertNoInjectedMarkup(page) {
  assert.equal(await page.locator('script').count(), 0, 'a <script> element in the page');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'an injected <img> in the page');
  assert.equal(await page.locator('[onerror]').count(), 0, 'an onerror attribute in the page');
}

async function uploadImage(page, name) {
  const resp = await page.goto('/admin/media');
  assert.equal(resp.status(), 200);
  await expectValidHtml(resp);
  await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer: PNG });
  const post = await submit(page, 'form.cms-upload');
  assert.equal(post.status(), 303, 'the upload is stored');
  await page.locator('.flash', { hasText: 'Uploaded' }).waitFor();
  const src = await page.locator(`.cms-thumbs li:has-text("${name}") img`).getAttribute('src');
  assert.match(src, /^\/media\/public\/[0-9a-f-]{36}\.png$/);
  // The thumbnail really loaded (a failed sub-resource would also fail assertClean).
  assert.ok(await page.locator(`img[src="${src}"]`).evaluate((img) => img.complete && img.naturalWidth === 1));
  return src;
}

// Fills the new-recipe form like a user and creates the draft; returns the edit page's path.
async function createRecipe(page, { title, slug, image, summary = 'Creamy oats, soaked overnight.',
  ingredients = '80 g rolled oats\n200 ml milk\n1 tsp honey', steps = 'Stir oats and milk.\nChill overnight.',
  tags = 'breakfast-ideas' }) {
  await page.goto('/admin/content');
  await Promise.all([page.waitForURL(/kind=recipe/), page.click('a[href="/admin/content/new?kind=recipe"]')]);
  await page.fill('#title', title);
  await page.fill('#slug', slug);
  await page.fill('#summary', summary);
  await page.fill('#duration_s', '300');
  await page.fill('#tags', tags);
  if (image) await page.selectOption('#image_url', image);
  await page.selectOption('#meal', 'breakfast');
  await page.fill('#servings', '1');
  await page.fill('#ingredients', ingredients);
  await page.fill('#steps', steps);
  await page.fill('#n_kcal', '380');
  await page.fill('#n_protein_g', '14.5');
  await page.check('#diet_vegetarian');
  const resp = await submit(page, 'form.cms-form');
  assert.equal(resp.status(), 303, `create: ${resp.status()} ${resp.status() !== 303 ? await page.content() : ''}`);
  await page.waitForURL(/\/admin\/content\/\d+$/);
  await page.locator('.flash', { hasText: 'Created as a draft' }).waitFor();
  return new URL(page.url()).pathname;
}

export async function editorUploadsAnImageCreatesARecipeWithItAndPublishesIt({ page }) {
  await logIn(page, createStaff('editor'));
  const name = `${unique('oats')}.png`;
  const image = await uploadImage(page, name);
  const slug = unique('overnight-oats');
  const edit = await createRecipe(page, { title: 'Overnight oats with berries', slug, image });
  await validateCurrent(page);
  assert.equal(await page.inputValue('#image_url'), image, 'the image stays chosen');

  // A draft is not in the API.
  assert.equal((await fetch(url(`/v1/content/${slug}`))).status, 404);
  const pub = await submit(page, `form[action="${edit}/publish"]`);
  assert.equal(pub.status(), 303);
  await page.locator('.flash', { hasText: 'Published' }).waitFor();
  assert.equal(await page.locator('.badge').first().textContent(), 'published');

  // In the API at once, with its image; anonymous readers go through the 1 s edge cache.
  let resp, body;
  for (let i = 0; i < 30; i++) {
    resp = await fetch(url(`/v1/content/${slug}`));
    if (resp.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  body = await resp.json();
  assert.equal(resp.status, 200, `GET /v1/content/${slug}`);
  assert.equal(body.title, 'Overnight oats with berries');
  assert.equal(body.image_url, `${env.MOTUS_JWT_ISSUER}${image}`, 'absolute, under the public base URL');
  assert.equal(body.body.ingredients[0].name, 'rolled oats');
  assert.equal(body.body.ingredients[0].quantity, 80);
  assert.equal(body.body.ingredients[0].unit, 'g');
  assert.deepEqual(body.body.steps, ['Stir oats and milk.', 'Chill overnight.']);
  const img = await fetch(url(image));
  assert.equal(img.status, 200);
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);

  // The preview shows the published item with its image.
  const preview = await page.goto(`${edit}/preview`);
  await expectValidHtml(preview);
  assert.equal(await page.locator('.cms-preview h2').textContent(), 'Overnight oats with berries');
  assert.ok(await page.locator(`.cms-preview img[src="${image}"]`).evaluate((i) => i.complete && i.naturalWidth === 1));
}

export async function anXssPayloadInEveryTextFieldIsShownAsText({ page }) {
  await logIn(page, createStaff('editor'));
  // First with a payload the rules refuse (slug, tags, servings): the form comes back with it as typed.
  await page.goto('/admin/content/new?kind=recipe');
  for (const id of ['#title', '#slug', '#summary', '#tags', '#servings', '#n_kcal', '#required_scope']) await page.fill(id, XSS);
  await page.fill('#ingredients', `${XSS}\n2 g ${XSS}`);
  await page.fill('#steps', `${XSS}\nStep two ${XSS}`);
  await page.selectOption('#meal', 'lunch');
  const refused = await submit(page, 'form.cms-form');
  assert.equal(refused.status(), 422, 'refused with the messages');
  await expectValidHtml(refused);
  await assertNoInjectedMarkup(page);
  for (const id of ['#title', '#slug', '#summary', '#tags', '#servings', '#n_kcal', '#required_scope'])
    assert.equal(await page.inputValue(id), XSS, `${id} keeps what was typed`);
  assert.equal(await page.inputValue('#ingredients'), `${XSS}\n2 g ${XSS}`);
  assert.ok(await page.locator('.field-error').count() >= 3, 'messages next to the fields');

  // Now valid, with the payload in every free-text field.
  const slug = unique('xss');
  await page.fill('#slug', slug);
  await page.fill('#tags', 'quick');
  await page.fill('#servings', '2');
  await page.fill('#n_kcal', '100');
  await page.fill('#required_scope', '');
  const saved = await submit(page, 'form.cms-form');
  assert.equal(saved.status(), 303);
  await page.waitForURL(/\/admin\/content\/\d+$/);
  const edit = new URL(page.url()).pathname;
  await validateCurrent(page);
  await assertNoInjectedMarkup(page);
  assert.equal(await page.inputValue('#title'), XSS);
  assert.equal(await page.inputValue('#summary'), XSS);
  assert.equal(await page.inputValue('#ingredients'), `${XSS}\n2 g ${XSS}`);
  assert.equal(await page.inputValue('#steps'), `${XSS}\nStep two ${XSS}`);
  assert.equal(await page.locator('h1').textContent(), XSS);

  // The list: the title is a link showing the payload as text.
  const list = await page.goto('/admin/content?kind=recipe&status=draft');
  await expectValidHtml(list);
  await assertNoInjectedMarkup(page);
  assert.equal(await page.locator(`a[href="${edit}"]`).textContent(), XSS);

  // The preview.
  const preview = await page.goto(`${edit}/preview`);
  await expectValidHtml(preview);
  await assertNoInjectedMarkup(page);
  assert.equal(await page.locator('.cms-preview h2').textContent(), XSS);
  assert.deepEqual(await page.locator('.cms-preview li').allTextContents(), [XSS, `2 g ${XSS}`, XSS, `Step two ${XSS}`]);

  // Revisions and a revision's document.
  await expectValidHtml(await page.goto(`${edit}/revisions`));
  await expectValidHtml(await page.goto(`${edit}/revisions/1`));
  await assertNoInjectedMarkup(page);

  // The tags page: a tag named with the payload, created and shown as text.
  const tagSlug = unique('xss-tag');
  await page.goto('/admin/tags');
  await page.fill('#new-slug', tagSlug);
  await page.fill('#new-name', XSS);
  const created = await submit(page, 'form.cms-tag-new');
  assert.equal(created.status(), 303);
  await validateCurrent(page);
  await assertNoInjectedMarkup(page);
  assert.equal(await page.inputValue(`#name-${tagSlug}`), XSS);
}

export async function aFormPostedWithoutItsCsrfTokenIsRefused({ page }) {
  await logIn(page, createStaff('editor'));
  const slug = unique('csrf');
  const edit = await createRecipe(page, { title: 'Guarded oats', slug });
  // The publish form without its hidden token: refused, and the item stays a draft.
  await page.evaluate(() => document.querySelectorAll('input[name=csrf_token]').forEach((e) => e.remove()));
  const resp = await submit(page, `form[action="${edit}/publish"]`);
  assert.equal(resp.status(), 403);
  await expectValidHtml(resp);
  assert.match(await page.locator('main').textContent(), /did not come from this site/);
  await page.goto(edit);
  assert.equal(await page.locator('.badge').first().textContent(), 'draft');
  // The save form too: the title does not change.
  await page.fill('#title', 'Changed without a token');
  await page.evaluate(() => document.querySelectorAll('input[name=csrf_token]').forEach((e) => e.remove()));
  assert.equal((await submit(page, 'form.cms-form')).status(), 403);
  await page.goto(edit);
  assert.equal(await page.inputValue('#title'), 'Guarded oats');
}

export async function anEditorCannotOpenTheAdminPages({ page }) {
  await logIn(page, createStaff('editor'));
  const resp = await page.goto('/admin/audit');
  assert.equal(resp.status(), 403);
  await expectValidHtml(resp);
  assert.equal(await page.locator('nav a[href="/admin/audit"]').count(), 0, 'no link to it either');
}

// One shape per field: every seeded recipe, opened in the editor and saved without a change, is the same item
// in the API afterwards (its ingredients were objects before and are the same objects after).
export async function aSeededRecipeSavedUnchangedIsUnchanged({ page }) {
  await logIn(page, createStaff('editor'));
  const token = motusctl(['token', 'issue', 'cms-round-trip', 'profile', 'premium:plus']).trim();
  const item = async (slug) => {
    const r = await fetch(url(`/v1/content/${slug}`), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, `GET /v1/content/${slug}`);
    const { like_count: _, ...rest } = await r.json();
    return rest;
  };
  await page.goto('/admin/content?kind=recipe&status=published');
  const edits = await page.locator('td a[href^="/admin/content/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(edits.length >= 10, `seeded recipes listed: ${edits.length}`);
  for (const edit of edits) {
    await page.goto(edit);
    const slug = await page.inputValue('#slug');
    const before = await item(slug);
    assert.ok(before.body.ingredients.every((i) => typeof i === 'object' && typeof i.name === 'string'),
      `${slug}: ingredients are objects`);
    const resp = await submit(page, 'form.cms-form');
    assert.equal(resp.status(), 303, `${slug}: saved (${resp.status()})`);
    assert.deepEqual(await item(slug), before, `${slug}: the same after a save without a change`);
  }
}
