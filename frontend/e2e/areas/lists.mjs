// The lists of a working day: the product list sorted by any column, filtered by source and
// code schema, paged with its view in the address (reload, back/forward, a copied link),
// exported as CSV; the serials table searched, paged and exported, without sideways
// scrolling on a phone.
import assert from 'node:assert/strict';
import {
  area, csvLines, download, gql, newPage, openAs, productRows, release, screenshot, seedProduct, seedTenant, showing, signIn, step,
} from '../harness.mjs';

/** 26 products: one more than the smallest page. Sources and schemas vary, and so do the pools. */
const SPECS = Array.from({ length: 26 }, (_, i) => ({
  name: `${['Zolpidem', 'Amlodipine', 'Metoprolol', 'Lisinopril', 'Omeprazole', 'Bisoprolol'][i % 6]} ${i + 1} mg`,
  schema: ['GTIN', 'NTIN', 'PPN', 'GTIN'][i % 4],
  source: i % 3 === 1 ? 'SAP_ATTP' : 'SNM',
  available: (i * 7) % 11,
}));

/** A pool big enough for pages of serials and a search. */
const SERIALS = 60;

const PRODUCTS = `query E2EListOrder($orderBy: ProductOrder, $source: SerialSource, $codeSchema: ProductCodeSchema) {
  products(filter: { source: $source, codeSchema: $codeSchema }, orderBy: $orderBy, first: 100) {
    edges { node { code name codeSchema source pool { available } } } totalCount } }`;
const SERIAL_VALUES = `query E2ESerialValues($code: String!, $search: String) {
  product(code: $code) { serials(search: $search, first: 1000) { edges { node { value status } } } } }`;

async function seed() {
  const mah = seedTenant('E2E Lists');
  const made = [];
  for (const spec of SPECS) made.push(await seedProduct(mah, spec));
  const big = await seedProduct(mah, { name: 'Aaa serial table 10 mg', source: 'SNM', available: SERIALS - 10, assigned: 10 });
  return { mah, made, big };
}

/** Waits until the product rows are exactly these codes, in this order. */
const showsOrder = (p, codes) =>
  p.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('tr.product-row')].map((r) => r.dataset.code)) === want,
    JSON.stringify(codes),
  );
const codesOnScreen = (p) => productRows(p).evaluateAll((rows) => rows.map((r) => r.dataset.code));
const query = (p) => new URL(p.url()).searchParams;
const today = () => new Date().toISOString().slice(0, 10);

export default () =>
  area('lists', seed, (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page;
    const ordered = async (orderBy, filter = {}) =>
      (await gql(fixture.mah.keys.viewer, PRODUCTS, { orderBy, ...filter })).products.edges.map((e) => e.node.code);

    step('the product list sorts by a column on the server, both ways, and keeps the order across a reload', async () => {
      page = await openAs(fixture.mah.keys.viewer);
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 27);
      await page.locator('button[data-sort=available]').click();
      const asc = await ordered({ field: 'AVAILABLE', direction: 'ASC' });
      await showsOrder(page, asc);
      assert.deepEqual(await codesOnScreen(page), asc);
      assert.equal(query(page).get('sort'), 'available');
      await page.locator('button[data-sort=available]').click();
      const desc = await ordered({ field: 'AVAILABLE', direction: 'DESC' });
      await showsOrder(page, desc);
      assert.deepEqual(await codesOnScreen(page), desc);
      assert.equal(await page.locator('th[aria-sort=descending]').textContent(), 'Available▼');
      await page.reload();
      await showsOrder(page, desc);
      assert.deepEqual(await codesOnScreen(page), desc);
      await page.locator('button[data-sort=name]').click();
      const byName = await ordered({ field: 'NAME', direction: 'ASC' });
      await showsOrder(page, byName);
      assert.deepEqual(await codesOnScreen(page), byName);
      await screenshot(page, 'sorted-by-name');
      // Back: the order before.
      await page.goBack();
      await showsOrder(page, desc);
      assert.equal(query(page).get('dir'), 'desc');
    });

    step('filters by source and code schema narrow the list and its count; Reset filters clears them', async () => {
      await page.getByLabel('Source', { exact: true }).selectOption('SAP_ATTP');
      await page.getByLabel('Code schema', { exact: true }).selectOption('GTIN');
      const want = await ordered({ field: 'AVAILABLE', direction: 'DESC' }, { source: 'SAP_ATTP', codeSchema: 'GTIN' });
      assert.ok(want.length > 0 && want.length < 27, `a narrower list (${want.length})`);
      await page.waitForFunction((n) => document.querySelectorAll('tr.product-row').length === n, want.length);
      assert.deepEqual(await codesOnScreen(page), want);
      assert.equal(await page.getByTestId('product-count').textContent(), `${want.length} product${want.length === 1 ? ' matches' : 's match'} the filters`);
      assert.equal(query(page).get('source'), 'SAP_ATTP');
      assert.equal(query(page).get('schema'), 'GTIN');
      await screenshot(page, 'filtered');
      await page.getByRole('button', { name: 'Reset filters' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 27);
      assert.equal(query(page).get('source'), null);
    });

    step('the CSV export holds every product of the view, in its order, named by the UTC day', async () => {
      await page.getByLabel('Source', { exact: true }).selectOption('SNM');
      const want = await ordered({ field: 'AVAILABLE', direction: 'DESC' }, { source: 'SNM' });
      await page.waitForFunction((n) => document.querySelectorAll('tr.product-row').length === n, want.length);
      const file = await download(page, page.getByTestId('export-products'));
      assert.equal(file.name, `products-${today()}.csv`);
      const lines = csvLines(file.text);
      assert.equal(lines[0], 'product_code,code_schema,name,source,owner,available,assigned,total,low_threshold,low_pool');
      assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), want);
      await page.getByText(`Saved products-${today()}.csv (dated in UTC)`).waitFor();
      await page.getByRole('button', { name: 'Reset filters' }).click();
    });

    step('page size and page are in the address: reload, back/forward and a copied link show the same page', async () => {
      await page.getByLabel('Rows per page').selectOption('25');
      const all = await ordered({ field: 'AVAILABLE', direction: 'DESC' });
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 25);
      assert.deepEqual(await codesOnScreen(page), all.slice(0, 25));
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 2);
      assert.deepEqual(await codesOnScreen(page), all.slice(25));
      assert.match(await page.locator('.pager-range').textContent(), /Showing 26–27 of 27 products/);
      const link = page.url();
      assert.equal(query(page).get('page'), '1');
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 2);
      assert.deepEqual(await codesOnScreen(page), all.slice(25));
      // A colleague opens the copied link.
      const other = showing(await newPage({ viewport: { width: 1280, height: 900 } }));
      await signIn(other, fixture.mah.keys.admin);
      await other.getByTestId('tenant-name').waitFor();
      await other.goto(link);
      await other.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 2);
      assert.deepEqual(await codesOnScreen(other), all.slice(25));
      // Previous from a copied link reads the page before its first row.
      await other.getByRole('button', { name: 'Previous' }).click();
      await other.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 25);
      assert.deepEqual(await codesOnScreen(other), all.slice(0, 25));
      release(other);
      showing(page);
      await page.goBack();
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 25);
      await page.goForward();
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 2);
      assert.deepEqual(await codesOnScreen(page), all.slice(25));
      await screenshot(page, 'second-page');
    });

    const serialValues = async (search = null) =>
      (await gql(fixture.mah.keys.viewer, SERIAL_VALUES, { code: fixture.big.code, search })).product.serials.edges.map((e) => e.node);
    const onScreen = (p) => p.locator('tbody tr[data-status] th').evaluateAll((ths) => ths.map((th) => th.textContent));

    step('the serials table searches by the start of a serial, with the search in the address', async () => {
      showing(page);
      await page.goto(`/pool/products/${fixture.big.code}/serials`);
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 50);
      const all = await serialValues();
      const prefix = all[3].value.slice(0, 2);
      const want = (await serialValues(prefix)).map((s) => s.value);
      assert.ok(want.length >= 1 && want.length < SERIALS, `a narrower list (${want.length})`);
      await page.getByRole('searchbox', { name: /search serials/i }).fill(prefix);
      await page.waitForFunction(
        (w) => JSON.stringify([...document.querySelectorAll('tbody tr[data-status] th')].map((t) => t.textContent)) === w,
        JSON.stringify(want.slice(0, 50)),
      );
      assert.equal(query(page).get('search'), prefix);
      await screenshot(page, 'serials-search');
      await page.reload();
      await page.waitForFunction((n) => document.querySelectorAll('tbody tr[data-status]').length === n, Math.min(50, want.length));
      assert.equal(await page.getByRole('searchbox', { name: /search serials/i }).inputValue(), prefix);
      // A character no serial has is refused with a plain message.
      await page.getByRole('searchbox', { name: /search serials/i }).fill('A#');
      await page.getByRole('alert').getByText(/not in GS1 character set 82/).waitFor();
      await page.getByRole('searchbox', { name: /search serials/i }).fill('');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 50);
    });

    step('the serials table pages with its page size and page in the address, and exports the current filter', async () => {
      const all = (await serialValues()).map((s) => s.value);
      await page.getByLabel('Rows per page').selectOption('25');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 25);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction((first) => document.querySelector('tbody tr[data-status] th')?.textContent === first, all[25]);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 10);
      assert.deepEqual(await onScreen(page), all.slice(50));
      assert.equal(query(page).get('page'), '2');
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 10);
      assert.deepEqual(await onScreen(page), all.slice(50));
      // The history entry still knows the pages before: Previous is one page back.
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.waitForFunction((first) => document.querySelector('tbody tr[data-status] th')?.textContent === first, all[25]);
      // Back: the page before Previous.
      await page.goBack();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 10);

      await page.getByRole('radio', { name: /Assigned/ }).check();
      await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 10);
      const assigned = (await serialValues()).filter((s) => s.status === 'ASSIGNED').map((s) => s.value);
      const file = await download(page, page.getByTestId('export-serials'));
      assert.equal(file.name, `serials-${fixture.big.code}-assigned-${today()}.csv`);
      const lines = csvLines(file.text);
      assert.equal(lines[0], 'serial,pool_status,source,received_at_utc,assigned_at_utc,pack_status,decommission_reason');
      assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), assigned);
      assert.ok(lines.slice(1).every((l) => /,ASSIGNED,SNM,\d{4}-\d\d-\d\dT[^,]+Z,[^,]+Z,ACTIVE,$/.test(l)), lines[1]);
      await screenshot(page, 'serials-assigned');
    });

    step('on a 390 px phone the serials table is stacked cards, never scrolled sideways', async () => {
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
      await signIn(p, fixture.mah.keys.viewer);
      await p.getByTestId('tenant-name').waitFor();
      await p.goto(`/pool/products/${fixture.big.code}/serials?size=25`);
      await p.waitForFunction(() => document.querySelectorAll('tbody tr[data-status]').length === 25);
      assert.ok(await p.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), 'no sideways scrolling of the page');
      const scroll = await p.locator('.table-scroll').evaluate((el) => el.scrollWidth <= el.clientWidth);
      assert.ok(scroll, 'no sideways scrolling inside the table');
      const card = p.locator('tbody tr[data-status]').first();
      assert.match(await card.locator('td[data-label="Received at"]').textContent(), /UTC/);
      await screenshot(p, 'phone-serials');
      await screenshot(p, 'phone-serials-full', { fullPage: true });
      release(p);
    });

    step('on a 390 px phone the list sorts from a select and fits the screen', async () => {
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
      await signIn(p, fixture.mah.keys.viewer);
      await p.getByTestId('tenant-name').waitFor();
      await p.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 27);
      await p.getByLabel('Sort by').selectOption('name:desc');
      const want = await ordered({ field: 'NAME', direction: 'DESC' });
      await showsOrder(p, want);
      assert.deepEqual(await codesOnScreen(p), want);
      assert.ok(await p.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), 'no sideways scrolling');
      await screenshot(p, 'phone-products');
      release(p);
    });
  });
