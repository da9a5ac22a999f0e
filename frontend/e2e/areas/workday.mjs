// A working day of an MAH serialization manager (issue 18): counts that stay live in
// collapsed rows, a donut centre that fits a big pool on a phone, errors in
// words, times with their zone and the local/UTC setting, request CSVs named by their
// order, and the confirmations before an order that already has serials and before a
// large request.
import assert from 'node:assert/strict';
import {
  area, download, expandProduct, fmt, gql, openAs, poolOf, productRows, release, REQUEST_SERIALS, RUN, screenshot, signAs,
  seedProduct, seedTenant, showing, step, TIMEOUT,
} from '../harness.mjs';

// Six digits, compact in the centre (Vitest covers 1,035,000 → 1.04M up to 10 billion;
// generating a million here would take longer than a request may).
const BIG = 150_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'Europe/Berlin' };
const DESKTOP = { viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin' };

async function seed() {
  const mah = seedTenant('E2E Workday');
  const busy = await seedProduct(mah, { name: 'Workday amoxicillin 500 mg', available: 20_000, lowThreshold: 10 });
  const big = await seedProduct(mah, { name: 'Workday paracetamol 1 g', available: BIG, lowThreshold: 10 });
  return { mah, busy, big };
}

/** The centre text's box and the ring's inner circle, in page pixels. */
async function centreFit(detail) {
  return detail.locator('.donut-chart').evaluate((chart) => {
    const canvas = chart.querySelector('canvas').getBoundingClientRect();
    const text = chart.querySelector('.donut-total').getBoundingClientRect();
    // Chart.js: radius = half the smaller side less padding (8) and hover offset (6); cutout 62 %.
    const inner = ((Math.min(canvas.width, canvas.height) / 2 - 8 - 6) * 0.62);
    const cx = canvas.left + canvas.width / 2;
    const cy = canvas.top + canvas.height / 2;
    const corners = [[text.left, text.top], [text.right, text.top], [text.left, text.bottom], [text.right, text.bottom]];
    const farthest = Math.max(...corners.map(([x, y]) => Math.hypot(x - cx, y - cy)));
    return { farthest, inner, text: chart.querySelector('.donut-total').textContent, title: chart.querySelector('.donut-total').title };
  });
}

export default () =>
  area('workday', seed, (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page;

    step('a collapsed row’s Available count follows another user’s request without being expanded', async () => {
      page = await openAs(fixture.mah.keys.admin, DESKTOP);
      const row = productRows(page).filter({ has: page.locator(`.code-text:text-is("${fixture.busy.code}")`) });
      const count = row.locator('.available-count');
      await page.waitForFunction((c) => document.querySelector(`tr.product-row[data-code="${c}"] .available-count`)?.textContent === '20,000', fixture.busy.code);
      await gql(fixture.mah.keys.operator, REQUEST_SERIALS, { input: { productCode: fixture.busy.code, count: 250, orderRef: `E2E-OTHER-${RUN}` } });
      // The list reads its page again every 5 s.
      await page.waitForFunction(
        (c) => document.querySelector(`tr.product-row[data-code="${c}"] .available-count`)?.textContent === '19,750',
        fixture.busy.code,
        { timeout: 8000 },
      );
      assert.equal(await count.textContent(), fmt(19_750));
      assert.equal(await row.getByRole('button', { name: `Expand ${fixture.busy.code}`, exact: true }).getAttribute('aria-expanded'), 'false');
      await screenshot(page, 'collapsed-row-live');
    });

    step('a pool of 150,000 shows 150K inside the ring, the exact number in its title and the legend', async () => {
      showing(page);
      const detail = await expandProduct(page, fixture.big.code);
      const fit = await centreFit(detail);
      assert.equal(fit.text, '150K');
      assert.equal(fit.title, `${fmt(BIG)} serials`);
      assert.ok(fit.farthest < fit.inner, `the centre text reaches ${fit.farthest.toFixed(1)} px from the centre; the ring starts at ${fit.inner.toFixed(1)} px`);
      assert.match(await detail.locator('.donut-legend li[data-status="TOTAL"] .legend-count').textContent(), new RegExp(`^${fmt(BIG)}`));
      await screenshot(page, 'donut-big-desktop');
    });

    step('times show their zone; the setting switches every time on screen to UTC and back', async () => {
      showing(page);
      const detail = await expandProduct(page, fixture.busy.code);
      const when = detail.locator('[data-testid=recent-requests] time.request-when').first();
      await when.waitFor();
      const iso = await when.getAttribute('datetime');
      assert.match(await when.textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+01:00$/, 'Berlin in winter');
      await page.getByTestId('timezone-setting').selectOption('UTC');
      const utc = `${new Date(iso).toISOString().slice(0, 10)} ${new Date(iso).toISOString().slice(11, 19)} UTC`;
      await page.waitForFunction((t) => document.querySelector('[data-testid=recent-requests] time.request-when')?.textContent === t, utc);
      assert.match(await detail.locator('.live-note time').textContent(), / UTC$/);
      await screenshot(page, 'times-in-utc');
      // Kept across a reload, then back to local.
      await page.reload();
      await page.getByTestId('tenant-name').waitFor();
      assert.equal(await page.getByTestId('timezone-setting').inputValue(), 'UTC');
      await page.getByTestId('timezone-setting').selectOption('local');
    });

    const ref = `PO-4711-${RUN}`;

    step('a request clears the form, names its CSV by order and UTC day, and shows no internal id', async () => {
      showing(page);
      const detail = await expandProduct(page, fixture.busy.code);
      await detail.getByRole('button', { name: 'Request for an order' }).click();
      await detail.getByLabel('Number of serials').fill('12');
      await detail.getByLabel('Order reference').fill(ref);
      await detail.getByRole('button', { name: 'Request serials' }).click();
      const result = detail.getByTestId('request-result');
      await result.waitFor();
      assert.equal(await detail.getByLabel('Number of serials').inputValue(), '');
      assert.equal(await detail.getByLabel('Order reference').inputValue(), '');
      const facts = await result.locator('.request-facts').textContent();
      assert.ok(facts.includes(ref), facts);
      assert.ok(!facts.includes(await result.getAttribute('data-request-id')), `no internal id in ${facts}`);
      const csv = await download(page, result.getByRole('link', { name: /Download CSV/ }));
      assert.equal(csv.name, `${ref}-${new Date().toISOString().slice(0, 10)}.csv`);
      await screenshot(page, 'request-done-form-cleared');
    });

    step('the same order again warns and shows its serials; above 10,000 asks first (Back requests nothing); errors are in words', async () => {
      showing(page);
      const detail = await expandProduct(page, fixture.busy.code);
      const before = await poolOf(fixture.mah.keys.admin, fixture.busy.code);
      await detail.getByLabel('Number of serials').fill('3');
      await detail.getByLabel('Order reference').fill(ref);
      await detail.getByRole('button', { name: 'Request serials' }).click();
      const confirm = detail.getByTestId('confirm');
      await confirm.waitFor();
      assert.equal((await confirm.locator('.callout-title').textContent()).trim(), `Order ${ref} already has serials of this product`);
      assert.equal(await confirm.locator('[data-testid=earlier-requests] .serial-preview li.mono').count(), 10);
      assert.equal(await detail.getByTestId('request-result').count(), 0, 'the old result went with the new action');
      await screenshot(page, 'order-already-has-serials');
      await confirm.getByRole('button', { name: 'Back' }).click();
      assert.deepEqual(await poolOf(fixture.mah.keys.admin, fixture.busy.code), before, 'nothing requested');

      await detail.getByLabel('Number of serials').fill('10,001');
      await detail.getByLabel('Order reference').fill(`E2E-BIG-${RUN}`);
      await detail.getByRole('button', { name: 'Request serials' }).click();
      await confirm.waitFor();
      assert.equal((await confirm.locator('.callout-title').textContent()).trim(), `Request 10,001 serials for order E2E-BIG-${RUN}?`);
      await screenshot(page, 'large-request-confirm');
      // Back: nothing requested (Vitest covers the confirmed request; 10,001 serials at once
      // can outlast the request deadline on this loaded two-core machine).
      await confirm.getByRole('button', { name: 'Back' }).click();
      assert.deepEqual(await poolOf(fixture.mah.keys.admin, fixture.busy.code), before, 'nothing requested');

      // One unknown serial released: a sentence naming it, no machine code, no "1 of the batch's rows".
      await detail.getByRole('button', { name: 'Release', exact: true }).click();
      await detail.getByLabel(/Serials to release/).fill(`E2E-NOPE-${RUN}`);
      await detail.getByRole('button', { name: 'Release 1 serial' }).click();
      await signAs(detail, fixture.mah.keys.admin);
      await detail.getByRole('button', { name: 'Yes, release 1 serial' }).click();
      const error = detail.getByTestId('action-error');
      await error.waitFor({ timeout: TIMEOUT });
      const text = await error.getByRole('alert').textContent();
      assert.match(text, new RegExp(`“E2E-NOPE-${RUN}” \\(line 1\\) was refused: .+\\. Nothing was changed\\.$`), text);
      assert.doesNotMatch(text, /\([A-Z_]{4,}\)|BAD_USER_INPUT|rows were/, text);
      await screenshot(page, 'error-in-words');
    });

    step('Escape collapses the expanded row, and Collapse all closes every row', async () => {
      showing(page);
      await page.getByRole('searchbox', { name: /search products/i }).fill('');
      const a = page.getByRole('button', { name: `Expand ${fixture.busy.code}`, exact: true });
      const b = page.getByRole('button', { name: `Expand ${fixture.big.code}`, exact: true });
      await page.waitForFunction(() => document.querySelectorAll('tr.product-row').length === 2);
      for (const x of [a, b]) if ((await x.getAttribute('aria-expanded')) !== 'true') await x.click();
      await page.locator(`#${await a.getAttribute('aria-controls')}`).getByRole('link', { name: 'Show serials' }).focus();
      await page.keyboard.press('Escape');
      assert.equal(await a.getAttribute('aria-expanded'), 'false');
      assert.equal(await a.evaluate((el) => el === document.activeElement), true, 'the focus is back on its button');
      assert.equal(await b.getAttribute('aria-expanded'), 'true');
      await page.getByRole('button', { name: 'Collapse all' }).click();
      assert.equal(await page.locator('tr.detail-row').count(), 0);
      await screenshot(page, 'collapsed-all');
    });

    step('on a 390 px phone the big donut’s centre fits its ring and nothing scrolls sideways', async () => {
      const phone = await openAs(fixture.mah.keys.viewer, PHONE);
      try {
        const detail = await expandProduct(phone, fixture.big.code);
        const fit = await centreFit(detail);
        assert.equal(fit.text, '150K');
        assert.ok(fit.farthest < fit.inner, `the centre text reaches ${fit.farthest.toFixed(1)} px; the ring starts at ${fit.inner.toFixed(1)} px`);
        assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'the page fits');
        await detail.locator('.donut').scrollIntoViewIfNeeded();
        await screenshot(phone, 'phone-donut-big');
        await phone.getByTestId('timezone-setting').scrollIntoViewIfNeeded();
        await screenshot(phone, 'phone-timezone-setting');
        // The serials table names the pack status in words, with its legend.
        await detail.getByRole('link', { name: 'Show serials' }).click();
        await phone.getByTestId('pack-legend').waitFor();
        assert.match(await phone.locator('tbody tr[data-status]').first().textContent(), /Not commissioned yet/);
        await phone.getByTestId('pack-legend').scrollIntoViewIfNeeded();
        await screenshot(phone, 'phone-pack-legend');
      } finally {
        release(phone);
      }
    });
  });
