// Partners: the MAH's card of its CMO shows what it assigned (serials held per product, the
// last assignment); the CMO's card of its MAH what it received per product. Desktop and phone.
import assert from 'node:assert/strict';
import { area, fmt, gql, newPage, openAs, release, screenshot, seedPartnership, seedProduct, seedTenant, showing, signIn, step } from '../harness.mjs';

async function seed() {
  const mah = seedTenant('E2E Partner Cards MAH');
  const cmo = seedTenant('E2E Partner Cards CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 30 });
  const ibu = await seedProduct(mah, { name: 'Ibuprofen 400 mg tablets', available: 10 });
  await seedPartnership(mah, cmo, { [amox.code]: 8, [ibu.code]: 3 });
  return { mah, cmo, amox, ibu };
}

export default () =>
  area('admin-partners', seed, (fixture) => {
    step('the MAH sees per product what its CMO holds and the last assignment', async () => {
      const { mah, cmo, amox, ibu } = fixture;
      await gql(mah.keys.operator, `mutation($c: String!, $p: ID!) { assignSerialsToPartner(input: {productCode: $c, partner: $p, count: 5}) { count } }`, { c: amox.code, p: cmo.id });
      const p = await openAs(mah.keys.admin);
      try {
        await p.goto('/partners');
        const card = p.locator(`article.partner-card[data-tenant="${cmo.id}"]`);
        const table = card.getByTestId('assigned-summary');
        await table.waitFor();
        const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.code, ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
        // The amoxicillin was assigned last (5 after 8): it comes first.
        assert.deepEqual(rows.map((r) => [r[0], r[1]]), [[amox.code, fmt(13)], [ibu.code, fmt(3)]]);
        assert.match(rows[0][2], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\S* \(5\)$/);
        assert.match(rows[1][2], /\(3\)$/);
        await screenshot(p, 'partners-mah-card');
      } finally {
        release(p);
      }
    });

    step('the CMO sees per product what it received from its MAH, on a phone', async () => {
      const { mah, cmo } = fixture;
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
      try {
        await signIn(p, cmo.keys.admin);
        await p.getByTestId('tenant-name').waitFor();
        await p.goto('/partners');
        const card = p.locator(`article.partner-card[data-tenant="${mah.id}"]`);
        const received = card.getByTestId('received');
        await received.waitFor();
        assert.equal(await received.textContent(), `Received from ${mah.name}: ${fmt(16)} serials of 2 products.`);
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scrolling');
        await screenshot(p, 'partners-cmo-phone', { fullPage: true });
      } finally {
        release(p);
      }
    });
  });
