// Partners: the MAH's card of its CMO shows what it assigned (serials held per product, the
// last assignment); the CMO's card of its MAH what it received per product, and its audit
// trail each receipt (with a CSV link that works outside the page). Desktop and phone.
import assert from 'node:assert/strict';
import { area, BASE, fmt, gql, newPage, openAs, release, screenshot, seedPartnership, seedProduct, seedTenant, showing, signIn, step } from '../harness.mjs';

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

    step('the CMO\'s audit trail shows each receipt from its MAH; its CSV link works opened on its own, as in a new tab', async () => {
      const { mah, cmo, amox, ibu } = fixture;
      const p = await openAs(cmo.keys.admin);
      try {
        await p.goto('/audit?action=serials.receive_partner');
        const rows = p.locator('tbody tr[data-action="serials.receive_partner"]');
        await rows.nth(2).waitFor();
        assert.equal(await rows.count(), 3);
        const seen = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
        // Newest first: the 5 of the first step, then the 3 and 8 of the seed (codes, counts).
        assert.deepEqual(seen.map((r) => [r[1], r[2]]).sort(), [[amox.code, '5'], [amox.code, '8'], [ibu.code, '3']].sort());
        assert.equal(seen[0][2], '5');
        for (const r of seen) {
          assert.doesNotMatch(r[3], /key:\d|tenant:\d/, 'who acted, in words');
          assert.match(r[3], /\(partner\)$/);
          assert.match(r[4], new RegExp(`partner: ${mah.name}`));
        }
        await screenshot(p, 'audit-cmo-receipts');
        // The link's address, as a new tab or a copied link uses it: the session cookie is enough.
        const href = await p.getByRole('link', { name: /CSV/ }).getAttribute('href');
        const res = await p.context().request.get(href);
        assert.equal(res.status(), 200);
        assert.match(res.headers()['content-type'], /^text\/csv/);
        const lines = (await res.text()).split(/\r?\n/).filter((l) => l.includes('serials.receive_partner'));
        assert.equal(lines.length, 3);
        assert.equal((await p.context().cookies()).length > 0, true);
        assert.equal((await fetch(BASE + href)).status, 401, 'without the session the link is refused');
      } finally {
        release(p);
      }
    });
  });
