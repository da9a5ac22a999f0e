// The Pack history tab: a serial's statuses, Digital Link and timeline; recording events.
import assert from 'node:assert/strict';
import {
  area, gql, openAs, release, REQUEST_WITH_SERIALS, RUN, screenshot, seedPackEvents, seedProduct, seedTenant, serialOf, signAs,
  serialsOf, step,
} from '../harness.mjs';

/** An SNM product with five serials requested, the first of them commissioned on a line. */
async function seed() {
  const mah = seedTenant('E2E Pack history');
  const product = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 15, assigned: 5 });
  const packed = product.handedOut[0];
  await seedPackEvents(mah.keys.operator, [{ productCode: product.code, serial: packed, event: 'COMMISSION', lot: 'E2E-FIXTURE', expiry: '2029-12-31' }]);
  return { mah, code: product.code, packed };
}

export default () =>
  area('pack-history', seed, (fixture) => {
    step('Pack history: a known serial shows its pool and pack status, Digital Link and timeline', async () => {
      const { mah, code, packed: value } = fixture;
      const assigned = await serialsOf(mah.keys.admin, code, 'ASSIGNED');
      assert.equal(assigned.edges.length, 5, 'the product has the five assigned serials of the fixture');
      assert.ok(assigned.edges.some((e) => e.node.value === value), 'the commissioned one among them');
      const expected = await serialOf(mah.keys.admin, code, value);
      assert.deepEqual(expected.history.map((e) => e.event), ['COMMISSION'], 'the commissioning of the fixture');
      const p = await openAs(mah.keys.viewer);
      try {
        await p.getByRole('tab', { name: 'Pack history' }).click();
        await p.waitForURL('**/pool/pack-history');
        assert.equal(await p.getByRole('tab', { name: 'Pack history' }).getAttribute('aria-selected'), 'true');
        await p.getByLabel('Product code').fill(code);
        await p.getByLabel('Serial number').fill(value);
        await p.getByRole('button', { name: 'Look up' }).click();
        const card = p.getByTestId('serial-history');
        await card.waitFor();
        assert.match(p.url(), new RegExp(`product=${code}&serial=${encodeURIComponent(value)}`));
        assert.equal((await card.getByRole('heading', { level: 2 }).textContent()).trim(), `Serial ${value}`);
        assert.equal((await card.getByTestId('pool-status').textContent()).trim().toUpperCase(), expected.status);
        assert.equal(await card.locator('[data-testid=pack-status] .pack-badge').getAttribute('data-status'), expected.packStatus);
        assert.equal(await card.getByTestId('digital-link').locator('a').getAttribute('href'), expected.digitalLink);
        const events = card.locator('ol.timeline > li');
        assert.equal(await events.count(), expected.history.length);
        assert.deepEqual(
          await events.evaluateAll((li) => li.map((x) => x.dataset.event)),
          expected.history.map((e) => e.event),
        );
        assert.equal(await events.first().locator('.timeline-actor').getAttribute('title'), expected.history[0].actor);
        assert.doesNotMatch(await events.first().locator('.timeline-actor').textContent(), /key:\d/);
        // A viewer reads only: no form to record events.
        assert.equal(await p.getByRole('button', { name: /^Record/ }).count(), 0);
        await screenshot(p, 'pack-history-lookup', { fullPage: true });

        // A serial nobody can see.
        await p.getByLabel('Serial number').fill('NO-SUCH-SERIAL');
        await p.getByRole('button', { name: 'Look up' }).click();
        const missing = p.getByTestId('serial-not-found');
        await missing.waitFor();
        assert.match(await missing.textContent(), /No serial NO-SUCH-SERIAL of product \d+ is\s+visible to you/);
        await screenshot(p, 'pack-history-not-found');
        // Back goes to the previous lookup.
        await p.goBack();
        await card.waitFor();
      } finally {
        release(p);
      }
    });


    step('Pack history: record COMMISSION, then DECOMMISSION (SAMPLED); the timeline shows both', async () => {
      // A serial of a new request: Assigned, with no pack event yet.
      const { mah, code } = fixture;
      const { requestSerials } = await gql(mah.keys.operator, REQUEST_WITH_SERIALS, {
        input: { productCode: code, count: 10, orderRef: `E2E-PACK-${RUN}` },
      });
      const value = requestSerials.serials.edges[7].node.value;
      assert.equal((await serialOf(mah.keys.operator, code, value)).packStatus, 'ACTIVE');
      const op = await openAs(mah.keys.operator);
      await op.goto(`/pool/pack-history?product=${code}&serial=${encodeURIComponent(value)}`);
      const card = op.getByTestId('serial-history');
      await card.waitFor();
      assert.equal(await card.locator('[data-testid=pack-status] .pack-badge').getAttribute('data-status'), 'ACTIVE');
      assert.equal(await card.locator('ol.timeline > li').count(), 0);
      assert.ok(await card.getByText('No pack events yet').isVisible());
      // The next event that applies is preselected; the others cannot be chosen.
      assert.equal(await card.getByRole('radio', { name: /^Commission/ }).isChecked(), true);
      assert.equal(await card.getByRole('radio', { name: /^Decommission/ }).isDisabled(), true);
      // A commissioning records lot and expiry.
      await card.getByLabel(/^Lot/).fill('E2E-LOT/7');
      await card.getByLabel('Expiry').fill('2028-02-29');
      await card.getByRole('button', { name: 'Record commission' }).click();
      await card.locator('ol.timeline > li[data-event=COMMISSION]').waitFor();
      const first = card.locator('ol.timeline > li[data-event=COMMISSION]');
      assert.equal((await first.locator('.timeline-lot').textContent()).trim(), 'E2E-LOT/7');
      assert.equal((await first.locator('.timeline-expiry').textContent()).trim(), '2028-02-29');
      assert.match((await first.locator('.timeline-zone').textContent()).trim(), /^UTC[+-]\d\d:\d\d$/);
      await card.locator('[data-testid=pack-status] .pack-badge[data-status=COMMISSIONED]').waitFor();
      await card.getByTestId('action-success').filter({ hasText: 'Recorded: Commission' }).waitFor();
      await screenshot(op, 'pack-commissioned', { fullPage: true });

      await card.getByRole('radio', { name: /^Decommission/ }).check();
      // A reason is required.
      await card.getByRole('button', { name: 'Record decommission' }).click();
      assert.equal(await card.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
      await card.getByLabel('Reason').selectOption('SAMPLED');
      await card.getByRole('button', { name: 'Record decommission' }).click();
      await card.locator('ol.timeline > li[data-event=DECOMMISSION]').waitFor();
      const badge = card.locator('[data-testid=pack-status] .pack-badge');
      await badge.and(op.locator('[data-status=DECOMMISSIONED]')).waitFor();
      assert.equal((await badge.textContent()).trim(), 'Decommissioned · Sampled');
      const expected = await serialOf(mah.keys.operator, code, value);
      assert.equal(expected.packStatus, 'DECOMMISSIONED');
      assert.equal(expected.decommissionReason, 'SAMPLED');
      assert.equal(expected.status, 'ASSIGNED', 'a decommissioned pack stays Assigned');
      const items = card.locator('ol.timeline > li');
      assert.deepEqual(await items.evaluateAll((li) => li.map((x) => `${x.dataset.event}:${x.dataset.status}`)), [
        'COMMISSION:COMMISSIONED',
        'DECOMMISSION:DECOMMISSIONED',
      ]);
      assert.match(await items.nth(1).textContent(), /reason Sampled/);
      assert.equal(await items.nth(1).locator('.timeline-actor').getAttribute('title'), expected.history[1].actor);
      assert.doesNotMatch(await items.nth(1).locator('.timeline-actor').textContent(), /key:\d/);
      await screenshot(op, 'pack-decommissioned', { fullPage: true });

      // Commission no longer applies and cannot be chosen; a time in the future is
      // refused by the server, which names its rule.
      assert.equal(await card.getByRole('radio', { name: /^Commission/ }).isDisabled(), true);
      assert.equal(await card.getByRole('radio', { name: /^Reactivate/ }).isChecked(), true);
      await card.getByLabel(/Happened at/).fill('2030-01-01T08:30:00');
      await card.getByRole('button', { name: 'Record reactivation' }).click();
      const refusal = card.getByTestId('action-error');
      await refusal.waitFor();
      assert.match(await refusal.textContent(), /event_in_future|in the future/);
      assert.equal(await items.count(), 2, 'nothing was recorded');
      await refusal.scrollIntoViewIfNeeded();
      await screenshot(op, 'pack-refused');

      // Undone (same key, within 10 days), then destroyed: nothing more can be recorded.
      await card.getByLabel(/Happened at/).fill('');
      await card.getByRole('button', { name: 'Record reactivation' }).click();
      await card.locator('ol.timeline > li[data-event=REACTIVATE]').waitFor();
      await card.getByLabel('Reason').selectOption('DESTROYED');
      await signAs(card, mah.keys.operator); // final: signed
      await card.getByRole('button', { name: 'Record decommission' }).click();
      await card.getByTestId('pack-event-final').waitFor();
      assert.equal(await card.getByRole('radio').count(), 0, 'no event is offered after a destruction');
      assert.equal(await card.getByRole('button', { name: /^Record/ }).count(), 0);
    });
  });
