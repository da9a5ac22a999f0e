// The Pack history tab: a serial's statuses, Digital Link and timeline; recording events.
import assert from 'node:assert/strict';
import {
  AMOX, area, gql, KEYS, OPERATOR, openAs, release, REQUEST_WITH_SERIALS, RUN, screenshot, serialOf, serialsOf,
  step,
} from '../harness.mjs';

export default () =>
  area('pack-history', () => {
    step('Pack history: a known serial shows its pool and pack status, Digital Link and timeline', async () => {
      // A serial the API knows, with pack events when the demo data has such one.
      const assigned = await serialsOf(KEYS.mah_admin, AMOX, 'ASSIGNED');
      assert.ok(assigned.edges.length > 0, 'the SNM demo product has assigned serials');
      let value = assigned.edges[0].node.value;
      for (const { node } of assigned.edges.slice(0, 20)) {
        if ((await serialOf(KEYS.mah_admin, AMOX, node.value)).history.length > 0) {
          value = node.value;
          break;
        }
      }
      const expected = await serialOf(KEYS.mah_admin, AMOX, value);
      const p = await openAs(KEYS.mah_viewer || KEYS.mah_admin);
      try {
        await p.getByRole('tab', { name: 'Pack history' }).click();
        await p.waitForURL('**/pool/pack-history');
        assert.equal(await p.getByRole('tab', { name: 'Pack history' }).getAttribute('aria-selected'), 'true');
        await p.getByLabel('Product code').fill(AMOX);
        await p.getByLabel('Serial number').fill(value);
        await p.getByRole('button', { name: 'Look up' }).click();
        const card = p.getByTestId('serial-history');
        await card.waitFor();
        assert.match(p.url(), new RegExp(`product=${AMOX}&serial=${encodeURIComponent(value)}`));
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
        if (expected.history.length === 0) assert.ok(await card.getByText('No pack events yet').isVisible());
        else assert.equal((await events.first().locator('.timeline-actor').textContent()).trim(), expected.history[0].actor);
        // A viewer reads only: no form to record events.
        if (KEYS.mah_viewer) assert.equal(await p.getByRole('button', { name: /^Record/ }).count(), 0);
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
      const { requestSerials } = await gql(OPERATOR(), REQUEST_WITH_SERIALS, {
        input: { productCode: AMOX, count: 10, orderRef: `E2E-PACK-${RUN}` },
      });
      const value = requestSerials.serials.edges[7].node.value;
      assert.equal((await serialOf(OPERATOR(), AMOX, value)).packStatus, 'ACTIVE');
      const op = await openAs(OPERATOR());
      await op.goto(`/pool/pack-history?product=${AMOX}&serial=${encodeURIComponent(value)}`);
      const card = op.getByTestId('serial-history');
      await card.waitFor();
      assert.equal(await card.locator('[data-testid=pack-status] .pack-badge').getAttribute('data-status'), 'ACTIVE');
      assert.equal(await card.locator('ol.timeline > li').count(), 0);
      // The next event that applies is preselected.
      assert.equal(await card.getByRole('radio', { name: /^Commission/ }).isChecked(), true);
      await card.getByRole('button', { name: 'Record commission' }).click();
      await card.locator('ol.timeline > li[data-event=COMMISSION]').waitFor();
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
      const expected = await serialOf(OPERATOR(), AMOX, value);
      assert.equal(expected.packStatus, 'DECOMMISSIONED');
      assert.equal(expected.decommissionReason, 'SAMPLED');
      assert.equal(expected.status, 'ASSIGNED', 'a decommissioned pack stays Assigned');
      const items = card.locator('ol.timeline > li');
      assert.deepEqual(await items.evaluateAll((li) => li.map((x) => `${x.dataset.event}:${x.dataset.status}`)), [
        'COMMISSION:COMMISSIONED',
        'DECOMMISSION:DECOMMISSIONED',
      ]);
      assert.match(await items.nth(1).textContent(), /reason Sampled/);
      assert.equal((await items.nth(1).locator('.timeline-actor').textContent()).trim(), expected.history[1].actor);
      await screenshot(op, 'pack-decommissioned', { fullPage: true });

      // The server refuses an illegal transition and the page names its rule.
      await card.getByRole('radio', { name: /^Commission/ }).check();
      await card.getByRole('button', { name: 'Record commission' }).click();
      const refusal = card.getByTestId('action-error');
      await refusal.waitFor();
      assert.match(await refusal.getByRole('alert').textContent(), /COMMISSION needs an ACTIVE pack/);
      assert.equal(await items.count(), 2, 'nothing was recorded');
      await refusal.scrollIntoViewIfNeeded();
      await screenshot(op, 'pack-refused');
    });
  });
