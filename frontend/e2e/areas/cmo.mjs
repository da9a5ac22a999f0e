// The CMO's Serial number pool: only the products its MAH assigned serials of.
import assert from 'node:assert/strict';
import {
  area, fmt, newPage, poolOf, products, release, screenshot, seedPartnership, seedProduct, seedTenant, showing, signIn,
  step,
} from '../harness.mjs';

/** An MAH with three products and a CMO partner, which it assigned serials of two of them. */
async function seed() {
  const mah = seedTenant('E2E CMO’s MAH');
  const cmo = seedTenant('E2E CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 20 });
  const ibu = await seedProduct(mah, { name: 'Ibuprofen 400 mg tablets', source: 'SAP_ATTP', available: 10 });
  await seedProduct(mah, { name: 'Paracetamol 500 mg tablets', schema: 'NTIN', source: 'SAP_ICH', available: 10 });
  await seedPartnership(mah, cmo, { [amox.code]: 8, [ibu.code]: 3 });
  // What the CMO sees of them: all Available to it.
  const cmoPools = { [amox.code]: { available: 8, assigned: 0, total: 8 }, [ibu.code]: { available: 3, assigned: 0, total: 3 } };
  return { mah, cmo, cmoPools };
}

export default () =>
  area('cmo', seed, (fixture) => {
    step('the CMO sees only the products assigned to it, from its partner', async () => {
      const { mah, cmo: partner, cmoPools } = fixture;
      const cmo = await products(partner.keys.admin);
      const all = await products(mah.keys.admin);
      assert.deepEqual(cmo.edges.map((e) => e.node.code).sort(), Object.keys(cmoPools).sort(), 'the CMO sees the products it was assigned serials of');
      assert.ok(cmo.totalCount < all.totalCount, 'the CMO sees fewer products than the MAH');
      const p = showing(await newPage({ viewport: { width: 1280, height: 800 } }));
      try {
        await signIn(p, partner.keys.admin);
        await p.getByTestId('tenant-name').waitFor();
        assert.equal(await p.getByTestId('tenant-name').textContent(), partner.name);
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
        const cmoPool = await poolOf(partner.keys.admin, firstCode);
        assert.deepEqual(cmoPool, cmoPools[firstCode], 'the serials assigned to the CMO, Available to it');
        assert.ok(
          (await detail.locator('.donut-legend').textContent()).includes(`Available: ${fmt(cmoPool.available)} serials`),
        );
        await screenshot(p, 'cmo-products');
        await p.keyboard.press('Space');
        assert.equal(await expand.getAttribute('aria-expanded'), 'false');
      } finally {
        release(p);
      }
    });
  });
