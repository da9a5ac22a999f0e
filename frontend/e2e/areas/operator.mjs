// An MAH operator's day: request serials for an order (its CSV, Recent requests, the audit
// trail), release some, upload a CSV, generate; an admin's limits; the screens on a phone.
import assert from 'node:assert/strict';
import {
  area, csvLines, download, expandProduct, expectLegend, fmt, gql, openAs, poolOf, products, release, RUN, screenshot, signAs,
  seedPartnership, seedProduct, seedTenant, serialOf, showing, step, TIMEOUT,
} from '../harness.mjs';

/**
 * An MAH with an SNM product, a SAP ATTP one and a third to set limits on, and a CMO
 * partner (for the Partners screen) that it assigned a few serials to.
 */
async function seed() {
  const mah = seedTenant('E2E Operator');
  const cmo = seedTenant('E2E Operator’s CMO');
  const snm = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 40 });
  const attp = await seedProduct(mah, { name: 'Ibuprofen 400 mg tablets', source: 'SAP_ATTP', available: 10 });
  await seedProduct(mah, { name: 'Paracetamol 500 mg tablets', schema: 'NTIN', source: 'SAP_ICH', available: 15 });
  await seedPartnership(mah, cmo, { [snm.code]: 5 });
  // The CMO's five are Assigned in the MAH's pool.
  return { mah, snm: snm.code, snmPool: { available: 35, assigned: 5, total: 40 }, attp: attp.code };
}

export default () =>
  area('operator', seed, (fixture) => {
    /** The request made by the operator below: its order ref and serials (from the page). */
    const order = { ref: `E2E-${RUN}`, count: 25, values: /** @type {string[]} */ ([]) };
    /** @type {import('playwright-core').Page} */
    let op; // the MAH operator's page

    step('operator requests serials for an order: the donut’s Assigned count rises by that number', async () => {
      op = await openAs(fixture.mah.keys.operator);
      const detail = await expandProduct(op, fixture.snm);
      // Role-appropriate actions: an operator of the owner generates (SNM), requests, releases, uploads; no limits.
      assert.deepEqual(
        await detail.locator('.action-bar button[data-action]').evaluateAll((b) => b.map((x) => x.dataset.action)),
        ['generate', 'request', 'release', 'upload'],
      );
      const before = await poolOf(fixture.mah.keys.operator, fixture.snm);
      assert.deepEqual(before, fixture.snmPool);
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
      const after = await poolOf(fixture.mah.keys.operator, fixture.snm);
      assert.equal(after.assigned, before.assigned + order.count);
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
      showing(op);
      const LATEST = `query E2ELatest($code: String!) {
        serialRequests(filter: { productCode: $code }, first: 1) { edges { node { id orderRef count } } }
        auditLog(filter: { action: "serials.request" }, first: 1) { edges { node { id actor count product { code } detail { key value } } } }
      }`;
      const latest = await gql(fixture.mah.keys.operator, LATEST, { code: fixture.snm });
      const made = latest.serialRequests.edges[0].node;
      const entry = latest.auditLog.edges[0].node;
      assert.equal(made.orderRef, order.ref, 'the newest request of the product is the one made above');
      assert.deepEqual(entry.detail.find((d) => d.key === 'orderRef'), { key: 'orderRef', value: order.ref });

      // The product's detail, still open from the request: the list was read again after it.
      const detail = await expandProduct(op, fixture.snm);
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
        assert.equal((await row.locator('td.col-audit a').textContent()).trim(), fixture.snm);
        assert.equal((await row.locator('td.num').textContent()).trim(), fmt(order.count));
        // Who, in words (no key id on screen); what the audit recorded is the tooltip.
        const actor = row.locator('td.audit-actor');
        assert.equal(await actor.getAttribute('title'), entry.actor);
        assert.equal((await actor.textContent()).trim(), entry.actor.replace(/ \((service account), key:\d+\)/, ' ($1)').replace(/ \(key:\d+\)/, ''));
        assert.equal((await row.locator('td.col-audit .audit-details li[data-key=orderRef]').textContent()).trim(), `order ref: ${order.ref}`); // the key in words
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
      const phone = await openAs(fixture.mah.keys.operator, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      try {
        await phone.goto('/audit?action=serials.request');
        await phone.waitForFunction((id) => document.querySelector('table.audit-table tbody tr[data-id]')?.dataset.id === id, entry.id);
        const inline = phone.locator('table.audit-table tbody tr[data-id]').first().locator('.audit-inline');
        assert.ok(await inline.isVisible(), 'the facts show under the action');
        assert.match(await inline.textContent(), new RegExp(`order ref: ${order.ref}`));
        assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'the page fits');
        const table = await phone.locator('.table-scroll').evaluate((el) => el.scrollWidth - el.clientWidth);
        assert.ok(table <= 0, `the audit table is ${table}px wider than its region`);
        await screenshot(phone, 'phone-audit-trail');
      } finally {
        release(phone);
      }
      showing(op);

      // Back to the pool for the next steps.
      await op.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SN/SSCC pool' }).click();
      await op.waitForURL('**/pool/serial-numbers');
    });

    step('operator releases serials back: refusals per row, then the donut updates', async () => {
      showing(op);
      const detail = await expandProduct(op, fixture.snm);
      await detail.getByRole('button', { name: 'Release', exact: true }).click();
      const area = detail.getByLabel(/Serials to release/);
      // A refused batch: one unknown serial among good ones; nothing is released.
      await area.fill(`${order.values[0]}\nE2E-NO-SUCH-${RUN}\n${order.values[1]}\n`);
      assert.match(await detail.getByTestId('release-count').textContent(), /3 serials/);
      const before = await poolOf(fixture.mah.keys.operator, fixture.snm);
      await detail.getByRole('button', { name: 'Release 3 serials' }).click();
      await signAs(detail, fixture.mah.keys.operator); // a release is confirmed and signed first
      await detail.getByRole('button', { name: 'Yes, release 3 serials' }).click();
      const refusal = detail.getByTestId('action-error');
      await refusal.waitFor();
      assert.match(await refusal.getByRole('alert').textContent(), /rejected|refused/i);
      const rows = refusal.locator('.row-errors-table tbody tr');
      assert.equal(await rows.count(), 1);
      assert.equal((await rows.first().locator('th').textContent()).trim(), `E2E-NO-SUCH-${RUN}`);
      assert.equal((await rows.first().locator('td').first().textContent()).trim(), '2');
      assert.ok((await rows.first().getAttribute('data-code')).length > 0, 'the rule is named');
      assert.deepEqual(await poolOf(fixture.mah.keys.operator, fixture.snm), before);
      await screenshot(op, 'release-refused');

      // Release five of the requested serials (pasted with a CSV header and a duplicate).
      const five = order.values.slice(0, 5);
      await area.fill(['serial', ...five, five[0]].join('\n'));
      assert.match(await detail.getByTestId('release-count').textContent(), /5 serials · 1 duplicate dropped · CSV header skipped/);
      // A wrong signing password: said in words, nothing released.
      await detail.getByRole('button', { name: 'Release 5 serials' }).click();
      await signAs(detail, fixture.mah.keys.operator, { password: `not the password ${RUN}` });
      await detail.getByRole('button', { name: 'Yes, release 5 serials' }).click();
      const wrong = detail.getByTestId('action-error');
      await wrong.waitFor();
      assert.equal(await wrong.getAttribute('data-code'), 'SIGNATURE_INVALID');
      assert.match(await wrong.getByRole('alert').textContent(), /The password is not right/);
      assert.deepEqual(await poolOf(fixture.mah.keys.operator, fixture.snm), before);
      await detail.getByRole('button', { name: 'Release 5 serials' }).click();
      await signAs(detail, fixture.mah.keys.operator);
      await detail.getByRole('button', { name: 'Yes, release 5 serials' }).click();
      await detail.getByTestId('action-success').filter({ hasText: 'Released 5 serials' }).waitFor();
      await expectLegend(detail, 'ASSIGNED', before.assigned - 5);
      await expectLegend(detail, 'AVAILABLE', before.available + 5);
      assert.equal((await serialOf(fixture.mah.keys.operator, fixture.snm, five[0])).status, 'AVAILABLE');
      await screenshot(op, 'release-done');
    });

    step('operator uploads a CSV to the SAP ATTP product: progress reaches 100 % and the result shows', async () => {
      showing(op);
      await op.goto('/pool/serial-numbers');
      const detail = await expandProduct(op, fixture.attp);
      await detail.getByRole('button', { name: 'Upload CSV' }).click();
      const source = detail.getByLabel('Source');
      assert.equal(await source.inputValue(), 'SAP_ATTP', 'the source defaults to the product’s');
      const before = await poolOf(fixture.mah.keys.operator, fixture.attp);

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
      assert.deepEqual(await poolOf(fixture.mah.keys.operator, fixture.attp), before);
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
      assert.equal((await serialOf(fixture.mah.keys.operator, fixture.attp, values[0])).source, 'SAP_ATTP');
      assert.match(await detail.getByTestId('upload-progress-label').textContent(), /^100% · Stored/);
      await screenshot(op, 'upload-done');
    });

    step('operator generates serials for the SNM product; counts update at once', async () => {
      showing(op);
      await op.goto('/pool/serial-numbers');
      const detail = await expandProduct(op, fixture.snm);
      // Generate is offered for SNM products only.
      await detail.getByRole('button', { name: 'Generate', exact: true }).click();
      const before = await poolOf(fixture.mah.keys.operator, fixture.snm);
      await detail.getByLabel('Number of serials').fill('1,000');
      await detail.getByRole('button', { name: 'Generate serials' }).click();
      await detail.getByTestId('action-success').filter({ hasText: 'Generated 1,000 serials (random)' }).waitFor();
      await expectLegend(detail, 'AVAILABLE', before.available + 1000);
      await screenshot(op, 'generate-done');
      const ibu = await expandProduct(op, fixture.attp);
      assert.equal(await ibu.getByRole('button', { name: 'Generate', exact: true }).count(), 0, 'no Generate for a received product');
    });

    step('admin edits product limits; a request over the cap is refused', async () => {
      const p = await openAs(fixture.mah.keys.admin);
      try {
        const all = await products(fixture.mah.keys.admin);
        const target = all.edges.map((e) => e.node).find((n) => n.code !== fixture.snm && n.code !== fixture.attp && n.pool.available > 10) || all.edges[0].node;
        const { product: was } = await gql(fixture.mah.keys.admin, 'query($c: String!) { product(code: $c) { requestCap } }', { c: target.code });
        const cap = was.requestCap === 10 ? 12 : 10; // a change on every run
        const detail = await expandProduct(p, target.code);
        await detail.getByRole('button', { name: 'Limits' }).click();
        await detail.getByLabel('Cap per request').fill(String(cap));
        await detail.getByLabel('Replenish up to').fill('');
        await signAs(detail, fixture.mah.keys.admin);
        await detail.getByRole('button', { name: 'Save limits' }).click();
        await detail.getByTestId('action-success').filter({ hasText: `cap ${cap} per request` }).waitFor();
        assert.equal((await detail.getByTestId('request-cap').textContent()).trim(), String(cap));
        const { product } = await gql(fixture.mah.keys.admin, 'query($c: String!) { product(code: $c) { requestCap } }', { c: target.code });
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

    step('the new screens work on a 390 px phone screen', async () => {
      const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
      const p = await openAs(fixture.mah.keys.operator, phone);
      try {
        const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        const detail = await expandProduct(p, fixture.attp);
        await detail.getByRole('button', { name: 'Upload CSV' }).click();
        await detail.getByLabel('CSV file of serials', { exact: true }).waitFor();
        assert.ok((await overflow()) <= 0, 'upload form fits');
        const box = await detail.locator('.action-panel').boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 391, 'the panel fits on the screen');
        await detail.locator('.action-panel').scrollIntoViewIfNeeded();
        await screenshot(p, 'phone-upload');

        await p.goto(`/pool/pack-history?product=${fixture.snm}&serial=${encodeURIComponent(order.values[7] || '')}`);
        await p.getByTestId('serial-history').waitFor();
        assert.ok((await overflow()) <= 0, 'pack history fits');
        await screenshot(p, 'phone-pack-history', { fullPage: true });

        await p.goto('/partners');
        await p.locator('article.partner-card').first().waitFor();
        assert.ok((await overflow()) <= 0, 'partners fit');
        await screenshot(p, 'phone-partners', { fullPage: true });
      } finally {
        release(p);
      }
    });
  });
