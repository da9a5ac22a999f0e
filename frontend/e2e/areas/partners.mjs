// Partners: the MAH assigns serials to its CMO and exports them; the CMO sees its MAH;
// a partnership by invitation code, and a revoked invitation.
import assert from 'node:assert/strict';
import {
  area, csvLines, download, fmt, gql, INVITATIONS, openAs, PARTNERS, POOL, products, release, screenshot,
  seedPartnership, seedProduct, seedTenant, step,
} from '../harness.mjs';

/** An MAH in partnership with a CMO, which it assigned serials of two of its three products. */
async function seed() {
  const mah = seedTenant('E2E Partners MAH');
  const cmo = seedTenant('E2E Partners CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 50 });
  const ibu = await seedProduct(mah, { name: 'Ibuprofen 400 mg tablets', source: 'SAP_ATTP', available: 10 });
  await seedProduct(mah, { name: 'Paracetamol 500 mg tablets', schema: 'NTIN', source: 'SAP_ICH', available: 10 });
  await seedPartnership(mah, cmo, { [amox.code]: 10, [ibu.code]: 4 });
  return { mah, cmo, amox: amox.code, cmoAmoxPool: { available: 10, assigned: 0, total: 10 }, assignedToCmo: [amox.code, ibu.code] };
}

async function enterInvitation(p, code, shot) {
  await p.getByRole('button', { name: 'Add a CMO partner' }).click();
  const add = p.locator('#add-partner');
  await add.getByLabel('Invitation code').fill(code);
  if (shot) await screenshot(p, shot);
  await add.getByRole('button', { name: 'Add partner' }).click();
}

/** The code entered was refused as unknown: NOT_FOUND, whatever made it so. */
async function invitationRefused(p, shot) {
  const refusal = p.locator('#add-partner').getByTestId('action-error');
  await refusal.waitFor();
  assert.match(await refusal.getByRole('alert').textContent(), /^The partnership was not created.*no such invitation/s);
  await screenshot(p, shot);
}

export default () =>
  area('partners', seed, (fixture) => {
    step('MAH Partners view: assign serials to the CMO and export what was assigned as CSV', async () => {
      const { partners } = await gql(fixture.mah.keys.operator, PARTNERS);
      const cmo = partners.find((x) => x.role === 'CMO');
      assert.equal(cmo?.tenant.id, fixture.cmo.id, 'the MAH’s CMO partner is the fixture’s');
      const op = await openAs(fixture.mah.keys.operator);
      await op.getByRole('link', { name: 'Partners' }).click();
      await op.waitForURL('**/partners');
      assert.equal(await op.getByRole('link', { name: 'Partners' }).getAttribute('aria-current'), 'page');
      const card = op.locator(`article.partner-card[data-tenant="${cmo.tenant.id}"]`);
      await card.waitFor();
      assert.equal((await card.getByRole('heading', { level: 3 }).textContent()).trim(), cmo.tenant.name);
      await screenshot(op, 'partners-mah');

      const cmoBefore = (await gql(fixture.cmo.keys.admin, POOL, { code: fixture.amox })).product.pool;
      assert.deepEqual(cmoBefore, fixture.cmoAmoxPool, 'what the fixture assigned to the CMO');
      const n = 30;
      const product = card.getByLabel('Product', { exact: true });
      await product.waitFor();
      await op.waitForFunction((el) => el.options.length > 1, await product.elementHandle());
      await product.selectOption(fixture.amox);
      await card.getByLabel('Number of serials').fill(String(n));
      await card.getByRole('button', { name: `Assign to ${cmo.tenant.name}` }).click();
      const result = card.getByTestId('request-result');
      await result.waitFor();
      assert.match(await result.locator('[role=status]').textContent(), new RegExp(`${n} serials assigned to ${cmo.tenant.name}`));
      const cmoAfter = (await gql(fixture.cmo.keys.admin, POOL, { code: fixture.amox })).product.pool;
      assert.equal(cmoAfter.available, cmoBefore.available + n, 'the serials arrive Available in the CMO’s pool');
      await screenshot(op, 'partners-assigned');

      // Export: everything assigned to the CMO of this product = the CMO's pool of it.
      await card.getByLabel('Products to export').selectOption(fixture.amox);
      const csv = await download(op, card.getByRole('link', { name: 'Export CSV' }));
      const lines = csvLines(csv.text);
      assert.match(lines[0], /serial/i, 'a header line');
      assert.equal(lines.length - 1, cmoAfter.total, `${csv.name}: one line per serial assigned to the CMO`);
      assert.ok(lines.slice(1).every((l) => l.includes(fixture.amox)), 'only the chosen product');
      await card.getByText(`(${fmt(cmoAfter.total)} rows)`).waitFor();
      await screenshot(op, 'partners-exported');
    });

    step('CMO Partners view shows its MAH and only the products assigned to it', async () => {
      const { partners } = await gql(fixture.cmo.keys.admin, PARTNERS);
      const mah = partners.find((x) => x.role === 'MAH');
      assert.ok(mah, 'the CMO has an MAH partner');
      assert.equal(mah.tenant.name, fixture.mah.name);
      const cmoProducts = await products(fixture.cmo.keys.admin);
      assert.deepEqual(cmoProducts.edges.map((e) => e.node.code).sort(), [...fixture.assignedToCmo].sort(), 'the products assigned to it');
      const p = await openAs(fixture.cmo.keys.admin);
      try {
        await p.getByRole('link', { name: 'Partners' }).click();
        const card = p.locator(`article.partner-card[data-role=MAH]`);
        await card.waitFor();
        assert.equal((await card.getByRole('heading', { level: 3 }).textContent()).trim(), fixture.mah.name);
        assert.match(await card.textContent(), /Marketing authorization holder/);
        const rows = card.locator('tbody tr');
        await rows.first().waitFor();
        assert.deepEqual(
          (await rows.evaluateAll((r) => r.map((x) => x.dataset.code))).sort(),
          cmoProducts.edges.map((e) => e.node.code).sort(),
        );
        // A CMO assigns nothing on: no CMO section, no assign form.
        assert.equal(await p.getByRole('heading', { name: 'Contract manufacturers' }).count(), 0);
        await screenshot(p, 'partners-cmo');
      } finally {
        release(p);
      }
    });


    step('a partnership by invitation: the CMO admin creates a code, the MAH admin enters it once', async () => {
      const { viewer } = await gql(fixture.cmo.keys.admin, '{ viewer { tenant { id name } } }');
      const cmo = viewer.tenant;
      const before = (await gql(fixture.mah.keys.admin, PARTNERS)).partners.filter((x) => x.tenant.id === cmo.id);
      assert.deepEqual(before.map((x) => x.role), ['CMO'], 'the MAH already has this CMO (the fixture’s partnership): accepting again is idempotent');

      // The CMO's admin creates the code in the page and reads it from there (shown only once).
      const c = await openAs(fixture.cmo.keys.admin, { viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
      release(c);
      await c.getByRole('link', { name: 'Partners' }).click();
      await c.waitForURL('**/partners');
      await c.locator('article.partner-card[data-role=MAH]').waitFor();
      // It only receives (no products of its own, no CMOs): it may invite, not add a CMO.
      assert.equal(await c.getByRole('button', { name: 'Add a CMO partner' }).count(), 0);
      const invite = c.getByRole('button', { name: 'Invite an MAH' });
      await invite.click();
      const form = c.locator('#invite-mah');
      await form.getByRole('button', { name: 'Create invitation code' }).click();
      const field = form.getByLabel('Invitation code');
      await field.waitFor();
      const code = await field.inputValue();
      assert.match(code, /^spi_[A-Za-z0-9_-]{43}$/);
      assert.equal(await field.evaluate((el) => el.readOnly), true);
      assert.match(await form.getByTestId('action-success').textContent(), /shown only now and works once/);
      const expiry = form.locator('.field-hint time');
      const days = (Date.parse(await expiry.getAttribute('datetime')) - Date.now()) / 86_400_000;
      assert.ok(days > 6.9 && days < 7.01, `the code is valid for 7 days (${days})`);
      assert.match(await expiry.textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\S*$/);
      await form.getByRole('button', { name: 'Copy' }).click();
      await form.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await c.evaluate(() => navigator.clipboard.readText()), code);
      await screenshot(c, 'partners-invitation-created');
      await form.getByRole('button', { name: 'Done' }).click();
      assert.equal(await c.getByText(code).count(), 0, 'the code is not shown again');
      assert.equal(await c.locator(`input[value="${code}"]`).count(), 0);

      // The MAH's admin enters it: the CMO is (still) its partner.
      const p = await openAs(fixture.mah.keys.admin);
      release(p);
      await p.getByRole('link', { name: 'Partners' }).click();
      await p.waitForURL('**/partners');
      await enterInvitation(p, code, 'partners-invitation-entered');
      const success = p.getByTestId('action-success');
      await success.waitFor();
      assert.equal((await success.textContent()).trim(), `${cmo.name} is now your partner (contract manufacturer).`);
      const cards = p.locator(`article.partner-card[data-tenant="${cmo.id}"]`);
      await cards.first().waitFor();
      assert.equal(await cards.count(), 1);
      assert.equal((await cards.getByRole('heading', { level: 3 }).textContent()).trim(), cmo.name);
      assert.equal(await cards.getAttribute('data-role'), 'CMO');
      assert.deepEqual((await gql(fixture.mah.keys.admin, PARTNERS)).partners.filter((x) => x.tenant.id === cmo.id), before);
      await screenshot(p, 'partners-invitation-accepted');

      // The same code again: it was used, so it is unknown.
      await enterInvitation(p, code);
      await invitationRefused(p, 'partners-invitation-used');
    });

    step('the CMO admin sees its open invitation and revokes it; the MAH admin then cannot use its code', async () => {
      const open = async () => (await gql(fixture.cmo.keys.admin, INVITATIONS)).partnerInvitations;
      const before = await open();

      const c = await openAs(fixture.cmo.keys.admin);
      release(c);
      await c.getByRole('link', { name: 'Partners' }).click();
      await c.waitForURL('**/partners');
      await c.locator('article.partner-card[data-role=MAH]').waitFor();
      await c.getByRole('button', { name: 'Invite an MAH' }).click();
      const form = c.locator('#invite-mah');
      await form.getByRole('button', { name: 'Create invitation code' }).click();
      const field = form.getByLabel('Invitation code');
      await field.waitFor();
      const code = await field.inputValue();
      const validUntil = await form.locator('.field-hint time').textContent();
      const after = await open();
      assert.equal(after.length, before.length + 1, 'one more open invitation');
      const created = after[0]; // newest first
      assert.ok(!before.some((x) => x.id === created.id));

      // The list was asked again after the creation: the new invitation is in it, without its code.
      const section = c.getByTestId('open-invitations');
      const row = section.locator(`tbody tr[data-id="${created.id}"]`);
      await row.waitFor();
      assert.equal(await section.locator('tbody tr').count(), after.length);
      const [createdText, untilText] = (await row.locator('th, td').allTextContents()).map((t) => t.trim());
      assert.match(createdText, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\S*$/);
      assert.equal(untilText, validUntil, 'valid until, as shown when it was created');
      const times = await row.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
      assert.deepEqual(times.map(Date.parse), [Date.parse(created.createdAt), Date.parse(created.expiresAt)]);
      await form.getByRole('button', { name: 'Done' }).click();
      assert.equal(await c.getByText(code).count(), 0, 'the code is not shown in the list');
      await section.scrollIntoViewIfNeeded();
      await screenshot(c, 'partners-invitations-open');

      // Revoke asks first; No keeps it.
      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByText('Revoke?').waitFor();
      await row.getByRole('button', { name: 'No' }).click();
      await row.getByRole('button', { name: 'Revoke' }).waitFor();
      assert.ok((await open()).some((x) => x.id === created.id), 'No revoked nothing');
      await row.getByRole('button', { name: 'Revoke' }).click();
      await screenshot(c, 'partners-invitation-revoke-confirm');
      await row.getByRole('button', { name: 'Yes' }).click();
      await row.waitFor({ state: 'detached' });
      if (!before.length) await section.waitFor({ state: 'detached' }); // none left: no section
      assert.equal(await c.getByTestId('action-error').count(), 0);
      assert.ok(!(await open()).some((x) => x.id === created.id), 'the invitation is no longer open');
      await screenshot(c, 'partners-invitation-revoked');

      // Its code no longer works.
      const p = await openAs(fixture.mah.keys.admin);
      release(p);
      await p.getByRole('link', { name: 'Partners' }).click();
      await p.waitForURL('**/partners');
      await enterInvitation(p, code);
      await invitationRefused(p, 'partners-invitation-revoked-refused');
    });
  });
