// The home dashboard: pool health across products (empty and low pools first), days of
// supply at the last 7 days' rate of assignment, received vs assigned per day, each product
// a link into the list, counts live; desktop and phone.
import assert from 'node:assert/strict';
import {
  area, fmt, gql, newPage, openAs, release, REQUEST_SERIALS, RUN, screenshot, seedProduct, seedTenant, showing, signIn, step,
} from '../harness.mjs';

/** SNM pools (serials generated, then some requested): the days of supply follow from them. */
const SPECS = {
  empty: { name: 'Dash empty 5 mg', available: 0, assigned: 7, lowThreshold: 10 }, // 1 a day
  low: { name: 'Dash low 10 mg', available: 3, assigned: 7, lowThreshold: 10 }, // 1 a day: 3 days
  busy: { name: 'Dash busy 20 mg', available: 30, assigned: 14, lowThreshold: 10 }, // 2 a day: 15 days
  idle: { name: 'Dash idle 40 mg', available: 40, lowThreshold: 10 }, // no use
};

async function seed() {
  const mah = seedTenant('E2E Dashboard');
  const made = {};
  for (const [key, spec] of Object.entries(SPECS)) made[key] = await seedProduct(mah, { source: 'SNM', ...spec });
  return { mah, made };
}

const healthRows = (p) =>
  p.locator('.health-table tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.dataset.code, r.dataset.state, r.querySelector('.days-of-supply').textContent]),
  );

export default () =>
  area('dashboard', seed, (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page;

    step('Home lists empty and low pools first, with days of supply at the last 7 days’ rate', async () => {
      page = await openAs(fixture.mah.keys.viewer);
      await page.getByRole('link', { name: 'Home' }).click();
      await page.locator('.health-table').waitFor();
      const { empty, low, busy, idle } = fixture.made;
      assert.deepEqual(await healthRows(page), [
        [empty.code, 'empty', 'none left'],
        [low.code, 'low', '3 days'],
        [busy.code, 'ok', '15 days'],
        [idle.code, 'ok', 'no recent use'],
      ]);
      assert.equal(await page.locator(`tr[data-code="${busy.code}"] td[data-label="Assigned lately"]`).textContent(), '2 a day');
      assert.equal(await page.getByTestId('empty-pools').textContent(), '1 empty pool');
      assert.equal(await page.getByTestId('low-pools').textContent(), '1 low pool');
      await page.getByText('over the last 7 days').waitFor();
      await screenshot(page, 'home');
      await screenshot(page, 'home-full', { fullPage: true });
    });

    step('the chart of received vs assigned names its totals, with the figures as a table', async () => {
      const received = Object.values(SPECS).reduce((s, x) => s + x.available + (x.assigned || 0), 0);
      const assigned = Object.values(SPECS).reduce((s, x) => s + (x.assigned || 0), 0);
      const desc = await page.locator('svg[role=img] desc').textContent();
      assert.match(desc, new RegExp(`${fmt(received)} serials received, ${fmt(assigned)} assigned\\.$`));
      assert.equal(await page.locator('svg[role=img] g.day').count(), 30);
      const today = new Date().toISOString().slice(0, 10);
      await page.getByText('Show the figures as a table').click();
      const last = page.locator('.chart-table tbody tr').last();
      assert.equal(await last.locator('th').textContent(), today);
      assert.deepEqual(await last.locator('td').allTextContents(), [fmt(received), fmt(assigned)]);
      await screenshot(page, 'home-chart-table', { fullPage: true });
    });

    step('counts are live: a pool another user empties moves up without a reload', async () => {
      const { busy } = fixture.made;
      await gql(fixture.mah.keys.operator, REQUEST_SERIALS, { input: { productCode: busy.code, count: 30, orderRef: `E2E-DASH-${RUN}` } });
      await page.waitForFunction(() => document.querySelector('[data-testid=empty-pools]')?.textContent === '2 empty pools', null, { timeout: 12_000 });
      assert.equal(await page.locator(`tr[data-code="${busy.code}"]`).getAttribute('data-state'), 'empty');
    });

    step('each product drills into the product list', async () => {
      const { low } = fixture.made;
      await page.locator(`tr[data-code="${low.code}"] a`).click();
      await page.waitForFunction((c) => document.querySelectorAll('tr.product-row').length === 1 && document.querySelector(`tr.product-row[data-code="${c}"]`), low.code);
      assert.equal(new URL(page.url()).searchParams.get('search'), low.code);
      await page.goBack();
      await page.locator('.health-table').waitFor();
    });

    step('on a 390 px phone the dashboard is stacked and never scrolled sideways', async () => {
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
      await signIn(p, fixture.mah.keys.viewer);
      await p.getByTestId('tenant-name').waitFor();
      await p.goto('/home');
      await p.locator('.health-table tbody tr').first().waitFor();
      assert.ok(await p.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth), 'no sideways scrolling');
      await screenshot(p, 'phone-home');
      await screenshot(p, 'phone-home-full', { fullPage: true });
      release(p);
    });
  });
