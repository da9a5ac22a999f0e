// The audit trail of an MAH's admin: filtered by person (chosen from the tenant's people and
// service accounts, or typed) and by part of a product code; details name what their ids
// refer to (the partner tenant), on a desktop and a phone.
import assert from 'node:assert/strict';
import { area, gql, newPage, openAs, release, screenshot, seedPartnership, seedProduct, seedTenant, showing, signIn, step } from '../harness.mjs';

const AUDIT = `query E2EAudit($filter: AuditFilter) { auditLog(filter: $filter, first: 100) { edges { node { id action actor } } } }`;
const auditOf = async (key, filter) => (await gql(key, AUDIT, { filter })).auditLog.edges.map((e) => e.node);

async function seed() {
  const mah = seedTenant('E2E Audit MAH');
  const cmo = seedTenant('E2E Audit CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 20, assigned: 2 });
  const ibu = await seedProduct(mah, { name: 'Ibuprofen 400 mg tablets', available: 5 });
  await seedPartnership(mah, cmo, { [amox.code]: 4 });
  return { mah, cmo, amox, ibu };
}

/** The ids of the rows the page shows, once it shows `n` of them. */
async function rowIds(p, n) {
  await p.waitForFunction((k) => document.querySelectorAll('tbody tr[data-id]').length === k && !document.querySelector('[aria-busy=true]'), n);
  return p.locator('tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.dataset.id));
}

export default () =>
  area('admin-audit', seed, (fixture) => {
    step('the admin filters the trail by a service account chosen from the list, then by part of a product code', async () => {
      const { mah, amox } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.goto('/audit');
        const person = p.getByLabel('Person', { exact: true });
        await person.waitFor();
        // The choices: the tenant's people and its keys' service accounts.
        await p.waitForFunction(() => document.querySelectorAll('#audit-actor-choices option').length >= 6);
        const choices = await p.locator('#audit-actor-choices option').evaluateAll((o) => o.map((x) => x.getAttribute('value')));
        for (const who of ['E2E operator', `${mah.people.admin.name} <${mah.people.admin.email}>`]) assert.ok(choices.includes(who), `${who} is offered: ${choices}`);
        await person.fill('E2E operator');
        const operator = await auditOf(mah.keys.admin, { actor: 'E2E operator' });
        assert.ok(operator.length >= 2, 'the operator generated and requested');
        assert.deepEqual(await rowIds(p, operator.length), operator.map((e) => e.id));
        assert.match(new URL(p.url()).search, /actor=E2E\+operator/);
        for (const actor of await p.locator('tbody td.audit-actor').allTextContents()) assert.match(actor, /E2E operator/);

        // Part of the code, as the product search matches: only the amoxicillin's entries.
        const part = amox.code.slice(8); // the end of the code: its counter and check digit
        await p.getByLabel('Product code', { exact: true }).fill(part);
        const both = await auditOf(mah.keys.admin, { actor: 'E2E operator', productCode: part });
        assert.ok(both.length >= 2, 'generate and request of the amoxicillin');
        assert.deepEqual(await rowIds(p, both.length), both.map((e) => e.id));
        for (const code of await p.locator('tbody td.col-audit a.mono').allTextContents()) assert.equal(code, amox.code);
        await screenshot(p, 'audit-person-product');
      } finally {
        release(p);
      }
    });

    step('details name the partner tenant, not its id; the filters fit a phone', async () => {
      const { mah, cmo } = fixture;
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
      try {
        await signIn(p, mah.keys.admin);
        await p.getByTestId('tenant-name').waitFor();
        await p.goto('/audit?action=serials.assign_partner');
        const row = p.locator('tbody tr[data-action="serials.assign_partner"]').first();
        await row.waitFor();
        const partner = row.locator('.audit-inline li[data-key=partner]');
        assert.equal(await partner.textContent(), `partner: ${cmo.name}`);
        assert.ok(await partner.isVisible(), 'the phone shows the details under the action');
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scrolling');
        await screenshot(p, 'audit-phone');
        await p.goto('/audit?action=partnership.create');
        const created = p.locator('tbody tr[data-action="partnership.create"] .audit-inline li[data-key=cmo]');
        assert.equal(await created.textContent(), `cmo: ${cmo.name}`);
      } finally {
        release(p);
      }
    });
  });
