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
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.SERIALPOOL_URL || '').replace(/\/+$/, '');
const KEYS = parseKeys(process.env.SERIALPOOL_KEYS);
// E2E_SCREENSHOTS moves them elsewhere (e.g. two runs at once on one checkout).
const SHOTS = process.env.E2E_SCREENSHOTS
  ? `${process.env.E2E_SCREENSHOTS.replace(/\/+$/, '')}/`
  : fileURLToPath(new URL('./screenshots/', import.meta.url));
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
const SERIAL = `query E2ESerial($code: String!, $value: String!) {
  serial(productCode: $code, value: $value) {
    value status source packStatus decommissionReason digitalLink
    history { event status reason at recordedAt actor }
  }
}`;
const serialOf = async (key, code, value) => (await gql(key, SERIAL, { code, value })).serial;
const SSCC_POOLS = `{ ssccPools { code companyPrefix extensionDigit pool { available assigned total } } }`;
const PARTNERS = `{ partners { tenant { id name } role } }`;
const INVITATIONS = `{ partnerInvitations { id createdAt expiresAt } }`;
/** The product codes the brief names: the SNM demo product and the SAP ATTP one. */
const AMOX = '04012340051006';
const IBU = '04012340051013';
const OPERATOR = () => KEYS.mah_operator || KEYS.mah_admin;
const REQUEST_SERIALS = `mutation E2ERequest($input: RequestSerialsInput!) { requestSerials(input: $input) { id count } }`;
const RUN = Date.now().toString(36).toUpperCase(); // makes order refs and uploaded serials unique per run

// ---- Browser -------------------------------------------------------------------------

/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page; // the MAH admin's page, shared by the steps in order
let shot = 0;
const pageErrors = [];
const cspViolations = [];
/**
 * The WebSockets the pages opened, with the text frames they sent and received (frames are
 * never printed: connection_init carries the API key).
 * @type {{page: import('playwright-core').Page, ws: import('playwright-core').WebSocket, sent: string[], received: string[]}[]}
 */
const sockets = [];

/** Saves what the screen shows (the viewport; `fullPage` for the whole document). */
async function screenshot(p, name, { fullPage = false } = {}) {
  shot += 1;
  const file = `${SHOTS}${String(shot).padStart(2, '0')}-${name}.png`;
  await p.screenshot({ path: file, fullPage });
  return file;
}

/** The page a failing step is screenshotted from (the step's own page when it has one). */
let current = null;
/** Browser contexts a step is done with: closed after its failure screenshot. */
const finished = [];
/** Marks a step's page as done; it is closed when the step ends. */
const release = (p) => finished.push(p.context());

/** Runs a step; on failure keeps a screenshot of what the browser showed. */
function step(name, fn) {
  test(name, async () => {
    current = null;
    try {
      await fn();
    } catch (error) {
      // The step's own page, else the operator's (steps share it), else the first page.
      const shown = [current, op, page].find((x) => x && !x.isClosed());
      if (shown) await screenshot(shown, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    } finally {
      for (const context of finished.splice(0)) await context.close().catch(() => {});
    }
  });
}

async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'en-US', ...options });
  const p = await context.newPage();
  p.setDefaultTimeout(TIMEOUT);
  p.on('pageerror', (error) => pageErrors.push(`${error.message}`));
  p.on('websocket', (ws) => {
    const socket = { page: p, ws, sent: [], received: [] };
    ws.on('framesent', (f) => socket.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => socket.received.push(String(f.payload)));
    sockets.push(socket);
  });
  // The server's Content-Security-Policy must not block anything the app does.
  await p.exposeFunction('reportCspViolation', (v) => cspViolations.push(v));
  await p.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      /** @type {any} */ (window).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  return p;
}

async function signIn(p, key) {
  await p.goto('/');
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

const productRows = (p) => p.locator('tr.product-row');

/** Signs in on a new page (own browser context) and waits for the header. */
async function openAs(key, options = { viewport: { width: 1280, height: 900 } }) {
  const p = await newPage(options);
  current = p;
  await signIn(p, key);
  await p.getByTestId('tenant-name').waitFor();
  return p;
}

/** Searches the product list for a code and expands the product; returns its detail row. */
async function expandProduct(p, code) {
  const search = p.getByRole('searchbox', { name: /search products/i });
  await search.fill(code);
  const expand = p.getByRole('button', { name: `Expand ${code}`, exact: true });
  await p.waitForFunction(
    (c) => document.querySelectorAll('tr.product-row').length === 1 && document.querySelector(`tr.product-row[data-code="${c}"]`),
    code,
  );
  if ((await expand.getAttribute('aria-expanded')) !== 'true') await expand.click();
  const detail = p.locator(`#${await expand.getAttribute('aria-controls')}`);
  await detail.locator('canvas').waitFor();
  return detail;
}

/** A count of the donut legend ("Available", "Assigned", "Total") as a number. */
async function legendCount(scope, status) {
  const text = await scope.locator(`.donut-legend li[data-status="${status}"] .legend-count`).first().textContent();
  return Number(text.replace(/[^0-9]/g, ''));
}

/**
 * Waits until the legend shows `n` for a status. The default wait is shorter than the 5 s
 * live poll, so an action's own refresh must have brought the count.
 */
async function expectLegend(scope, status, n, timeout = 4000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await legendCount(scope, status);
    if (last === n || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(last, n, `${status} count in the donut legend`);
}

/** Clicks a download link and returns the saved file's name and text. */
async function download(p, link) {
  const [file] = await Promise.all([p.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

const csvLines = (text) => text.split(/\r?\n/).filter((l) => l !== '');
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

  // Live counts come over the poolCounts subscription: the page opened a WebSocket to
  // /graphql on its own origin and subscribed to the expanded product.
  const socket = sockets.find((x) => x.page === page && new URL(x.ws.url()).pathname === '/graphql');
  assert.ok(socket, `a WebSocket to /graphql (opened: ${sockets.map((x) => x.ws.url()).join(', ') || 'none'})`);
  const url = new URL(socket.ws.url());
  assert.equal(url.protocol, new URL(BASE).protocol === 'https:' ? 'wss:' : 'ws:');
  assert.equal(url.host, new URL(BASE).host);
  assert.equal(socket.ws.isClosed(), false, 'the WebSocket is open');
  const frames = (list) =>
    list.map((f) => {
      try {
        return JSON.parse(f);
      } catch {
        return {};
      }
    });
  const until = async (what, ok, timeout = 5000) => {
    const deadline = Date.now() + timeout;
    while (!ok()) {
      assert.ok(Date.now() < deadline, what);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until('connection_ack', () => frames(socket.received).some((m) => m.type === 'connection_ack'));
  const sub = () => frames(socket.sent).find((m) => m.type === 'subscribe' && m.payload?.variables?.code === chosen.code);
  await until(`a subscription to ${chosen.code}`, () => Boolean(sub()));
  assert.match(sub().payload.query, /poolCounts\(productCode: \$code\)/);
  await until('its first update', () =>
    frames(socket.received).some((m) => m.type === 'next' && m.id === sub().id && m.payload?.data?.poolCounts),
  );

  // Serials requested by an API client show up by themselves, within ~3 s (polling, the
  // fallback, would take 5 s), and with no poll of the counts meanwhile.
  const polls = [];
  const onRequest = (r) => {
    if (r.url().endsWith('/graphql') && /ProductPool/.test(r.postData() || '')) polls.push(r.url());
  };
  page.on('request', onRequest);
  const stamp = () => page.locator('.detail .live-note time').getAttribute('datetime');
  const stampBefore = await stamp();
  try {
    const before = await poolOf(KEYS.mah_admin, chosen.code);
    const n = Math.min(2, before.available);
    const { requestSerials } = await gql(OPERATOR(), REQUEST_SERIALS, {
      input: { productCode: chosen.code, count: n, orderRef: `E2E-LIVE-${RUN}` },
    });
    assert.equal(requestSerials.count, n);
    await expectLegend(figure, 'ASSIGNED', before.assigned + n, 3000);
    await expectLegend(figure, 'AVAILABLE', before.available - n, 500);
    assert.deepEqual(polls, [], 'the counts came over the WebSocket, not by polling');
  } finally {
    page.off('request', onRequest);
  }
  // "Live · updated" tells when the last update came: this one.
  assert.match(await page.locator('.detail .live-note').textContent(), /Live · updated \d\d:\d\d:\d\d/);
  assert.ok(new Date(await stamp()) > new Date(stampBefore), 'the “updated” time moved on with the update');
  await screenshot(page, 'donut-live-update');
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
    release(p);
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
    if (KEYS.mah_viewer) assert.equal(await p.locator('.detail .product-actions').count(), 0, 'a viewer has no actions');
    const detailBox = await p.locator('.detail').boundingBox();
    assert.ok(detailBox.x >= 0 && detailBox.x + detailBox.width <= 390 + 1, 'details fit on the screen');
    await p.locator('.detail .donut').scrollIntoViewIfNeeded();
    await screenshot(p, 'phone-detail');
  } finally {
    release(p);
  }
});

// ---- Lifecycle: pack history, operator actions, uploads, partners, SSCC pools --------

step('Pack history: a known serial shows its pool and pack status, Digital Link and timeline', async () => {
  // A serial the API knows, with pack events when the demo data has such one.
  const assigned = await serialsOf(KEYS.mah_admin, AMOX, 'ASSIGNED');
  assert.ok(assigned.edges.length > 0, 'the SNM demo product has assigned serials');
  let value = assigned.edges[0].node.value;
  for (const { node } of assigned.edges.slice(0, 20)) {
    if ((await serialOf(KEYS.mah_admin, AMOX, node.value)).history.length > 0) {
      value = node.value;
      break;
    }
  }
  const expected = await serialOf(KEYS.mah_admin, AMOX, value);
  const p = await openAs(KEYS.mah_viewer || KEYS.mah_admin);
  try {
    await p.getByRole('tab', { name: 'Pack history' }).click();
    await p.waitForURL('**/pool/pack-history');
    assert.equal(await p.getByRole('tab', { name: 'Pack history' }).getAttribute('aria-selected'), 'true');
    await p.getByLabel('Product code').fill(AMOX);
    await p.getByLabel('Serial number').fill(value);
    await p.getByRole('button', { name: 'Look up' }).click();
    const card = p.getByTestId('serial-history');
    await card.waitFor();
    assert.match(p.url(), new RegExp(`product=${AMOX}&serial=${encodeURIComponent(value)}`));
    assert.equal((await card.getByRole('heading', { level: 2 }).textContent()).trim(), `Serial ${value}`);
    assert.equal((await card.getByTestId('pool-status').textContent()).trim().toUpperCase(), expected.status);
    assert.equal(await card.locator('[data-testid=pack-status] .pack-badge').getAttribute('data-status'), expected.packStatus);
    assert.equal(await card.getByTestId('digital-link').locator('a').getAttribute('href'), expected.digitalLink);
    const events = card.locator('ol.timeline > li');
    assert.equal(await events.count(), expected.history.length);
    assert.deepEqual(
      await events.evaluateAll((li) => li.map((x) => x.dataset.event)),
      expected.history.map((e) => e.event),
    );
    if (expected.history.length === 0) assert.ok(await card.getByText('No pack events yet').isVisible());
    else assert.equal((await events.first().locator('.timeline-actor').textContent()).trim(), expected.history[0].actor);
    // A viewer reads only: no form to record events.
    if (KEYS.mah_viewer) assert.equal(await p.getByRole('button', { name: /^Record/ }).count(), 0);
    await screenshot(p, 'pack-history-lookup', { fullPage: true });

    // A serial nobody can see.
    await p.getByLabel('Serial number').fill('NO-SUCH-SERIAL');
    await p.getByRole('button', { name: 'Look up' }).click();
    const missing = p.getByTestId('serial-not-found');
    await missing.waitFor();
    assert.match(await missing.textContent(), /No serial NO-SUCH-SERIAL of product \d+ is\s+visible to you/);
    await screenshot(p, 'pack-history-not-found');
    // Back goes to the previous lookup.
    await p.goBack();
    await card.waitFor();
  } finally {
    release(p);
  }
});

/** The request made by the operator below: its order ref and serials (from the page). */
const order = { ref: `E2E-${RUN}`, count: 25, values: /** @type {string[]} */ ([]) };
/** @type {import('playwright-core').Page} */
let op; // the MAH operator's page

step('operator requests serials for an order: the donut’s Assigned count rises by that number', async () => {
  op = await openAs(OPERATOR());
  const detail = await expandProduct(op, AMOX);
  // Role-appropriate actions: an operator of the owner generates (SNM), requests, releases, uploads; no limits.
  assert.deepEqual(
    await detail.locator('.action-bar button[data-action]').evaluateAll((b) => b.map((x) => x.dataset.action)),
    KEYS.mah_operator ? ['generate', 'request', 'release', 'upload'] : ['generate', 'request', 'release', 'upload', 'limits'],
  );
  const before = await poolOf(OPERATOR(), AMOX);
  await expectLegend(detail, 'ASSIGNED', before.assigned, TIMEOUT);
  await detail.getByRole('button', { name: 'Request for an order' }).click();
  assert.equal(await detail.getByRole('button', { name: 'Request for an order' }).getAttribute('aria-expanded'), 'true');
  // The panel takes the focus to its first field.
  assert.equal(await detail.getByLabel('Number of serials').evaluate((el) => el === document.activeElement), true);
  await screenshot(op, 'request-form');
  // Client-side check first: an order reference is required.
  await detail.getByLabel('Number of serials').fill(String(order.count));
  await detail.getByRole('button', { name: 'Request serials' }).click();
  assert.equal(await detail.getByLabel('Order reference').getAttribute('aria-invalid'), 'true');
  await detail.getByLabel('Order reference').fill(order.ref);
  await detail.getByRole('button', { name: 'Request serials' }).click();
  const result = detail.getByTestId('request-result');
  await result.waitFor();
  assert.match(await result.locator('[role=status]').textContent(), new RegExp(`${order.count} serials assigned to order ${order.ref}`));
  order.values = await result.locator('.serial-preview a').allTextContents();
  assert.equal(order.values.length, 10, 'the first 10 serials are shown');
  await expectLegend(detail, 'ASSIGNED', before.assigned + order.count);
  await expectLegend(detail, 'AVAILABLE', before.available - order.count);
  const after = await poolOf(OPERATOR(), AMOX);
  assert.equal(after.assigned, before.assigned + order.count);
  await op.waitForTimeout(500); // the donut's transition
  await screenshot(op, 'request-result');
  await screenshot(op, 'request-result-full-page', { fullPage: true });

  // The CSV of the request: a header and one line per serial.
  const csv = await download(op, result.getByRole('link', { name: /Download CSV/ }));
  const lines = csvLines(csv.text);
  assert.match(lines[0], /serial/i);
  assert.equal(lines.length, order.count + 1, `${csv.name}: header + ${order.count} serials`);
  assert.ok(lines.slice(1).some((l) => l.includes(order.values[0])), 'the CSV holds the shown serials');
});

step('the request is listed under Recent requests with its CSV, and first in the audit trail filtered by action', async () => {
  const LATEST = `query E2ELatest($code: String!) {
    serialRequests(filter: { productCode: $code }, first: 1) { edges { node { id orderRef count } } }
    auditLog(filter: { action: "serials.request" }, first: 1) { edges { node { id actor count product { code } detail { key value } } } }
  }`;
  const latest = await gql(OPERATOR(), LATEST, { code: AMOX });
  const made = latest.serialRequests.edges[0].node;
  const entry = latest.auditLog.edges[0].node;
  assert.equal(made.orderRef, order.ref, 'the newest request of the product is the one made above');
  assert.deepEqual(entry.detail.find((d) => d.key === 'orderRef'), { key: 'orderRef', value: order.ref });

  // The product's detail, still open from the request: the list was read again after it.
  const detail = await expandProduct(op, AMOX);
  const recent = detail.getByTestId('recent-requests');
  const first = recent.locator('li.request-item').first();
  await op.waitForFunction((id) => document.querySelector('[data-testid=recent-requests] li.request-item')?.dataset.requestId === id, made.id);
  assert.equal((await first.locator('.request-what').textContent()).trim(), order.ref);
  assert.equal((await first.locator('.request-count').textContent()).trim(), `${order.count} serials`);
  const link = first.getByRole('link', { name: `CSV of order ${order.ref}, ${order.count} serials` });
  assert.equal(await link.getAttribute('href'), `/api/v2/requests/${encodeURIComponent(made.id)}/serials.csv`);
  const csv = await download(op, link);
  assert.equal(csvLines(csv.text).length, order.count + 1, `${csv.name}: header + ${order.count} serials`);
  await recent.scrollIntoViewIfNeeded();
  await screenshot(op, 'recent-requests');

  // The audit trail, from the header, filtered to requests: this one comes first.
  await op.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit trail' }).click();
  await op.waitForURL('**/audit');
  assert.equal(await op.getByRole('heading', { level: 1 }).evaluate((h) => h === document.activeElement && h.textContent), 'Audit trail');
  await op.locator('table.audit-table tbody tr[data-id]').first().waitFor();
  await screenshot(op, 'audit-trail-all', { fullPage: true });
  await op.getByLabel('Action').selectOption({ label: 'Serials requested' });
  await op.waitForURL('**/audit?action=serials.request');
  const rows = op.locator('table.audit-table tbody tr[data-id]');
  const firstRow = async () => {
    await op.waitForFunction(
      (id) => {
        const all = [...document.querySelectorAll('table.audit-table tbody tr[data-id]')];
        return all[0]?.dataset.id === id && all.every((r) => r.dataset.action === 'serials.request');
      },
      entry.id,
    );
    const row = rows.first();
    assert.equal((await row.locator('th.audit-action').evaluate((th) => th.firstChild.textContent)).trim(), 'Serials requested');
    assert.equal((await row.locator('td.col-audit a').textContent()).trim(), AMOX);
    assert.equal((await row.locator('td.num').textContent()).trim(), fmt(order.count));
    assert.equal((await row.locator('td.audit-actor').textContent()).trim(), entry.actor);
    assert.equal((await row.locator('td.col-audit .audit-details li[data-key=orderRef]').textContent()).trim(), `orderRef: ${order.ref}`);
  };
  await firstRow();
  assert.equal(await op.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true, 'no sideways scrolling');
  await screenshot(op, 'audit-trail');

  // A reload keeps the filter (it is in the address).
  await op.reload();
  await firstRow();
  assert.equal(await op.getByLabel('Action').inputValue(), 'serials.request');
  assert.ok(op.url().endsWith('/audit?action=serials.request'), op.url());

  // The same on a 390 px phone: the facts stack under the action, nothing scrolls sideways.
  const phone = await openAs(OPERATOR(), { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    await phone.goto('/audit?action=serials.request');
    await phone.waitForFunction((id) => document.querySelector('table.audit-table tbody tr[data-id]')?.dataset.id === id, entry.id);
    const inline = phone.locator('table.audit-table tbody tr[data-id]').first().locator('.audit-inline');
    assert.ok(await inline.isVisible(), 'the facts show under the action');
    assert.match(await inline.textContent(), new RegExp(`orderRef: ${order.ref}`));
    assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'the page fits');
    const table = await phone.locator('.table-scroll').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(table <= 0, `the audit table is ${table}px wider than its region`);
    await screenshot(phone, 'phone-audit-trail');
  } finally {
    release(phone);
  }
  current = op;

  // Back to the pool for the next steps.
  await op.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SN/SSCC pool' }).click();
  await op.waitForURL('**/pool/serial-numbers');
});

step('operator releases serials back: refusals per row, then the donut updates', async () => {
  const detail = await expandProduct(op, AMOX);
  await detail.getByRole('button', { name: 'Release', exact: true }).click();
  const area = detail.getByLabel(/Serials to release/);
  // A refused batch: one unknown serial among good ones; nothing is released.
  await area.fill(`${order.values[0]}\nE2E-NO-SUCH-${RUN}\n${order.values[1]}\n`);
  assert.match(await detail.getByTestId('release-count').textContent(), /3 serials/);
  const before = await poolOf(OPERATOR(), AMOX);
  await detail.getByRole('button', { name: 'Release 3 serials' }).click();
  const refusal = detail.getByTestId('action-error');
  await refusal.waitFor();
  assert.match(await refusal.getByRole('alert').textContent(), /rejected|refused/i);
  const rows = refusal.locator('.row-errors-table tbody tr');
  assert.equal(await rows.count(), 1);
  assert.equal((await rows.first().locator('th').textContent()).trim(), `E2E-NO-SUCH-${RUN}`);
  assert.equal((await rows.first().locator('td').first().textContent()).trim(), '2');
  assert.ok((await rows.first().getAttribute('data-code')).length > 0, 'the rule is named');
  assert.deepEqual(await poolOf(OPERATOR(), AMOX), before);
  await screenshot(op, 'release-refused');

  // Release five of the requested serials (pasted with a CSV header and a duplicate).
  const five = order.values.slice(0, 5);
  await area.fill(['serial', ...five, five[0]].join('\n'));
  assert.match(await detail.getByTestId('release-count').textContent(), /5 serials · 1 duplicate dropped · CSV header skipped/);
  await detail.getByRole('button', { name: 'Release 5 serials' }).click();
  await detail.getByTestId('action-success').filter({ hasText: 'Released 5 serials' }).waitFor();
  await expectLegend(detail, 'ASSIGNED', before.assigned - 5);
  await expectLegend(detail, 'AVAILABLE', before.available + 5);
  assert.equal((await serialOf(OPERATOR(), AMOX, five[0])).status, 'AVAILABLE');
  await screenshot(op, 'release-done');
});

step('Pack history: record COMMISSION, then DECOMMISSION (SAMPLED); the timeline shows both', async () => {
  // One of the requested serials still Assigned (not released above): open it from the request.
  const value = order.values[7];
  assert.equal((await serialOf(OPERATOR(), AMOX, value)).packStatus, 'ACTIVE');
  await op.goto(`/pool/pack-history?product=${AMOX}&serial=${encodeURIComponent(value)}`);
  const card = op.getByTestId('serial-history');
  await card.waitFor();
  assert.equal(await card.locator('[data-testid=pack-status] .pack-badge').getAttribute('data-status'), 'ACTIVE');
  assert.equal(await card.locator('ol.timeline > li').count(), 0);
  // The next event that applies is preselected.
  assert.equal(await card.getByRole('radio', { name: /^Commission/ }).isChecked(), true);
  await card.getByRole('button', { name: 'Record commission' }).click();
  await card.locator('ol.timeline > li[data-event=COMMISSION]').waitFor();
  await card.locator('[data-testid=pack-status] .pack-badge[data-status=COMMISSIONED]').waitFor();
  await card.getByTestId('action-success').filter({ hasText: 'Recorded: Commission' }).waitFor();
  await screenshot(op, 'pack-commissioned', { fullPage: true });

  await card.getByRole('radio', { name: /^Decommission/ }).check();
  // A reason is required.
  await card.getByRole('button', { name: 'Record decommission' }).click();
  assert.equal(await card.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
  await card.getByLabel('Reason').selectOption('SAMPLED');
  await card.getByRole('button', { name: 'Record decommission' }).click();
  await card.locator('ol.timeline > li[data-event=DECOMMISSION]').waitFor();
  const badge = card.locator('[data-testid=pack-status] .pack-badge');
  await badge.and(op.locator('[data-status=DECOMMISSIONED]')).waitFor();
  assert.equal((await badge.textContent()).trim(), 'Decommissioned · Sampled');
  const expected = await serialOf(OPERATOR(), AMOX, value);
  assert.equal(expected.packStatus, 'DECOMMISSIONED');
  assert.equal(expected.decommissionReason, 'SAMPLED');
  assert.equal(expected.status, 'ASSIGNED', 'a decommissioned pack stays Assigned');
  const items = card.locator('ol.timeline > li');
  assert.deepEqual(await items.evaluateAll((li) => li.map((x) => `${x.dataset.event}:${x.dataset.status}`)), [
    'COMMISSION:COMMISSIONED',
    'DECOMMISSION:DECOMMISSIONED',
  ]);
  assert.match(await items.nth(1).textContent(), /reason Sampled/);
  assert.equal((await items.nth(1).locator('.timeline-actor').textContent()).trim(), expected.history[1].actor);
  await screenshot(op, 'pack-decommissioned', { fullPage: true });

  // The server refuses an illegal transition and the page names its rule.
  await card.getByRole('radio', { name: /^Commission/ }).check();
  await card.getByRole('button', { name: 'Record commission' }).click();
  const refusal = card.getByTestId('action-error');
  await refusal.waitFor();
  assert.match(await refusal.getByRole('alert').textContent(), /COMMISSION needs an ACTIVE pack/);
  assert.equal(await items.count(), 2, 'nothing was recorded');
  await refusal.scrollIntoViewIfNeeded();
  await screenshot(op, 'pack-refused');
});

step('operator uploads a CSV to the SAP ATTP product: progress reaches 100 % and the result shows', async () => {
  await op.goto('/pool/serial-numbers');
  const detail = await expandProduct(op, IBU);
  await detail.getByRole('button', { name: 'Upload CSV' }).click();
  const source = detail.getByLabel('Source');
  assert.equal(await source.inputValue(), 'SAP_ATTP', 'the source defaults to the product’s');
  const before = await poolOf(OPERATOR(), IBU);

  // A file with a bad row is refused as a whole, with the row named.
  await detail.getByLabel('CSV file of serials', { exact: true }).setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`serial\nE2EOK${RUN}\nE2E BAD ${RUN}\n`),
  });
  await detail.getByTestId('upload-file-info').filter({ hasText: '2 serials (header skipped)' }).waitFor();
  await detail.getByRole('button', { name: 'Upload', exact: true }).click();
  const refusal = detail.getByTestId('action-error');
  await refusal.waitFor();
  const row = refusal.locator('.row-errors-table tbody tr').first();
  assert.equal((await row.locator('th').textContent()).trim(), `E2E BAD ${RUN}`);
  assert.equal(await row.getAttribute('data-code'), 'serial_charset');
  assert.deepEqual(await poolOf(OPERATOR(), IBU), before);
  await screenshot(op, 'upload-refused');

  // 20 unique serials.
  const n = 20;
  const values = Array.from({ length: n }, (_, i) => `E2E${RUN}${String(i).padStart(3, '0')}`);
  await detail.getByLabel('CSV file of serials', { exact: true }).setInputFiles({
    name: 'serials.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`serial\n${values.join('\n')}\n`),
  });
  await detail.getByTestId('upload-file-info').filter({ hasText: `${n} serials` }).waitFor();
  await detail.getByRole('button', { name: 'Upload', exact: true }).click();
  const bar = detail.getByRole('progressbar', { name: 'Upload progress' });
  await bar.waitFor();
  await op.waitForFunction(
    (el) => el.getAttribute('aria-valuenow') === '100',
    await bar.elementHandle(),
  );
  assert.ok(await bar.isVisible());
  assert.equal(await detail.locator('.progress-fill').evaluate((el) => el.style.width), '100%');
  const success = detail.getByTestId('action-success');
  await success.waitFor();
  assert.match(await success.textContent(), new RegExp(`Stored ${n} serials from SAP ATTP`));
  await expectLegend(detail, 'AVAILABLE', before.available + n);
  assert.equal((await serialOf(OPERATOR(), IBU, values[0])).source, 'SAP_ATTP');
  assert.match(await detail.getByTestId('upload-progress-label').textContent(), /^100% · Stored/);
  await op.waitForTimeout(500); // the bar's and the donut's transitions
  await screenshot(op, 'upload-done');
});

step('operator generates serials for the SNM product; counts update at once', async () => {
  await op.goto('/pool/serial-numbers');
  const detail = await expandProduct(op, AMOX);
  // Generate is offered for SNM products only.
  await detail.getByRole('button', { name: 'Generate', exact: true }).click();
  const before = await poolOf(OPERATOR(), AMOX);
  await detail.getByLabel('Number of serials').fill('1,000');
  await detail.getByRole('button', { name: 'Generate serials' }).click();
  await detail.getByTestId('action-success').filter({ hasText: 'Generated 1,000 serials (random)' }).waitFor();
  await expectLegend(detail, 'AVAILABLE', before.available + 1000);
  await screenshot(op, 'generate-done');
  const ibu = await expandProduct(op, IBU);
  assert.equal(await ibu.getByRole('button', { name: 'Generate', exact: true }).count(), 0, 'no Generate for a received product');
});

step('admin edits product limits; a request over the cap is refused', async () => {
  const p = await openAs(KEYS.mah_admin);
  try {
    const target = all.edges.map((e) => e.node).find((n) => n.code !== AMOX && n.code !== IBU && n.pool.available > 10) || all.edges[0].node;
    const { product: was } = await gql(KEYS.mah_admin, 'query($c: String!) { product(code: $c) { requestCap } }', { c: target.code });
    const cap = was.requestCap === 10 ? 12 : 10; // a change on every run
    const detail = await expandProduct(p, target.code);
    await detail.getByRole('button', { name: 'Limits' }).click();
    await detail.getByLabel('Cap per request').fill(String(cap));
    await detail.getByLabel('Replenish up to').fill('');
    await detail.getByRole('button', { name: 'Save limits' }).click();
    await detail.getByTestId('action-success').filter({ hasText: `cap ${cap} per request` }).waitFor();
    assert.equal((await detail.getByTestId('request-cap').textContent()).trim(), String(cap));
    const { product } = await gql(KEYS.mah_admin, 'query($c: String!) { product(code: $c) { requestCap } }', { c: target.code });
    assert.equal(product.requestCap, cap);
    await screenshot(p, 'limits-saved');
    // Over the cap: the form says so before asking the server.
    await detail.getByRole('button', { name: 'Request for an order' }).click();
    await detail.getByLabel('Number of serials').fill(String(cap + 1));
    await detail.getByLabel('Order reference').fill(`E2E-CAP-${RUN}`);
    await detail.getByRole('button', { name: 'Request serials' }).click();
    await detail.getByText(`The number of serials must be at most ${cap}.`).waitFor();
    assert.equal(await detail.getByLabel('Number of serials').evaluate((el) => el === document.activeElement), true);
    await screenshot(p, 'request-over-cap');
  } finally {
    release(p);
  }
});

step('MAH Partners view: assign serials to the CMO and export what was assigned as CSV', async () => {
  const { partners } = await gql(OPERATOR(), PARTNERS);
  const cmo = partners.find((x) => x.role === 'CMO');
  assert.ok(cmo, 'the demo MAH has a CMO partner');
  await op.getByRole('link', { name: 'Partners' }).click();
  await op.waitForURL('**/partners');
  assert.equal(await op.getByRole('link', { name: 'Partners' }).getAttribute('aria-current'), 'page');
  const card = op.locator(`article.partner-card[data-tenant="${cmo.tenant.id}"]`);
  await card.waitFor();
  assert.equal((await card.getByRole('heading', { level: 3 }).textContent()).trim(), cmo.tenant.name);
  await screenshot(op, 'partners-mah');

  const cmoBefore = (await gql(KEYS.cmo_admin, POOL, { code: AMOX })).product?.pool ?? { available: 0, assigned: 0, total: 0 };
  const n = 30;
  const product = card.getByLabel('Product', { exact: true });
  await product.waitFor();
  await op.waitForFunction((el) => el.options.length > 1, await product.elementHandle());
  await product.selectOption(AMOX);
  await card.getByLabel('Number of serials').fill(String(n));
  await card.getByRole('button', { name: `Assign to ${cmo.tenant.name}` }).click();
  const result = card.getByTestId('request-result');
  await result.waitFor();
  assert.match(await result.locator('[role=status]').textContent(), new RegExp(`${n} serials assigned to ${cmo.tenant.name}`));
  const cmoAfter = (await gql(KEYS.cmo_admin, POOL, { code: AMOX })).product.pool;
  assert.equal(cmoAfter.available, cmoBefore.available + n, 'the serials arrive Available in the CMO’s pool');
  await screenshot(op, 'partners-assigned');

  // Export: everything assigned to the CMO of this product = the CMO's pool of it.
  await card.getByLabel('Products to export').selectOption(AMOX);
  const csv = await download(op, card.getByRole('link', { name: 'Export CSV' }));
  const lines = csvLines(csv.text);
  assert.match(lines[0], /serial/i, 'a header line');
  assert.equal(lines.length - 1, cmoAfter.total, `${csv.name}: one line per serial assigned to the CMO`);
  assert.ok(lines.slice(1).every((l) => l.includes(AMOX)), 'only the chosen product');
  await card.getByText(`(${fmt(cmoAfter.total)} rows)`).waitFor();
  await screenshot(op, 'partners-exported');
});

step('CMO Partners view shows its MAH and only the products assigned to it', async () => {
  const { partners } = await gql(KEYS.cmo_admin, PARTNERS);
  const mah = partners.find((x) => x.role === 'MAH');
  assert.ok(mah, 'the CMO has an MAH partner');
  assert.equal(mah.tenant.name, 'Demo Pharma');
  const cmoProducts = await products(KEYS.cmo_admin);
  const p = await openAs(KEYS.cmo_admin);
  try {
    await p.getByRole('link', { name: 'Partners' }).click();
    const card = p.locator(`article.partner-card[data-role=MAH]`);
    await card.waitFor();
    assert.equal((await card.getByRole('heading', { level: 3 }).textContent()).trim(), 'Demo Pharma');
    assert.match(await card.textContent(), /Marketing authorization holder/);
    const rows = card.locator('tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(
      (await rows.evaluateAll((r) => r.map((x) => x.dataset.code))).sort(),
      cmoProducts.edges.map((e) => e.node.code).sort(),
    );
    // A CMO assigns nothing on: no CMO section, no assign form.
    assert.equal(await p.getByRole('heading', { name: 'Contract manufacturers' }).count(), 0);
    await screenshot(p, 'partners-cmo');
  } finally {
    release(p);
  }
});

/** The MAH admin on the Partners page enters an invitation code (a screenshot before sending, if named). */
async function enterInvitation(p, code, shot) {
  await p.getByRole('button', { name: 'Add a CMO partner' }).click();
  const add = p.locator('#add-partner');
  await add.getByLabel('Invitation code').fill(code);
  if (shot) await screenshot(p, shot);
  await add.getByRole('button', { name: 'Add partner' }).click();
}

/** The code entered was refused as unknown: NOT_FOUND, whatever made it so. */
async function invitationRefused(p, shot) {
  const refusal = p.locator('#add-partner').getByTestId('action-error');
  await refusal.waitFor();
  assert.match(await refusal.getByRole('alert').textContent(), /^The partnership was not created.*\(NOT_FOUND\)$/s);
  await screenshot(p, shot);
}

step('a partnership by invitation: the CMO admin creates a code, the MAH admin enters it once', async () => {
  const { viewer } = await gql(KEYS.cmo_admin, '{ viewer { tenant { id name } } }');
  const cmo = viewer.tenant;
  const before = (await gql(KEYS.mah_admin, PARTNERS)).partners.filter((x) => x.tenant.id === cmo.id);
  assert.deepEqual(before.map((x) => x.role), ['CMO'], 'the demo MAH already has this CMO: accepting again is idempotent');

  // The CMO's admin creates the code in the page and reads it from there (shown only once).
  const c = await openAs(KEYS.cmo_admin, { viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  release(c);
  await c.getByRole('link', { name: 'Partners' }).click();
  await c.waitForURL('**/partners');
  await c.locator('article.partner-card[data-role=MAH]').waitFor();
  // It only receives (no products of its own, no CMOs): it may invite, not add a CMO.
  assert.equal(await c.getByRole('button', { name: 'Add a CMO partner' }).count(), 0);
  const invite = c.getByRole('button', { name: 'Invite an MAH' });
  await invite.click();
  const form = c.locator('#invite-mah');
  await form.getByRole('button', { name: 'Create invitation code' }).click();
  const field = form.getByLabel('Invitation code');
  await field.waitFor();
  const code = await field.inputValue();
  assert.match(code, /^spi_[A-Za-z0-9_-]{43}$/);
  assert.equal(await field.evaluate((el) => el.readOnly), true);
  assert.match(await form.getByTestId('action-success').textContent(), /shown only now and works once/);
  const expiry = form.locator('.field-hint time');
  const days = (Date.parse(await expiry.getAttribute('datetime')) - Date.now()) / 86_400_000;
  assert.ok(days > 6.9 && days < 7.01, `the code is valid for 7 days (${days})`);
  assert.match(await expiry.textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await form.getByRole('button', { name: 'Copy' }).click();
  await form.getByRole('button', { name: 'Copied' }).waitFor();
  assert.equal(await c.evaluate(() => navigator.clipboard.readText()), code);
  await screenshot(c, 'partners-invitation-created');
  await form.getByRole('button', { name: 'Done' }).click();
  assert.equal(await c.getByText(code).count(), 0, 'the code is not shown again');
  assert.equal(await c.locator(`input[value="${code}"]`).count(), 0);

  // The MAH's admin enters it: the CMO is (still) its partner.
  const p = await openAs(KEYS.mah_admin);
  release(p);
  await p.getByRole('link', { name: 'Partners' }).click();
  await p.waitForURL('**/partners');
  await enterInvitation(p, code, 'partners-invitation-entered');
  const success = p.getByTestId('action-success');
  await success.waitFor();
  assert.equal((await success.textContent()).trim(), `${cmo.name} is now your partner (contract manufacturer).`);
  const cards = p.locator(`article.partner-card[data-tenant="${cmo.id}"]`);
  await cards.first().waitFor();
  assert.equal(await cards.count(), 1);
  assert.equal((await cards.getByRole('heading', { level: 3 }).textContent()).trim(), cmo.name);
  assert.equal(await cards.getAttribute('data-role'), 'CMO');
  assert.deepEqual((await gql(KEYS.mah_admin, PARTNERS)).partners.filter((x) => x.tenant.id === cmo.id), before);
  await screenshot(p, 'partners-invitation-accepted');

  // The same code again: it was used, so it is unknown.
  await enterInvitation(p, code);
  await invitationRefused(p, 'partners-invitation-used');
});

step('the CMO admin sees its open invitation and revokes it; the MAH admin then cannot use its code', async () => {
  const open = async () => (await gql(KEYS.cmo_admin, INVITATIONS)).partnerInvitations;
  const before = await open();

  const c = await openAs(KEYS.cmo_admin);
  release(c);
  await c.getByRole('link', { name: 'Partners' }).click();
  await c.waitForURL('**/partners');
  await c.locator('article.partner-card[data-role=MAH]').waitFor();
  await c.getByRole('button', { name: 'Invite an MAH' }).click();
  const form = c.locator('#invite-mah');
  await form.getByRole('button', { name: 'Create invitation code' }).click();
  const field = form.getByLabel('Invitation code');
  await field.waitFor();
  const code = await field.inputValue();
  const validUntil = await form.locator('.field-hint time').textContent();
  const after = await open();
  assert.equal(after.length, before.length + 1, 'one more open invitation');
  const created = after[0]; // newest first
  assert.ok(!before.some((x) => x.id === created.id));

  // The list was asked again after the creation: the new invitation is in it, without its code.
  const section = c.getByTestId('open-invitations');
  const row = section.locator(`tbody tr[data-id="${created.id}"]`);
  await row.waitFor();
  assert.equal(await section.locator('tbody tr').count(), after.length);
  const [createdText, untilText] = (await row.locator('th, td').allTextContents()).map((t) => t.trim());
  assert.match(createdText, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(untilText, validUntil, 'valid until, as shown when it was created');
  const times = await row.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual(times.map(Date.parse), [Date.parse(created.createdAt), Date.parse(created.expiresAt)]);
  await form.getByRole('button', { name: 'Done' }).click();
  assert.equal(await c.getByText(code).count(), 0, 'the code is not shown in the list');
  await section.scrollIntoViewIfNeeded();
  await screenshot(c, 'partners-invitations-open');

  // Revoke asks first; No keeps it.
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByText('Revoke?').waitFor();
  await row.getByRole('button', { name: 'No' }).click();
  await row.getByRole('button', { name: 'Revoke' }).waitFor();
  assert.ok((await open()).some((x) => x.id === created.id), 'No revoked nothing');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await screenshot(c, 'partners-invitation-revoke-confirm');
  await row.getByRole('button', { name: 'Yes' }).click();
  await row.waitFor({ state: 'detached' });
  if (!before.length) await section.waitFor({ state: 'detached' }); // none left: no section
  assert.equal(await c.getByTestId('action-error').count(), 0);
  assert.ok(!(await open()).some((x) => x.id === created.id), 'the invitation is no longer open');
  await screenshot(c, 'partners-invitation-revoked');

  // Its code no longer works.
  const p = await openAs(KEYS.mah_admin);
  release(p);
  await p.getByRole('link', { name: 'Partners' }).click();
  await p.waitForURL('**/partners');
  await enterInvitation(p, code);
  await invitationRefused(p, 'partners-invitation-revoked-refused');
});

step('SSCC pool tab: admin creates a pool, generates SSCCs, requests some; counts and list follow', async () => {
  const p = await openAs(KEYS.mah_admin);
  try {
    await p.getByRole('tab', { name: 'SSCC pool' }).click();
    await p.waitForURL('**/pool/sscc');
    await p.getByTestId('sscc-count').filter({ hasText: /SSCC pool/ }).waitFor();
    await screenshot(p, 'sscc-tab');
    // A company prefix of this run (9 digits), extension digit 0.
    const prefix = String(Date.now()).slice(-9);
    await p.getByRole('button', { name: 'New SSCC pool' }).click();
    await p.getByLabel('GS1 company prefix').fill('12345'); // too short: checked before sending
    await p.getByRole('button', { name: 'Create SSCC pool' }).click();
    await p.getByText('The company prefix has 6 to 12 digits, not 5.').waitFor();
    await p.getByLabel('GS1 company prefix').fill(prefix);
    await p.getByLabel('Extension digit').selectOption('0');
    await p.getByRole('button', { name: 'Create SSCC pool' }).click();
    const code = `0${prefix}`;
    const card = p.locator(`article.sscc-card[data-code="${code}"]`);
    await card.waitFor();
    const pools = (await gql(KEYS.mah_admin, SSCC_POOLS)).ssccPools;
    assert.ok(pools.some((x) => x.code === code && x.companyPrefix === prefix && x.extensionDigit === 0));
    await expectLegend(card, 'TOTAL', 0);

    await card.getByRole('button', { name: 'Generate', exact: true }).click();
    await card.getByLabel('Number of SSCCs').fill('25');
    await card.getByRole('button', { name: 'Generate SSCCs' }).click();
    await card.getByTestId('action-success').filter({ hasText: 'Generated 25 SSCCs (sequential)' }).waitFor();
    await expectLegend(card, 'AVAILABLE', 25);
    await expectLegend(card, 'TOTAL', 25);

    await card.getByRole('button', { name: 'Request for an order' }).click();
    await card.getByLabel('Number of SSCCs').fill('5');
    await card.getByLabel('Order reference').fill(`E2E-SSCC-${RUN}`);
    await card.getByRole('button', { name: 'Request SSCCs' }).click();
    await card.getByTestId('request-result').waitFor();
    await expectLegend(card, 'ASSIGNED', 5);
    await expectLegend(card, 'AVAILABLE', 20);
    const after = (await gql(KEYS.mah_admin, SSCC_POOLS)).ssccPools.find((x) => x.code === code);
    assert.deepEqual(after.pool, { available: 20, assigned: 5, total: 25 });

    await card.getByRole('button', { name: 'Show SSCCs' }).click();
    const rows = card.locator('table.sscc-table tbody tr[data-status]');
    await p.waitForFunction((c) => document.querySelectorAll(`article[data-code="${c}"] table.sscc-table tbody tr[data-status]`).length === 25, code);
    const values = await rows.locator('th').allTextContents();
    assert.ok(values.every((v) => /^\d{18}$/.test(v) && v.startsWith(code)), 'SSCC-18 values of the pool');
    await card.getByRole('radio', { name: /^Assigned/ }).check();
    await p.waitForFunction((c) => document.querySelectorAll(`article[data-code="${c}"] table.sscc-table tbody tr[data-status]`).length === 5, code);
    await p.waitForTimeout(500); // the donut's transition
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(p, 'sscc-pool');
    await screenshot(p, 'sscc-pool-full-page', { fullPage: true });
  } finally {
    release(p);
  }
});

step('the new screens work on a 390 px phone screen', async () => {
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
  const p = await openAs(OPERATOR(), phone);
  try {
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const detail = await expandProduct(p, IBU);
    await detail.getByRole('button', { name: 'Upload CSV' }).click();
    await detail.getByLabel('CSV file of serials', { exact: true }).waitFor();
    assert.ok((await overflow()) <= 0, 'upload form fits');
    const box = await detail.locator('.action-panel').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 391, 'the panel fits on the screen');
    await detail.locator('.action-panel').scrollIntoViewIfNeeded();
    await screenshot(p, 'phone-upload');

    await p.goto(`/pool/pack-history?product=${AMOX}&serial=${encodeURIComponent(order.values[7] || '')}`);
    await p.getByTestId('serial-history').waitFor();
    assert.ok((await overflow()) <= 0, 'pack history fits');
    await screenshot(p, 'phone-pack-history', { fullPage: true });

    await p.goto('/partners');
    await p.locator('article.partner-card').first().waitFor();
    assert.ok((await overflow()) <= 0, 'partners fit');
    await screenshot(p, 'phone-partners', { fullPage: true });
  } finally {
    release(p);
    if (op) release(op);
  }
});

step('no uncaught errors in the pages, and nothing blocked by the Content-Security-Policy', async () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
  const res = await fetch(`${BASE}/`);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
});
