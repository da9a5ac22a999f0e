// The Serial number pool tab as the MAH sees it: the list, search, a product's donut
// (tooltip, text for screen readers, live counts), its serials, and a phone screen.
import assert from 'node:assert/strict';
import {
  area, BASE, countText, expectLegend, fmt, gql, newPage, openAs, poolOf, productRows, products, release,
  REQUEST_SERIALS, RUN, screenshot, seedProduct, seedTenant, serialsOf, showing, signIn, sockets, step,
} from '../harness.mjs';

/**
 * An MAH's products over every code schema and source, some low. The first has serials
 * in both statuses for the donut; none has more than a page of serials.
 */
const CATALOGUE = [
  { name: 'Amoxicillin 500 mg capsules', schema: 'GTIN', source: 'SNM', available: 28, assigned: 12, lowThreshold: 10 },
  { name: 'Ibuprofen 400 mg tablets', schema: 'GTIN', source: 'SAP_ATTP', available: 16, assigned: 4 },
  { name: 'Paracetamol 500 mg tablets', schema: 'NTIN', source: 'SAP_ICH', available: 10, lowThreshold: 5 },
  { name: 'Metformin 850 mg tablets', schema: 'PPN', source: 'TRACELINK', available: 8 },
  { name: 'Atorvastatin 20 mg tablets', schema: 'NDC', source: 'EXTERNAL', assigned: 5, lowThreshold: 0 },
];
const DEFAULT_LOW_THRESHOLD = 1000;

async function seed() {
  const mah = seedTenant('E2E Products');
  const made = [];
  for (const spec of CATALOGUE) made.push(await seedProduct(mah, spec));
  const low = made.filter((p, i) => p.pool.available < (CATALOGUE[i].lowThreshold ?? DEFAULT_LOW_THRESHOLD)).map((p) => p.code);
  return { mah, products: made, low, donut: made[0] };
}

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

export default () =>
  area('products', seed, (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page; // the MAH admin's, shared by the steps in order
    /** @type {Awaited<ReturnType<typeof products>>} */
    let all;

    step('the Serial number pool tab lists the products with paging and a total', async () => {
      page = await openAs(fixture.mah.keys.admin);
      all = await products(fixture.mah.keys.admin);
      assert.equal(all.totalCount, fixture.products.length, 'the products the fixture made');
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
      assert.deepEqual(lowCodes, [...fixture.low].sort(), 'the pools the fixture left below their threshold');
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
      showing(page);
      // A word of a real product name that matches some but not all products.
      for (const { node } of all.edges) {
        const word = node.name.split(/\s+/)[0];
        const result = await products(fixture.mah.keys.admin, word);
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
      const byCode = await products(fixture.mah.keys.admin, code);
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
      showing(page);
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

    step('expanding a product shows its details and the donut; the tooltip shows the count', async () => {
      showing(page);
      // The product seeded with both statuses, on the first page.
      chosen = all.edges.map((e) => e.node).find((n) => n.code === fixture.donut.code);
      assert.deepEqual(chosen.pool, { ...fixture.donut.pool, low: false }, 'listed with the pool the fixture made');
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
      assert.ok(await detail.getByText(fixture.mah.name).isVisible(), 'owner shown');

      const pool = await poolOf(fixture.mah.keys.admin, chosen.code);
      const tooltip = detail.locator('.donut-tooltip');
      const a = await segmentPoint(canvas, pool, 0);
      await page.mouse.move(a.x, a.y);
      await tooltip.waitFor({ state: 'visible' });
      assert.equal((await tooltip.textContent()).trim(), `Available: ${fmt(pool.available)}`);
      await screenshot(page, 'donut-tooltip-available');

      const b = await segmentPoint(canvas, pool, 1);
      await page.mouse.move(b.x, b.y);
      await page.waitForFunction(
        (t) => document.querySelector('.donut-tooltip:not([hidden])')?.textContent?.trim() === t,
        `Assigned: ${fmt(pool.assigned)}`,
      );
      await page.mouse.move(5, 5);
      await tooltip.waitFor({ state: 'hidden' });
    });

    step('the counts are available as text to screen readers', async () => {
      showing(page);
      const pool = await poolOf(fixture.mah.keys.admin, chosen.code);
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
        const before = await poolOf(fixture.mah.keys.admin, chosen.code);
        const n = Math.min(2, before.available);
        const { requestSerials } = await gql(fixture.mah.keys.operator, REQUEST_SERIALS, {
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
      showing(page);
      await page.getByRole('link', { name: 'Show serials' }).click();
      await page.waitForURL(`**/pool/products/${chosen.code}/serials`);
      await page.getByRole('heading', { level: 1, name: `Serials of ${chosen.name}` }).waitFor();

      const rows = page.locator('table.serials-table tbody tr[data-status]');
      const expectRows = async (status) => {
        const expected = await serialsOf(fixture.mah.keys.admin, chosen.code, status);
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
      assert.equal(everything.edges.length, fixture.donut.pool.total, 'every serial of the product, on one page');
      await screenshot(page, 'serials-all');

      await page.getByRole('radio', { name: /^Available/ }).check();
      await page.waitForURL(/status=AVAILABLE/);
      await expectRows('AVAILABLE');
      await screenshot(page, 'serials-available');

      await page.getByRole('radio', { name: /^Assigned/ }).check();
      await page.waitForURL(/status=ASSIGNED/);
      await expectRows('ASSIGNED');
      await screenshot(page, 'serials-assigned');

      // A deep link survives a reload (SPA fallback + session kept for the browser session).
      await page.reload();
      await page.getByRole('heading', { level: 1, name: `Serials of ${chosen.name}` }).waitFor();
      assert.equal(await page.getByRole('radio', { name: /^Assigned/ }).isChecked(), true);
    });

    step('the app works on a 390 px phone screen', async () => {
      const p = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      try {
        await signIn(p, fixture.mah.keys.viewer);
        await p.getByTestId('tenant-name').waitFor();
        await p.waitForFunction((n) => document.querySelectorAll('tr.product-row').length === n, Math.min(50, all.totalCount));
        // No sideways scrolling of the page itself; the table scrolls inside its region.
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
        await screenshot(p, 'phone-list');
        await p.getByRole('button', { name: `Expand ${chosen.code}`, exact: true }).click();
        await p.locator('.detail canvas').waitFor();
        const legend = await p.locator('.detail .donut-legend').textContent();
        const pool = await poolOf(fixture.mah.keys.admin, chosen.code);
        assert.ok(legend.includes(`Available: ${fmt(pool.available)} serials`), legend);
        assert.equal(await p.locator('.detail .product-actions').count(), 0, 'a viewer has no actions');
        const detailBox = await p.locator('.detail').boundingBox();
        assert.ok(detailBox.x >= 0 && detailBox.x + detailBox.width <= 390 + 1, 'details fit on the screen');
        await p.locator('.detail .donut').scrollIntoViewIfNeeded();
        await screenshot(p, 'phone-detail');
      } finally {
        release(p);
      }
    });

  });
