// The browser suite's harness: configuration, the GraphQL reads of expected values, the
// fixtures that seed a flow's own tenants through the API, the browser and its pages,
// screenshots, and `area`, which groups one flow's steps so that it runs (and fails) alone:
// each area seeds the tenants, products and serials it needs before its first step and
// reads nothing another area made. Run with run.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.SERIALPOOL_URL || '').replace(/\/+$/, '');
// E2E_SCREENSHOTS moves them elsewhere (e.g. two runs at once on one checkout).
export const SHOTS = process.env.E2E_SCREENSHOTS
  ? `${process.env.E2E_SCREENSHOTS.replace(/\/+$/, '')}/`
  : fileURLToPath(new URL('./screenshots/', import.meta.url));
export const TIMEOUT = 15_000;
export const fmt = (n) => new Intl.NumberFormat('en-US').format(n);

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
export const REQUEST_SERIALS = `mutation E2ERequest($input: RequestSerialsInput!) { requestSerials(input: $input) { id count } }`;
export const RUN = Date.now().toString(36).toUpperCase(); // makes order refs and uploaded serials unique per run
// The steps' requests of serials, with the first serials handed out (for later steps of the area).
export const REQUEST_WITH_SERIALS = `mutation E2ERequestSerials($input: RequestSerialsInput!) {
  requestSerials(input: $input) { id count serials(first: 10) { edges { node { value } } } }
}`;

// ---- Fixtures: tenants, products and serials of an area's own ----------------------------

const BIN = process.env.SERIALPOOL_BIN || fileURLToPath(new URL('../../bin/serialpool', import.meta.url));

/** The person of each seeded key: signIn and openAs sign in as them. */
const personOfKey = new Map();

/**
 * A new, empty tenant for one area, with an admin, an operator and a viewer key and a
 * person of each role (`people[role]`: e-mail and password): made with `serialpool tenant
 * create`, `user create` (the password on standard input) and `key create`, as an
 * operator's script does (they need DATABASE_URL, the server's database). Nothing another
 * area does is seen in it.
 * @param {string} name made unique per run
 */
export function seedTenant(name) {
  const cli = (...args) => JSON.parse(execFileSync(BIN, [...args, '--json'], { encoding: 'utf8' }));
  const tenant = { name: `${name} ${RUN}`, id: '' };
  tenant.id = cli('tenant', 'create', '--name', tenant.name).id;
  const slug = tenant.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  /** @type {Record<string, {email: string, password: string, name: string}>} */
  const people = {};
  for (const role of ['admin', 'operator', 'viewer']) {
    const person = { email: `${role}@${slug}.example`, password: `e2e ${role} password ${RUN}`, name: `E2E ${role[0].toUpperCase()}${role.slice(1)}` };
    execFileSync(BIN, ['user', 'create', '--tenant', tenant.id, '--email', person.email, '--name', person.name, '--role', role, '--json'],
      { encoding: 'utf8', input: `${person.password}\n` });
    people[role] = person;
  }
  // Keys belong to a named service account (the audit names it), as an operator's script makes them.
  const keys = Object.fromEntries(['admin', 'operator', 'viewer'].map((role) =>
    [role, cli('key', 'create', '--tenant', tenant.id, '--role', role, '--service-account', `E2E ${role}`).key]));
  for (const role of Object.keys(keys)) personOfKey.set(keys[role], people[role]);
  return { ...tenant, keys, people, /** channel keys by source, made on the first push */ channels: /** @type {Record<string, string>} */ ({}) };
}

// A product code is unique across tenants, so every seeded product gets a new one: this
// run's clock and a counter, with the check digits its code schema needs.
const STAMP = String(Date.now()).slice(-8);
let codesMade = 0;
const unique = () => {
  if (++codesMade > 99) throw new Error('e2e: a run makes at most 99 product codes (two digits of the code)');
  return `${STAMP}${String(codesMade).padStart(2, '0')}`;
};
/** The GS1 check digit: weights 3, 1, 3, ... from the digit left of it. */
const gs1Check = (body) => String((10 - ([...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 ? 1 : 3), 0) % 10)) % 10);
const withCheck = (body) => body + gs1Check(body);

/** A valid product code of a schema, new in this run. */
function productCode(schema) {
  switch (schema) {
    case 'GTIN':
      return withCheck(`042${unique()}`);
    case 'NTIN':
      return withCheck(`041${unique()}`);
    case 'NDC':
      return withCheck(`003${unique()}`); // "03" after the indicator digit
    case 'PPN':
      for (;;) {
        const body = unique().slice(-7);
        const pznCheck = [...body].reduce((s, d, i) => s + Number(d) * (i + 1), 0) % 11;
        if (pznCheck === 10) continue; // no PZN carries it
        const ppn = `11${body}${pznCheck}`;
        return ppn + String([...ppn].reduce((s, c, i) => s + c.charCodeAt(0) * (i + 2), 0) % 97).padStart(2, '0');
      }
    default:
      throw new Error(`e2e: no product code for schema ${schema}`);
  }
}

const CREATE_PRODUCT = `mutation E2ECreateProduct($input: CreateProductInput!) { createProduct(input: $input) { code name source } }`;
const GENERATE = `mutation E2EGenerate($input: GenerateSerialsInput!) { generateSerials(input: $input) { accepted } }`;
const CREATE_CHANNEL = `mutation E2EChannel($input: CreateChannelInput!) { createChannel(input: $input) { key } }`;

/**
 * Pushes n serials of a received source over the Manufacturer API, as the source's system
 * does: with a channel key of that source (one per tenant and source). TraceLink's come
 * with their crypto data; EXTERNAL ones arrive Assigned.
 */
async function push(tenant, code, source, n) {
  tenant.channels[source] ??= (await gql(tenant.keys.admin, CREATE_CHANNEL, { input: { name: `E2E ${source}`, source } })).createChannel.key;
  const serials = Array.from({ length: n }, (_, i) => {
    const value = `${source}-${String(i + 1).padStart(4, '0')}`;
    return source === 'TRACELINK' ? { value, extra: { 91: `K${String(i).padStart(3, '0')}`, 92: value.padEnd(44, 'X') } } : { value };
  });
  const res = await fetch(`${BASE}/api/v2/products/${code}/serials`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tenant.keys.operator}`, 'X-Channel-Key': tenant.channels[source], 'Content-Type': 'application/json' },
    body: JSON.stringify(serials),
  });
  if (res.status !== 201) throw new Error(`e2e: pushing ${n} serials to ${code}: ${res.status} ${await res.text()}`);
}

/**
 * A product of the tenant, its pool filled the way its source fills it: SNM generates,
 * every other source pushes (see push), and an order request of the tenant's operator
 * assigns `assigned` of them (EXTERNAL serials arrive Assigned, so all of theirs are).
 * Returns the product with the pool it was given and the first serials handed out.
 * @param {ReturnType<typeof seedTenant>} tenant
 * @param {{name: string, schema?: string, source?: string, available?: number, assigned?: number, lowThreshold?: number}} spec
 */
export async function seedProduct(tenant, { name, schema = 'GTIN', source = 'SNM', available = 0, assigned = 0, lowThreshold }) {
  if (source === 'EXTERNAL' && available) throw new Error('e2e: EXTERNAL serials arrive Assigned; seed them as assigned');
  const input = { code: productCode(schema), codeSchema: schema, name, source, lowThreshold };
  const { code } = (await gql(tenant.keys.admin, CREATE_PRODUCT, { input })).createProduct;
  const n = available + assigned;
  if (source === 'SNM' && n) await gql(tenant.keys.operator, GENERATE, { input: { productCode: code, count: n } });
  else if (n) await push(tenant, code, source, n);
  let handedOut = [];
  if (assigned && source !== 'EXTERNAL') {
    const { requestSerials } = await gql(tenant.keys.operator, REQUEST_WITH_SERIALS, {
      input: { productCode: code, count: assigned, orderRef: `E2E-SEED-${RUN}` },
    });
    handedOut = requestSerials.serials.edges.map((e) => e.node.value);
  }
  return { code, name, source, pool: { available, assigned, total: n }, handedOut };
}

const CREATE_PARTNERSHIP = `mutation E2EPartnership($input: CreatePartnershipInput!) { createPartnership(input: $input) { id } }`;
const ASSIGN = `mutation E2EAssign($input: AssignSerialsToPartnerInput!) { assignSerialsToPartner(input: $input) { count } }`;

/**
 * Makes cmo a partner of mah as their admins do (the CMO invites, the MAH enters the code),
 * then assigns the MAH's serials to it: `assign` maps product codes to counts.
 * @param {ReturnType<typeof seedTenant>} mah
 * @param {ReturnType<typeof seedTenant>} cmo
 * @param {Record<string, number>} assign
 */
export async function seedPartnership(mah, cmo, assign = {}) {
  const { createPartnerInvitation } = await gql(cmo.keys.admin, 'mutation E2EInvite { createPartnerInvitation { code } }');
  await gql(mah.keys.admin, CREATE_PARTNERSHIP, { input: { invitationCode: createPartnerInvitation.code } });
  for (const [productCode, count] of Object.entries(assign)) {
    await gql(mah.keys.operator, ASSIGN, { input: { productCode, partner: cmo.id, count } });
  }
}

const PACK_EVENTS = `mutation E2EPack($input: [PackEventInput!]!) { recordPackEvents(input: $input) { recorded } }`;
/** Records pack events as a line does (PackEventInput: productCode, serial, event, reason). */
export const seedPackEvents = async (key, events) => (await gql(key, PACK_EVENTS, { input: events })).recordPackEvents;

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
 * never printed: they carry serials).
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
 * One flow: `seed` makes its own tenants and data (the fixtures above) before its first
 * step, then its steps run in order, reading what seed returned from the object `steps`
 * is given; last, a check that its pages threw nothing and the Content-Security-Policy
 * blocked nothing. Its pages are closed at its end.
 * @template {object} T
 * @param {string} name
 * @param {() => T | Promise<T>} seed
 * @param {(fixture: T) => void} steps registers the steps; `fixture` is filled in only when they run, so they read it then (not when registered)
 */
export function area(name, seed, steps) {
  const fixture = /** @type {T} */ ({});
  describe(name, () => {
    before(async () => {
      running = { name, shot: 0, contexts: [] };
      current = null;
      Object.assign(fixture, await seed());
    });
    after(async () => {
      for (const context of running.contexts) await context.close().catch(() => {});
    });
    steps(fixture);
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


/**
 * Signs in on the sign-in page with e-mail and password (people sign in; API keys are for
 * machines). Given one of seedTenant's keys instead, signs in as the person of its role.
 * @param {import('playwright-core').Page} p
 * @param {string} email or a seeded key
 * @param {string} [password]
 */
export async function signIn(p, email, password) {
  const person = password === undefined ? personOfKey.get(email) : { email, password };
  if (!person) throw new Error('e2e: signIn needs an e-mail and password, or a key seedTenant made');
  await p.goto('/');
  await p.getByLabel('E-mail').fill(person.email);
  await p.getByLabel('Password').fill(person.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Fills in the signature dialog in `scope` as the person of a seeded key (their password,
 * or `password` to try a wrong one); a significant action is signed (README "Electronic signatures").
 * @param {import('playwright-core').Locator | import('playwright-core').Page} scope
 * @param {string} key
 */
export async function signAs(scope, key, { password = personOfKey.get(key)?.password, reason = `E2E check ${RUN}` } = {}) {
  if (!password) throw new Error('e2e: signAs needs a key seedTenant made');
  await scope.getByLabel('Your password', { exact: true }).fill(password);
  await scope.getByLabel('Meaning', { exact: true }).selectOption('PERFORMED');
  await scope.getByLabel('Why you sign', { exact: true }).fill(reason);
}

export const productRows = (p) => p.locator('tr.product-row');

/** Signs in as the person of a seeded key on a new page (own browser context) and waits for the header. */
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
