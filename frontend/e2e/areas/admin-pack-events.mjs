// Pack events: the MAH's recent events newest event time first (filtered by event), the
// lookup box taking an element string (with and without parentheses), a Digital Link, an
// EPC URN and a code with a serial, each opening the pack's history (lot, expiry, zone);
// the CMO sees only the events of the serials assigned to it. Desktop and phone.
import assert from 'node:assert/strict';
import {
  area, gql, newPage, openAs, release, REQUEST_WITH_SERIALS, RUN, screenshot, seedPackEvents, seedPartnership, seedProduct, seedTenant, showing,
  signIn, step,
} from '../harness.mjs';

const LIST = `query E2EPackEvents($f: PackEventFilter) { packEvents(filter: $f, first: 50) { edges { node { productCode serial event { event at } } } } }`;
const listOf = async (key, f = null) => (await gql(key, LIST, { f })).packEvents.edges.map((e) => e.node);

async function seed() {
  const mah = seedTenant('E2E Pack MAH');
  const cmo = seedTenant('E2E Pack CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 10, assigned: 3 });
  await seedPartnership(mah, cmo, { [amox.code]: 4 });
  const { requestSerials } = await gql(cmo.keys.operator, REQUEST_WITH_SERIALS, { input: { productCode: amox.code, count: 1, orderRef: `E2E-CMO-${RUN}` } });
  const cmoSerial = requestSerials.serials.edges[0].node.value;
  const seeded = Date.now();
  await new Promise((r) => setTimeout(r, 1500)); // the events lie after the serials arrived, not in the future
  const [older, newer] = amox.handedOut;
  const at = (ms) => new Date(seeded + ms).toISOString();
  // Recorded newest first, so that the list's order is the event time's, not the recording's.
  await seedPackEvents(mah.keys.operator, [
    { productCode: amox.code, serial: newer, event: 'COMMISSION', at: at(1000), lot: 'LOT-N', expiry: '271231', timeZoneOffset: '+02:00' },
  ]);
  await seedPackEvents(mah.keys.operator, [
    { productCode: amox.code, serial: older, event: 'COMMISSION', at: at(200), lot: 'LOT-O', expiry: '280630', timeZoneOffset: '-05:00' },
  ]);
  await seedPackEvents(cmo.keys.operator, [{ productCode: amox.code, serial: cmoSerial, event: 'COMMISSION', lot: 'LOT-C', expiry: '270101' }]);
  return { mah, cmo, amox, older, newer, cmoSerial };
}

/** The serials of the rows shown, once there are n and nothing loads. */
async function rowSerials(p, n) {
  await p.waitForFunction((k) => document.querySelectorAll('tbody tr[data-serial]').length === k && !document.querySelector('[aria-busy=true]'), n);
  return p.locator('tbody tr[data-serial]').evaluateAll((rows) => rows.map((r) => r.dataset.serial));
}

export default () =>
  area('admin-pack-events', seed, (fixture) => {
    step('the MAH lists its pack events newest event time first, filters by event, and finds a pack by each printed form', async () => {
      const { mah, amox, older, newer, cmoSerial } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.getByRole('link', { name: 'Pack events', exact: true }).click();
        await p.getByRole('heading', { name: 'Pack events' }).waitFor();
        const all = await listOf(mah.keys.admin);
        assert.deepEqual(all.map((e) => e.serial).slice(0, 3), [cmoSerial, newer, older], 'newest event time first (the CMO commissioned last)');
        assert.deepEqual(await rowSerials(p, all.length), all.map((e) => e.serial));
        const row = p.locator(`tbody tr[data-serial="${newer}"]`);
        assert.equal(await row.locator('td.col-audit').nth(2).textContent(), 'Lot LOT-N · Expiry 2027-12-31');
        assert.equal(await row.locator('.pack-event-zone').textContent(), 'on the line UTC+02:00');
        await screenshot(p, 'pack-events');

        await p.getByLabel('Event', { exact: true }).selectOption('PACK');
        await p.getByText('No pack events match these filters.').waitFor();
        await p.getByLabel('Event', { exact: true }).selectOption('COMMISSION');
        assert.deepEqual(await rowSerials(p, all.length), all.map((e) => e.serial));

        const cp = amox.code.slice(1, 8);
        for (const identifier of [
          `(01)${amox.code}(21)${older}`,
          `01${amox.code}21${older}`,
          `https://id.gs1.org/01/${amox.code}/21/${encodeURIComponent(older)}`,
          `urn:epc:id:sgtin:${cp}.${amox.code[0]}${amox.code.slice(8, 13)}.${encodeURIComponent(older)}`,
          `${amox.code} ${older}`,
        ]) {
          await p.goto('/pack-events');
          await p.getByLabel('Find a pack', { exact: true }).fill(identifier);
          await p.getByRole('button', { name: 'Look up', exact: true }).click();
          const history = p.getByTestId('serial-history');
          await history.waitFor();
          assert.equal(new URL(p.url()).pathname, '/pool/pack-history', identifier);
          assert.equal(await history.locator('#serial-title .mono').textContent(), older, identifier);
          assert.equal(await history.locator('.timeline-lot').textContent(), 'LOT-O');
          assert.equal(await history.locator('.timeline-expiry').textContent(), '2028-06-30');
          assert.equal(await history.locator('.timeline-zone').textContent(), 'UTC-05:00');
        }
        await screenshot(p, 'pack-lookup-history');
        await p.goto('/pack-events');
        const wrongCheck = (Number(amox.code.at(-1)) + 1) % 10; // never the right one
        await p.getByLabel('Find a pack', { exact: true }).fill(`(01)${amox.code.slice(0, 13)}${wrongCheck}(21)X`);
        await p.getByRole('button', { name: 'Look up', exact: true }).click();
        assert.match(await p.locator('#pack-identifier-error').textContent(), /check digit/);
        await screenshot(p, 'pack-lookup-refused');
      } finally {
        release(p);
      }
    });

    step('the CMO sees only what happened to the serials assigned to it, on a phone', async () => {
      const { cmo, cmoSerial } = fixture;
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
      try {
        await signIn(p, cmo.keys.admin);
        await p.getByTestId('tenant-name').waitFor();
        await p.goto('/pack-events');
        assert.deepEqual(await rowSerials(p, 1), [cmoSerial]);
        assert.ok(await p.locator(`tbody tr[data-serial="${cmoSerial}"] .audit-inline`).isVisible(), 'the facts under the event on a phone');
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scrolling');
        await screenshot(p, 'pack-events-phone', { fullPage: true });
      } finally {
        release(p);
      }
    });
  });
