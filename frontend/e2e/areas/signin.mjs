// Sign-in and sign-out of the MAH admin.
import assert from 'node:assert/strict';
import { area, gql, KEYS, newPage, screenshot, showing, signIn, step } from '../harness.mjs';

export default () =>
  area('signin', () => {
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

    step('sign-in with the MAH key shows the tenant name and role', async () => {
      showing(page);
      const { viewer } = await gql(KEYS.mah_admin, '{ viewer { tenant { name } role } }');
      assert.equal(viewer.tenant.name, 'Demo Pharma');
      await page.getByLabel('API key').fill(KEYS.mah_admin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('tenant-name').waitFor();
      assert.equal(await page.getByTestId('tenant-name').textContent(), 'Demo Pharma');
      assert.equal((await page.getByTestId('role').textContent()).toUpperCase(), viewer.role);
      // The key lives in sessionStorage only.
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      assert.ok(await page.evaluate((k) => Object.values(sessionStorage).includes(k), KEYS.mah_admin));
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
