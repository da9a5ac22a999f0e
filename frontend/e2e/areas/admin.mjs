// Administration by an MAH's admin: a product registered with its code checked as it is
// typed, a channel created, its key rotated and the channel revoked (keys shown once), an
// API key revoked with a signature, and the partnership with its CMO ended from the
// partner card (reason, signature, confirmation). Desktop and phone; hidden for others.
import assert from 'node:assert/strict';
import { area, gql, newPage, openAs, release, RUN, screenshot, seedPartnership, seedProduct, seedTenant, showing, signAs, signIn, step } from '../harness.mjs';

async function seed() {
  const mah = seedTenant('E2E Admin MAH');
  const cmo = seedTenant('E2E Admin CMO');
  const amox = await seedProduct(mah, { name: 'Amoxicillin 500 mg capsules', available: 10 });
  await seedPartnership(mah, cmo, { [amox.code]: 3 });
  // A GTIN-13 of this run, and its check digit (the form checks it as it is typed).
  const body = `40${String(Date.now()).slice(-10)}`;
  const check = String((10 - ([...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 ? 1 : 3), 0) % 10)) % 10);
  return { mah, cmo, gtin13: body + check, wrong: body + String((Number(check) + 1) % 10) };
}

export default () =>
  area('admin', seed, (fixture) => {
    step('the admin registers a product, the code checked as typed', async () => {
      const { mah, gtin13, wrong } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.getByRole('link', { name: 'Administration', exact: true }).click();
        await p.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
        const code = p.getByLabel('Product code', { exact: true });
        await code.fill(wrong);
        assert.match(await p.locator('#admin-product-code-error').textContent(), /^The check digit should be \d, not \d\.$/);
        await code.fill(gtin13);
        assert.equal(await p.locator('#admin-product-code-hint').textContent(), 'The check digits are right.');
        await p.getByLabel('Name', { exact: true }).fill(`Ibuprofen 400 mg ${RUN}`);
        await p.getByLabel('Serials come from', { exact: true }).selectOption('SAP_ATTP');
        await p.getByRole('button', { name: 'Register', exact: true }).click();
        const gtin14 = `0${gtin13}`;
        await p.getByTestId('admin-message').getByText(`(${gtin14}) registered.`).waitFor();
        const { product } = await gql(mah.keys.viewer, `query($c: String!) { product(code: $c) { name source } }`, { c: gtin14 });
        assert.deepEqual(product, { name: `Ibuprofen 400 mg ${RUN}`, source: 'SAP_ATTP' });
        await screenshot(p, 'admin-product');
      } finally {
        release(p);
      }
    });

    step('channels: created with its key shown once, the key rotated, the channel revoked after a confirmation', async () => {
      const { mah } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.goto('/admin');
        await p.getByLabel('Channel name', { exact: true }).fill(`Line 3 ${RUN}`);
        await p.getByLabel('Source', { exact: true }).selectOption('TRACELINK');
        await p.getByRole('button', { name: 'Register channel' }).click();
        const first = await p.getByTestId('admin-secret').textContent();
        assert.ok(first.length > 20, 'a channel key');
        const row = p.locator(`[data-testid=channels] tr[data-channel="Line 3 ${RUN}"]`);
        await row.waitFor();
        await row.getByRole('button', { name: 'Rotate key' }).click();
        await p.getByTestId('admin-message').getByText('has a new key').waitFor();
        const second = await p.getByTestId('admin-secret').textContent();
        assert.notEqual(second, first);
        await screenshot(p, 'admin-channel-key');
        await row.getByRole('button', { name: 'Revoke' }).click();
        await p.getByTestId('confirm').getByRole('button', { name: `Revoke Line 3 ${RUN}` }).click();
        await p.getByTestId('admin-message').getByText('is revoked').waitFor();
        assert.equal(await p.locator('[data-testid=admin-secret]').count(), 0, 'the key left with its message');
        const { channels } = await gql(mah.keys.admin, '{ channels { name revokedAt } }');
        assert.ok(channels.find((c) => c.name === `Line 3 ${RUN}`).revokedAt, 'revoked on the server');
      } finally {
        release(p);
      }
    });

    step('API keys are listed with their owners; the viewer key is revoked with a signature', async () => {
      const { mah } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.goto('/admin');
        await p.locator('[data-testid=api-keys] tr[data-owner="E2E viewer"]').waitFor();
        const owners = await p.locator('[data-testid=api-keys] tbody th').allTextContents();
        for (const o of ['E2E admin', 'E2E operator', 'E2E viewer']) assert.ok(owners.includes(o), `${o} in ${owners}`);
        await p.locator('[data-testid=api-keys] tr[data-owner="E2E viewer"]').getByRole('button', { name: 'Revoke' }).click();
        const dialog = p.getByTestId('revoke-key');
        await signAs(dialog, mah.keys.admin);
        await dialog.getByRole('button', { name: 'Revoke the key' }).click();
        await p.getByTestId('admin-message').getByText('The viewer key of E2E viewer is revoked').waitFor();
        const { apiKeys } = await gql(mah.keys.admin, '{ apiKeys { owner revokedAt } }');
        assert.ok(apiKeys.find((k) => k.owner === 'E2E viewer').revokedAt);
      } finally {
        release(p);
      }
    });

    step('the admin ends the partnership from the CMO\'s card; an operator sees no administration', async () => {
      const { mah, cmo } = fixture;
      const p = await openAs(mah.keys.admin);
      try {
        await p.goto('/partners');
        const card = p.locator(`article.partner-card[data-tenant="${cmo.id}"]`);
        await card.getByRole('button', { name: `End partnership with ${cmo.name}…` }).click();
        await card.getByLabel('Why it ends (both sides see it)').fill(`Contract over ${RUN}`);
        await signAs(card, mah.keys.admin);
        await card.getByRole('button', { name: 'End partnership', exact: true }).click();
        await card.getByTestId('confirm').getByRole('button', { name: 'End the partnership' }).click();
        await card.getByTestId('partnership-ended').waitFor();
        assert.match(await card.getByTestId('partnership-ended').textContent(), new RegExp(`Contract over ${RUN}`));
        const { partners } = await gql(mah.keys.admin, '{ partners { tenant { id } endedAt endReason } }');
        assert.equal(partners.find((x) => x.tenant.id === cmo.id).endReason, `Contract over ${RUN}`);
        await screenshot(p, 'admin-partnership-ended');
      } finally {
        release(p);
      }
      const op = await openAs(mah.keys.operator);
      try {
        assert.equal(await op.getByRole('link', { name: 'Administration', exact: true }).count(), 0);
      } finally {
        release(op);
      }
    });

    step('administration on a phone', async () => {
      const { mah } = fixture;
      const p = showing(await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
      try {
        await signIn(p, mah.keys.admin);
        await p.getByTestId('tenant-name').waitFor();
        await p.goto('/admin');
        await p.locator('[data-testid=api-keys] tbody tr').first().waitFor();
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth <= 390), true, 'no sideways scrolling');
        await screenshot(p, 'admin-phone', { fullPage: true });
      } finally {
        release(p);
      }
    });
  });
