// Sign-in and sign-out, on a tenant of the area's own.
import assert from 'node:assert/strict';
import { area, gql, newPage, screenshot, seedTenant, showing, signIn, step } from '../harness.mjs';

export default () =>
  area('signin', () => ({ tenant: seedTenant('E2E Sign-in') }), (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page;

    step('sign-in rejects an unknown API key', async () => {
      page = showing(await newPage({ viewport: { width: 1280, height: 900 } }));
      await signIn(page, 'sp_this_is_not_a_key');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /not accepted/i);
      assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      await screenshot(page, 'signin-bad-key');
    });

    step('sign-in with an admin key shows the tenant name and role', async () => {
      const { tenant } = fixture;
      showing(page);
      const { viewer } = await gql(tenant.keys.admin, '{ viewer { tenant { name } role } }');
      assert.equal(viewer.tenant.name, tenant.name);
      await page.getByLabel('API key').fill(tenant.keys.admin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('tenant-name').waitFor();
      assert.equal(await page.getByTestId('tenant-name').textContent(), tenant.name);
      assert.equal((await page.getByTestId('role').textContent()).toUpperCase(), viewer.role);
      // The key lives in sessionStorage only.
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      assert.ok(await page.evaluate((k) => Object.values(sessionStorage).includes(k), tenant.keys.admin));
      await screenshot(page, 'signed-in');
    });


    step('signing out returns to the sign-in page and forgets the key', async () => {
      showing(page);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API key').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      await page.reload();
      await page.getByLabel('API key').waitFor();
      await screenshot(page, 'signed-out');
    });
  });
