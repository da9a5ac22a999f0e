// End-to-end test of the serialpool web app in a real browser (Debian's chromium driven by
// playwright-core; no browser is ever downloaded).
//
//   SERIALPOOL_URL=http://127.0.0.1:8080 \
//   SERIALPOOL_KEYS='{"keys":{"mah_admin":"…","mah_operator":"…","mah_viewer":"…","cmo_admin":"…"}}' \
//   npm run e2e
//
// The server must already hold the demo data (`serialpool seed-demo`). Expected values are
// read from the GraphQL API with the same keys, never hard-coded. A screenshot of every
// step goes to frontend/e2e/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.SERIALPOOL_URL || '').replace(/\/+$/, '');
const KEYS = parseKeys(process.env.SERIALPOOL_KEYS);
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const TIMEOUT = 15_000;
const fmt = (n) => new Intl.NumberFormat('en-US').format(n);

function parseKeys(raw) {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw);
    return parsed.keys || parsed;
  } catch {
    return null;
  }
}

if (!BASE || !KEYS?.mah_admin || !KEYS?.cmo_admin) {
  console.error(
    'e2e: set SERIALPOOL_URL (a running, demo-seeded server) and SERIALPOOL_KEYS ' +
      '(the JSON of `serialpool seed-demo --json`, with keys.mah_admin and keys.cmo_admin).',
  );
  process.exit(2);
}
rmSync(SHOTS, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });

// ---- GraphQL, for the expected values ------------------------------------------------

async function gql(key, query, variables = {}) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const PRODUCTS = `query E2EProducts($search: String, $first: Int) {
  products(filter: { search: $search }, first: $first) {
    edges { node { code name source pool { available assigned total low } } }
    totalCount
  }
}`;
const products = async (key, search = null, first = 50) => (await gql(key, PRODUCTS, { search, first })).products;
const POOL = `query E2EPool($code: String!) { product(code: $code) { pool { available assigned total } } }`;
const poolOf = async (key, code) => (await gql(key, POOL, { code })).product.pool;
const SERIALS = `query E2ESerials($code: String!, $status: SerialStatus) {
  product(code: $code) { serials(status: $status, first: 50) { edges { node { value status } } pageInfo { hasNextPage } } }
}`;
const serialsOf = async (key, code, status = null) => (await gql(key, SERIALS, { code, status })).product.serials;

// ---- Browser -------------------------------------------------------------------------

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page; // the MAH admin's page, shared by the steps in order
let shot = 0;
const pageErrors = [];

/** Saves what the screen shows (the viewport; `fullPage` for the whole document). */
async function screenshot(p, name, { fullPage = false } = {}) {
  shot += 1;
  const file = `${SHOTS}${String(shot).padStart(2, '0')}-${name}.png`;
  await p.screenshot({ path: file, fullPage });
  return file;
}

/** Runs a step; on failure keeps a screenshot of what the browser showed. */
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (error) {
      if (page && !page.isClosed()) await screenshot(page, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    }
  });
}

async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'en-US', ...options });
  const p = await context.newPage();
  p.setDefaultTimeout(TIMEOUT);
  p.on('pageerror', (error) => pageErrors.push(`${error.message}`));
  return p;
}

async function signIn(p, key) {
  await p.goto('/');
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

const productRows = (p) => p.locator('tr.product-row');
const countText = (p) => p.getByTestId('product-count');

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
});

// ---- Steps ---------------------------------------------------------------------------

step('sign-in rejects an unknown API key', async () => {
  await signIn(page, 'sp_this_is_not_a_key');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /not accepted/i);
  assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await screenshot(page, 'signin-bad-key');
});

step('sign-in with the MAH key shows the tenant name and role', async () => {
  const { viewer } = await gql(KEYS.mah_admin, '{ viewer { tenant { name } role } }');
  assert.equal(viewer.tenant.name, 'Demo Pharma');
  await page.getByLabel('API key').fill(KEYS.mah_admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('tenant-name').waitFor();
  assert.equal(await page.getByTestId('tenant-name').textContent(), 'Demo Pharma');
  assert.equal((await page.getByTestId('role').textContent()).toUpperCase(), viewer.role);
  // The key lives in sessionStorage only.
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.ok(await page.evaluate((k) => Object.values(sessionStorage).includes(k), KEYS.mah_admin));
  await screenshot(page, 'signed-in');
});

/** @type {Awaited<ReturnType<typeof products>>} */
let all;

step('the Serial number pool tab lists the products with paging and a total', async () => {
  all = await products(KEYS.mah_admin);
  assert.ok(all.totalCount > 0, 'the demo data has products');
  assert.equal(await page.getByRole('tab', { name: 'Serial number pool' }).getAttribute('aria-selected'), 'true');
  await page.waitForFunction(
    (n) => document.querySelectorAll('tr.product-row').length === n,
    Math.min(50, all.totalCount),
  );
  assert.equal((await countText(page).textContent()).trim(), `${fmt(all.totalCount)} products`);
  const first = all.edges[0].node;
  const firstRow = productRows(page).first();
  assert.equal(await firstRow.locator('.code-text').textContent(), first.code);
  assert.equal(await firstRow.locator('td.name').textContent(), first.name);
  assert.equal(await firstRow.locator('td[data-source]').getAttribute('data-source'), first.source);
  // Low-pool badges exactly where the API says the pool is low.
  const lowCodes = all.edges.filter((e) => e.node.pool.low).map((e) => e.node.code).sort();
  const badgeCodes = (
    await page.locator('tr.product-row:has(.badge-low)').evaluateAll((rows) => rows.map((r) => r.dataset.code))
  ).sort();
  assert.deepEqual(badgeCodes, lowCodes);
  if (all.totalCount > 50) {
    assert.match(await page.locator('.pager-range').textContent(), new RegExp(`of ${fmt(all.totalCount)} products`));
  }
  await screenshot(page, 'product-list');
  await screenshot(page, 'product-list-full-page', { fullPage: true });
});

let term = '';
let narrowed;

step('search narrows the list (server-side) and highlights the match', async () => {
  // A word of a real product name that matches some but not all products.
  for (const { node } of all.edges) {
    const word = node.name.split(/\s+/)[0];
    const result = await products(KEYS.mah_admin, word);
    if (result.totalCount > 0 && result.totalCount < all.totalCount) {
      term = word.toLowerCase(); // the filter is case-insensitive
      narrowed = result;
      break;
    }
  }
  assert.ok(term, 'found a search term that narrows the list');
  await page.getByRole('searchbox', { name: /search products/i }).fill(term);
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=product-count]')?.textContent?.trim() === t,
    `${fmt(narrowed.totalCount)} ${narrowed.totalCount === 1 ? 'product matches' : 'products match'} “${term}”`,
  );
  assert.equal(await productRows(page).count(), Math.min(50, narrowed.totalCount));
  const shown = await productRows(page).evaluateAll((rows) =>
    rows.map((r) => `${r.querySelector('.code-text').textContent} ${r.querySelector('td.name').textContent}`),
  );
  for (const text of shown) assert.ok(text.toLowerCase().includes(term), `${text} contains ${term}`);
  const marks = await page.locator('tr.product-row :is(.code-text, td.name) mark').allTextContents();
  assert.ok(marks.length > 0, 'matches are highlighted');
  for (const m of marks) assert.equal(m.toLowerCase(), term);
  assert.match(page.url(), new RegExp(`search=${encodeURIComponent(term)}`));
  await screenshot(page, 'search-highlight');

  // By product code: the code itself is highlighted.
  const code = all.edges[all.edges.length - 1].node.code;
  const byCode = await products(KEYS.mah_admin, code);
  assert.ok(byCode.edges.some((e) => e.node.code === code), 'the API finds a product by its code');
  await page.getByRole('searchbox', { name: /search products/i }).fill(code);
  await page.waitForFunction(
    (c) => document.querySelector(`tr.product-row[data-code="${c}"] .code-text mark`)?.textContent === c,
    code,
  );
  assert.equal(await productRows(page).count(), Math.min(50, byCode.totalCount));
  await screenshot(page, 'search-by-code');
});

step('Reset filters restores the full list', async () => {
  await page.getByRole('button', { name: 'Reset filters' }).click();
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid=product-count]')?.textContent?.trim() === t,
    `${fmt(all.totalCount)} products`,
  );
  assert.equal(await page.getByRole('searchbox', { name: /search products/i }).inputValue(), '');
  assert.equal(await productRows(page).count(), Math.min(50, all.totalCount));
  assert.equal(await page.locator('tr.product-row mark').count(), 0);
  await screenshot(page, 'reset-filters');
});

let chosen; // the expanded product

/** The point in the middle of the donut segment `index` (0 Available, 1 Assigned). */
async function segmentPoint(canvas, pool, index) {
  const box = await canvas.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const outer = Math.min(box.width, box.height) / 2 - 8 - 6; // layout padding, hover offset
  const r = outer * 0.81; // between the 62% cutout and the rim
  const total = pool.available + pool.assigned;
  const start = index === 0 ? 0 : pool.available / total;
  const span = (index === 0 ? pool.available : pool.assigned) / total;
  const angle = -Math.PI / 2 + 2 * Math.PI * (start + span / 2); // clockwise from 12 o'clock
  return { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) };
}

step('expanding a product shows its details and the donut; the tooltip shows the count', async () => {
  // Visible on the first page, with both statuses when the demo data has such a product.
  const candidates = all.edges.map((e) => e.node).filter((n) => n.pool.available > 0);
  assert.ok(candidates.length > 0, 'a product with available serials');
  chosen =
    candidates.find((n) => n.pool.assigned > 0 && n.pool.available / n.pool.total > 0.1 && n.pool.assigned / n.pool.total > 0.1) ||
    candidates[0];
  const expand = page.getByRole('button', { name: `Expand ${chosen.code}`, exact: true });
  assert.equal(await expand.getAttribute('aria-expanded'), 'false');
  await expand.click();
  assert.equal(await expand.getAttribute('aria-expanded'), 'true');
  const detail = page.locator(`#${await expand.getAttribute('aria-controls')}`);
  await detail.waitFor();
  const canvas = detail.locator('canvas');
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  assert.ok(box.width > 100 && box.height > 100, 'the donut is drawn');
  assert.ok(await detail.getByText('Demo Pharma').isVisible(), 'owner shown');
  await page.waitForTimeout(700); // the chart's entry animation

  const pool = await poolOf(KEYS.mah_admin, chosen.code);
  const tooltip = detail.locator('.donut-tooltip');
  const a = await segmentPoint(canvas, pool, 0);
  await page.mouse.move(a.x, a.y);
  await tooltip.waitFor({ state: 'visible' });
  assert.equal((await tooltip.textContent()).trim(), `Available: ${fmt(pool.available)}`);
  await screenshot(page, 'donut-tooltip-available');

  if (pool.assigned > 0) {
    const b = await segmentPoint(canvas, pool, 1);
    await page.mouse.move(b.x, b.y);
    await page.waitForFunction(
      (t) => document.querySelector('.donut-tooltip:not([hidden])')?.textContent?.trim() === t,
      `Assigned: ${fmt(pool.assigned)}`,
    );
  }
  await page.mouse.move(5, 5);
  await tooltip.waitFor({ state: 'hidden' });
});

step('the counts are available as text to screen readers', async () => {
  const pool = await poolOf(KEYS.mah_admin, chosen.code);
  const figure = page.getByRole('figure', { name: `Serial number pool of ${chosen.code}` });
  const snapshot = await figure.ariaSnapshot();
  assert.ok(snapshot.includes(`Available: ${fmt(pool.available)} serials`), snapshot);
  assert.ok(snapshot.includes(`Assigned: ${fmt(pool.assigned)} serials`), snapshot);
  assert.ok(snapshot.includes(`Total: ${fmt(pool.total)} serials`), snapshot);
  assert.equal(await figure.locator('canvas').getAttribute('aria-hidden'), 'true');
  await screenshot(page, 'donut-legend');

  // Live counts: the expanded product's pool is asked for again within ~5 s.
  const refresh = await page.waitForRequest(
    (r) => r.url().endsWith('/graphql') && /ProductPool/.test(r.postData() || '') && r.postData().includes(chosen.code),
    { timeout: 8000 },
  );
  assert.ok(refresh);
});

step('Show serials opens the paged serials table and the status filter works', async () => {
  await page.getByRole('link', { name: 'Show serials' }).click();
  await page.waitForURL(`**/pool/products/${chosen.code}/serials`);
  await page.getByRole('heading', { level: 1, name: `Serials of ${chosen.name}` }).waitFor();

  const rows = page.locator('table.serials-table tbody tr[data-status]');
  const expectRows = async (status) => {
    const expected = await serialsOf(KEYS.mah_admin, chosen.code, status);
    const values = expected.edges.map((e) => e.node.value);
    await page.waitForFunction(
      ([first, n]) => {
        const r = document.querySelectorAll('table.serials-table tbody tr[data-status]');
        return r.length === n && r[0]?.querySelector('th')?.textContent === first;
      },
      [values[0], values.length],
    );
    assert.deepEqual(await rows.locator('th').allTextContents(), values);
    const statuses = new Set(await rows.evaluateAll((r) => r.map((x) => x.dataset.status)));
    if (status) assert.deepEqual([...statuses], [status]);
    return expected;
  };

  const everything = await expectRows(null);
  assert.ok(everything.edges.length > 0, 'the product has serials');
  await screenshot(page, 'serials-all');

  await page.getByRole('radio', { name: /^Available/ }).check();
  await page.waitForURL(/status=AVAILABLE/);
  await expectRows('AVAILABLE');
  await screenshot(page, 'serials-available');

  await page.getByRole('radio', { name: /^Assigned/ }).check();
  await page.waitForURL(/status=ASSIGNED/);
  if (chosen.pool.assigned > 0) await expectRows('ASSIGNED');
  await screenshot(page, 'serials-assigned');

  // A deep link survives a reload (SPA fallback + session kept for the browser session).
  await page.reload();
  await page.getByRole('heading', { level: 1, name: `Serials of ${chosen.name}` }).waitFor();
  assert.equal(await page.getByRole('radio', { name: /^Assigned/ }).isChecked(), true);
});

step('signing out returns to the sign-in page and forgets the key', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.reload();
  await page.getByLabel('API key').waitFor();
  await screenshot(page, 'signed-out');
});

step('the CMO sees only the products assigned to it, from its partner', async () => {
  const cmo = await products(KEYS.cmo_admin);
  assert.ok(cmo.totalCount > 0, 'the demo partnership assigned products to the CMO');
  assert.ok(cmo.totalCount < all.totalCount, 'the CMO sees fewer products than the MAH');
  const p = await newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await signIn(p, KEYS.cmo_admin);
    await p.getByTestId('tenant-name').waitFor();
    assert.equal(await p.getByTestId('tenant-name').textContent(), 'Demo Contract Manufacturing');
    await p.waitForFunction(
      (t) => document.querySelector('[data-testid=product-count]')?.textContent?.trim() === t,
      `${fmt(cmo.totalCount)} products`,
    );
    const sources = await p.locator('tr.product-row td[data-source]').evaluateAll((c) => c.map((x) => x.dataset.source));
    assert.equal(sources.length, Math.min(50, cmo.totalCount));
    assert.deepEqual([...new Set(sources)], ['PARTNER']);
    const codes = await p.locator('tr.product-row').evaluateAll((r) => r.map((x) => x.dataset.code));
    assert.deepEqual(codes, cmo.edges.map((e) => e.node.code));
    // Keyboard: the expand control works with Enter and Space and shows its focus.
    const firstCode = cmo.edges[0].node.code;
    const expand = p.getByRole('button', { name: `Expand ${firstCode}`, exact: true });
    await p.getByRole('searchbox', { name: /search products/i }).focus();
    for (let i = 0; i < 10 && !(await expand.evaluate((b) => b === document.activeElement)); i++) {
      await p.keyboard.press('Tab');
    }
    assert.ok(await expand.evaluate((b) => b === document.activeElement), 'Tab reaches the expand control');
    assert.notEqual(await expand.evaluate((b) => getComputedStyle(b).outlineStyle), 'none', 'focus is visible');
    await p.keyboard.press('Enter');
    assert.equal(await expand.getAttribute('aria-expanded'), 'true');
    const detail = p.locator(`#${await expand.getAttribute('aria-controls')}`);
    await detail.locator('canvas').waitFor();
    // The CMO's pool of its MAH's product: owner is the MAH, source the partner.
    assert.ok(await detail.getByText('Partner tenant').isVisible());
    const cmoPool = await poolOf(KEYS.cmo_admin, firstCode);
    assert.ok(
      (await detail.locator('.donut-legend').textContent()).includes(`Available: ${fmt(cmoPool.available)} serials`),
    );
    await p.waitForTimeout(600);
    await screenshot(p, 'cmo-products');
    await p.keyboard.press('Space');
    assert.equal(await expand.getAttribute('aria-expanded'), 'false');
  } finally {
    await p.context().close();
  }
});

step('the app works on a 390 px phone screen', async () => {
  const p = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    await signIn(p, KEYS.mah_viewer || KEYS.mah_admin);
    await p.getByTestId('tenant-name').waitFor();
    await p.waitForFunction((n) => document.querySelectorAll('tr.product-row').length === n, Math.min(50, all.totalCount));
    // No sideways scrolling of the page itself; the table scrolls inside its region.
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await screenshot(p, 'phone-list');
    await p.getByRole('button', { name: `Expand ${chosen.code}`, exact: true }).click();
    await p.locator('.detail canvas').waitFor();
    await p.waitForTimeout(600);
    const legend = await p.locator('.detail .donut-legend').textContent();
    const pool = await poolOf(KEYS.mah_admin, chosen.code);
    assert.ok(legend.includes(`Available: ${fmt(pool.available)} serials`), legend);
    const detailBox = await p.locator('.detail').boundingBox();
    assert.ok(detailBox.x >= 0 && detailBox.x + detailBox.width <= 390 + 1, 'details fit on the screen');
    await p.locator('.detail .donut').scrollIntoViewIfNeeded();
    await screenshot(p, 'phone-detail');
  } finally {
    await p.context().close();
  }
});

step('no uncaught errors in the pages', async () => {
  assert.deepEqual(pageErrors, []);
});
