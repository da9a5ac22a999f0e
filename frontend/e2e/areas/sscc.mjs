// The SSCC pool tab, on a tenant of the area's own: create a pool, generate SSCCs, request some; counts and the list follow.
import assert from 'node:assert/strict';
import { area, expectLegend, gql, openAs, release, RUN, screenshot, seedTenant, SSCC_POOLS, step } from '../harness.mjs';

export default () =>
  area('sscc', () => ({ tenant: seedTenant('E2E SSCC') }), (fixture) => {
    step('SSCC pool tab: admin creates a pool, generates SSCCs, requests some; counts and list follow', async () => {
      const { keys } = fixture.tenant;
      const p = await openAs(keys.admin);
      try {
        await p.getByRole('tab', { name: 'SSCC pool' }).click();
        await p.waitForURL('**/pool/sscc');
        await p.getByTestId('sscc-count').filter({ hasText: /SSCC pool/ }).waitFor();
        await screenshot(p, 'sscc-tab');
        // A company prefix of this run (9 digits), extension digit 0.
        const prefix = String(Date.now()).slice(-9);
        await p.getByRole('button', { name: 'New SSCC pool' }).click();
        await p.getByLabel('GS1 company prefix').fill('12345'); // too short: checked before sending
        await p.getByRole('button', { name: 'Create SSCC pool' }).click();
        await p.getByText('The company prefix has 6 to 12 digits, not 5.').waitFor();
        await p.getByLabel('GS1 company prefix').fill(prefix);
        await p.getByLabel('Extension digit').selectOption('0');
        await p.getByRole('button', { name: 'Create SSCC pool' }).click();
        const code = `0${prefix}`;
        const card = p.locator(`article.sscc-card[data-code="${code}"]`);
        await card.waitFor();
        const pools = (await gql(keys.admin, SSCC_POOLS)).ssccPools;
        assert.ok(pools.some((x) => x.code === code && x.companyPrefix === prefix && x.extensionDigit === 0));
        await expectLegend(card, 'TOTAL', 0);

        await card.getByRole('button', { name: 'Generate', exact: true }).click();
        await card.getByLabel('Number of SSCCs').fill('25');
        await card.getByRole('button', { name: 'Generate SSCCs' }).click();
        await card.getByTestId('action-success').filter({ hasText: 'Generated 25 SSCCs (sequential)' }).waitFor();
        await expectLegend(card, 'AVAILABLE', 25);
        await expectLegend(card, 'TOTAL', 25);

        await card.getByRole('button', { name: 'Request for an order' }).click();
        await card.getByLabel('Number of SSCCs').fill('5');
        await card.getByLabel('Order reference').fill(`E2E-SSCC-${RUN}`);
        await card.getByRole('button', { name: 'Request SSCCs' }).click();
        await card.getByTestId('request-result').waitFor();
        await expectLegend(card, 'ASSIGNED', 5);
        await expectLegend(card, 'AVAILABLE', 20);
        const after = (await gql(keys.admin, SSCC_POOLS)).ssccPools.find((x) => x.code === code);
        assert.deepEqual(after.pool, { available: 20, assigned: 5, total: 25 });

        await card.getByRole('button', { name: 'Show SSCCs' }).click();
        const rows = card.locator('table.sscc-table tbody tr[data-status]');
        await p.waitForFunction((c) => document.querySelectorAll(`article[data-code="${c}"] table.sscc-table tbody tr[data-status]`).length === 25, code);
        const values = await rows.locator('th').allTextContents();
        assert.ok(values.every((v) => /^\d{18}$/.test(v) && v.startsWith(code)), 'SSCC-18 values of the pool');
        await card.getByRole('radio', { name: /^Assigned/ }).check();
        await p.waitForFunction((c) => document.querySelectorAll(`article[data-code="${c}"] table.sscc-table tbody tr[data-status]`).length === 5, code);
        await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await screenshot(p, 'sscc-pool');
        await screenshot(p, 'sscc-pool-full-page', { fullPage: true });
      } finally {
        release(p);
      }
    });
  });
