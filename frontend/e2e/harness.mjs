// The browser suite's harness: configuration, the GraphQL reads of expected values, the
// browser and its pages, screenshots, and `area`, which groups one flow's steps so that
// it runs (and fails) alone: each area signs in its own pages and reads or makes the
// state it needs itself, never from another area's steps. Run with run.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.SERIALPOOL_URL || '').replace(/\/+$/, '');
export const KEYS = parseKeys(process.env.SERIALPOOL_KEYS);
// E2E_SCREENSHOTS moves them elsewhere (e.g. two runs at once on one checkout).
export const SHOTS = process.env.E2E_SCREENSHOTS
  ? `${process.env.E2E_SCREENSHOTS.replace(/\/+$/, '')}/`
  : fileURLToPath(new URL('./screenshots/', import.meta.url));
export const TIMEOUT = 15_000;
export const fmt = (n) => new Intl.NumberFormat('en-US').format(n);

function parseKeys(raw) {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw);
    return parsed.keys || parsed;
  } catch {
    return null;
  }
}

// ---- GraphQL, for the expected values ------------------------------------------------

export async function gql(key, query, variables = {}) {
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
export const products = async (key, search = null, first = 50) => (await gql(key, PRODUCTS, { search, first })).products;
export const POOL = `query E2EPool($code: String!) { product(code: $code) { pool { available assigned total } } }`;
export const poolOf = async (key, code) => (await gql(key, POOL, { code })).product.pool;
const SERIALS = `query E2ESerials($code: String!, $status: SerialStatus) {
  product(code: $code) { serials(status: $status, first: 50) { edges { node { value status } } pageInfo { hasNextPage } } }
}`;
export const serialsOf = async (key, code, status = null) => (await gql(key, SERIALS, { code, status })).product.serials;
export const SERIAL = `query E2ESerial($code: String!, $value: String!) {
  serial(productCode: $code, value: $value) {
    value status source packStatus decommissionReason digitalLink
    history { event status reason at recordedAt actor }
  }
}`;
export const serialOf = async (key, code, value) => (await gql(key, SERIAL, { code, value })).serial;
export const SSCC_POOLS = `{ ssccPools { code companyPrefix extensionDigit pool { available assigned total } } }`;
export const PARTNERS = `{ partners { tenant { id name } role } }`;
export const INVITATIONS = `{ partnerInvitations { id createdAt expiresAt } }`;
/** The product codes the brief names: the SNM demo product and the SAP ATTP one. */
export const AMOX = '04012340051006';
export const IBU = '04012340051013';
export const OPERATOR = () => KEYS.mah_operator || KEYS.mah_admin;
export const REQUEST_SERIALS = `mutation E2ERequest($input: RequestSerialsInput!) { requestSerials(input: $input) { id count } }`;
export const RUN = Date.now().toString(36).toUpperCase(); // makes order refs and uploaded serials unique per run
// The steps' requests of serials, with the first serials handed out (for later steps of the area).
export const REQUEST_WITH_SERIALS = `mutation E2ERequestSerials($input: RequestSerialsInput!) {
  requestSerials(input: $input) { id count serials(first: 10) { edges { node { value } } } }
}`;

// ---- Tenants of an area's own ----------------------------------------------------------

const BIN = process.env.SERIALPOOL_BIN || fileURLToPath(new URL('../../bin/serialpool', import.meta.url));

/**
 * A new, empty tenant for one area, with an admin, an operator and a viewer key: made with
 * `serialpool tenant create` and `key create`, as an operator's script does (they need
 * DATABASE_URL, the server's database). Nothing another area does is seen in it.
 * @param {string} name made unique per run
 */
export function seedTenant(name) {
  const cli = (...args) => JSON.parse(execFileSync(BIN, [...args, '--json'], { encoding: 'utf8' }));
  const tenant = { name: `${name} ${RUN}`, id: '' };
  tenant.id = cli('tenant', 'create', '--name', tenant.name).id;
  const keys = Object.fromEntries(['admin', 'operator', 'viewer'].map((role) => [role, cli('key', 'create', '--tenant', tenant.id, '--role', role).key]));
  return { ...tenant, keys };
}

// ---- Browser -------------------------------------------------------------------------

/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** The area running now: its pages' errors, screenshots and contexts are its own. */
let running = { name: '', shot: 0, contexts: /** @type {import('playwright-core').BrowserContext[]} */ ([]) };
/** @type {{area: string, text: string}[]} */
const pageErrors = [];
/** @type {{area: string, text: string}[]} */
const cspViolations = [];
/**
 * The WebSockets the pages opened, with the text frames they sent and received (frames are
 * never printed: connection_init carries the API key).
 * @type {{page: import('playwright-core').Page, ws: import('playwright-core').WebSocket, sent: string[], received: string[]}[]}
 */
export const sockets = [];

/** Saves what the screen shows (the viewport; `fullPage` for the whole document), as <area>-NN-<name>.png. */
export async function screenshot(p, name, { fullPage = false } = {}) {
  running.shot += 1;
  const file = `${SHOTS}${running.name}-${String(running.shot).padStart(2, '0')}-${name}.png`;
  await p.screenshot({ path: file, fullPage });
  return file;
}

/** The page a failing step is screenshotted from: the one the step set, else the area's last. */
let current = null;
/** Makes p the page a failure of this step is screenshotted from. */
export const showing = (p) => {
  current = p;
  return p;
};
/** Browser contexts a step is done with: closed after its failure screenshot. */
const finished = [];
/** Marks a step's page as done; it is closed when the step ends. */
export const release = (p) => finished.push(p.context());

/** Runs a step; on failure keeps a screenshot of what the browser showed. */
export function step(name, fn) {
  test(name, async () => {
    current = null;
    try {
      await fn();
    } catch (error) {
      const pages = running.contexts.flatMap((c) => c.pages()).reverse();
      const shown = [current, ...pages].find((x) => x && !x.isClosed());
      if (shown) await screenshot(shown, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    } finally {
      for (const context of finished.splice(0)) await context.close().catch(() => {});
    }
  });
}

/**
 * One flow: its steps in order, then a check that its pages threw nothing and the
 * Content-Security-Policy blocked nothing. Its pages are closed at its end.
 */
export function area(name, steps) {
  describe(name, () => {
    before(() => {
      running = { name, shot: 0, contexts: [] };
      current = null;
    });
    after(async () => {
      for (const context of running.contexts) await context.close().catch(() => {});
    });
    steps();
    step('no uncaught errors in the pages, and nothing blocked by the Content-Security-Policy', async () => {
      assert.deepEqual(pageErrors.filter((e) => e.area === name).map((e) => e.text), []);
      assert.deepEqual(cspViolations.filter((e) => e.area === name).map((e) => e.text), []);
      const res = await fetch(`${BASE}/`);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    });
  });
}

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
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
}

export const closeBrowser = () => browser?.close();

/**
 * A page in a browser context of its own. Motion is reduced (the app then draws the donut
 * and moves bars without transitions), so a screenshot never needs to wait one out.
 */
export async function newPage(options = {}) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'en-US', reducedMotion: 'reduce', ...options });
  running.contexts.push(context);
  const p = await context.newPage();
  p.setDefaultTimeout(TIMEOUT);
  const owner = running.name;
  p.on('pageerror', (error) => pageErrors.push({ area: owner, text: `${error.message}` }));
  p.on('websocket', (ws) => {
    const socket = { page: p, ws, sent: [], received: [] };
    ws.on('framesent', (f) => socket.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => socket.received.push(String(f.payload)));
    sockets.push(socket);
  });
  // The server's Content-Security-Policy must not block anything the app does.
  await p.exposeFunction('reportCspViolation', (v) => cspViolations.push({ area: owner, text: v }));
  await p.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      /** @type {any} */ (window).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  return p;
}


export async function signIn(p, key) {
  await p.goto('/');
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

export const productRows = (p) => p.locator('tr.product-row');

/** Signs in on a new page (own browser context) and waits for the header. */
export async function openAs(key, options = { viewport: { width: 1280, height: 900 } }) {
  const p = showing(await newPage(options));
  await signIn(p, key);
  await p.getByTestId('tenant-name').waitFor();
  return p;
}

/** Searches the product list for a code and expands the product; returns its detail row. */
export async function expandProduct(p, code) {
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
export async function expectLegend(scope, status, n, timeout = 4000) {
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
export async function download(p, link) {
  const [file] = await Promise.all([p.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

export const csvLines = (text) => text.split(/\r?\n/).filter((l) => l !== '');
export const countText = (p) => p.getByTestId('product-count');
