// Sign-in and sign-out as a person, on a tenant of the area's own.
import assert from 'node:assert/strict';
import { area, newPage, screenshot, seedTenant, showing, signAs, signIn, step } from '../harness.mjs';

export default () =>
  area('signin', () => ({ tenant: seedTenant('E2E Sign-in') }), (fixture) => {
    /** @type {import('playwright-core').Page} */
    let page;

    step('sign-in rejects a wrong password, as it does an unknown e-mail', async () => {
      const { tenant } = fixture;
      page = showing(await newPage({ viewport: { width: 1280, height: 900 } }));
      for (const [email, password] of [[tenant.people.admin.email, 'not the password'], ['nobody@nowhere.example', tenant.people.admin.password]]) {
        await signIn(page, email, password);
        const alert = page.getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.textContent(), /not accepted/i);
        assert.equal(await page.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');
      }
      assert.deepEqual(await page.context().cookies(), []);
      await screenshot(page, 'signin-refused');
    });

    step('sign-in as an admin shows the person, the tenant name and the role', async () => {
      const { tenant } = fixture;
      showing(page);
      await signIn(page, tenant.people.admin.email.toUpperCase(), tenant.people.admin.password);
      await page.getByTestId('tenant-name').waitFor();
      assert.equal(await page.getByTestId('tenant-name').textContent(), tenant.name);
      assert.equal(await page.getByTestId('person-name').textContent(), tenant.people.admin.name);
      assert.equal((await page.getByTestId('role').textContent()).toUpperCase(), 'ADMIN');
      // Nothing of the session is in the page's storage; the cookie is HttpOnly.
      assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
      assert.equal(await page.evaluate(() => document.cookie), '');
      const [cookie] = await page.context().cookies();
      assert.ok(cookie.httpOnly && cookie.sameSite === 'Lax', JSON.stringify(cookie));
      // A reload keeps the session.
      await page.reload();
      await page.getByTestId('tenant-name').waitFor();
      await screenshot(page, 'signed-in');
    });

    step('an admin disables a person, signed with the admin password; that person can no longer sign in', async () => {
      const { tenant } = fixture;
      showing(page);
      const viewer = tenant.people.viewer;
      await page.getByRole('link', { name: 'Users' }).click();
      const row = page.locator('tr.user-row').filter({ hasText: viewer.email });
      await row.getByRole('button', { name: 'Disable' }).click();
      const form = page.getByTestId('disable-user');
      const statement = await form.getByTestId('signature-statement').textContent();
      assert.ok(statement.startsWith('You are signing: Disable ') && statement.includes(viewer.email), statement);
      await signAs(form, tenant.keys.admin);
      await screenshot(page, 'disable-user-signature');
      await form.getByRole('button', { name: `Disable ${viewer.email}` }).click();
      await row.getByText('Disabled', { exact: true }).waitFor();
      const res = await page.request.post('/auth/login', { data: { email: viewer.email, password: viewer.password } });
      assert.equal(res.status(), 401);
    });

    step('signing out ends the session', async () => {
      showing(page);
      const [cookie] = await page.context().cookies();
      // The Users page has an E-mail field of its own: wait for the server's answer and the sign-in form.
      await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/logout'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await page.reload();
      await page.getByLabel('E-mail').waitFor();
      // The old session id no longer works, even sent by hand.
      const res = await page.request.get('/auth/session', { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
      assert.equal(res.status(), 401);
      await screenshot(page, 'signed-out');
    });
  });
