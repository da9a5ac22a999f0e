import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../api.js';
import { button, byLabel, click, fakeFetch, flush, mount, setValue, submit, typeInto, unmountAll } from '../test-utils.jsx';
import { AdminPage } from './AdminPage.jsx';

const ADMIN = { tenant: { id: 't1', name: 'Demo Pharma' }, role: 'ADMIN' };
const CHANNELS = [
  { id: 'c1', name: 'Line 3', source: 'SAP_ATTP', upstreamUrl: 'https://erp.example.com/serials', upstreamCredentialsSet: true, createdAt: '2026-05-01T08:00:00Z', keyRotatedAt: null, revokedAt: null },
  { id: 'c2', name: 'Old line', source: 'EXTERNAL', upstreamUrl: null, upstreamCredentialsSet: false, createdAt: '2026-01-01T08:00:00Z', keyRotatedAt: null, revokedAt: '2026-02-01T08:00:00Z' },
];
const KEYS = [
  { id: 'k1', role: 'OPERATOR', owner: 'SAP ATTP', createdAt: '2026-05-01T08:00:00Z', lastUsedAt: null, revokedAt: null },
  { id: 'k2', role: 'ADMIN', owner: null, createdAt: '2026-04-01T08:00:00Z', lastUsedAt: '2026-05-02T08:00:00Z', revokedAt: null },
];

function server(answers = {}) {
  return fakeFetch((op, v) => {
    if (op === 'Administration') return { body: { data: { channels: CHANNELS, apiKeys: KEYS } } };
    if (answers[op]) return answers[op](v);
    throw new Error(`unexpected ${op}`);
  });
}

function setup(fake, viewer = ADMIN) {
  return mount(<AdminPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer });
}

const ops = (fake) => fake.calls.map((c) => c.op);
const message = (el) => el.querySelector('[data-testid=admin-message]')?.textContent ?? null;

describe('<AdminPage>', () => {
  afterEach(() => unmountAll());

  it('is for admins only: others get a sentence and no request', async () => {
    const fake = server();
    const el = setup(fake, { ...ADMIN, role: 'OPERATOR' });
    await flush();
    expect(el.textContent).toContain('Only your tenant\'s administrators manage products, channels and API keys.');
    expect(fake.calls).toHaveLength(0);
  });

  it('checks the product code as it is typed and registers a valid product', async () => {
    const fake = server({
      CreateProduct: (v) => ({ body: { data: { createProduct: { id: 'p1', code: v.input.code, name: v.input.name } } } }),
    });
    const el = setup(fake);
    await flush();
    typeInto(byLabel(el, 'Product code'), '1234567890129');
    expect(el.querySelector('#admin-product-code-error').textContent).toBe('The check digit should be 8, not 9.');
    typeInto(byLabel(el, 'Name'), 'Ibuprofen 400 mg');
    submit(el.querySelector('form[aria-label="Register a product"]'));
    await flush();
    expect(ops(fake)).not.toContain('CreateProduct');

    typeInto(byLabel(el, 'Product code'), '1234567890128');
    expect(el.querySelector('#admin-product-code-error')).toBeNull();
    expect(el.querySelector('#admin-product-code-hint').textContent).toBe('The check digits are right.');
    setValue(byLabel(el, 'Code schema'), 'PPN');
    expect(el.querySelector('#admin-product-code-error').textContent).toMatch(/^A PPN is 11/);
    typeInto(byLabel(el, 'Product code'), '110375286414');
    setValue(byLabel(el, 'Serials come from'), 'SAP_ATTP');
    submit(el.querySelector('form[aria-label="Register a product"]'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'CreateProduct').variables).toEqual({
      input: { code: '110375286414', codeSchema: 'PPN', name: 'Ibuprofen 400 mg', source: 'SAP_ATTP' },
    });
    expect(message(el)).toBe('Product Ibuprofen 400 mg (110375286414) registered. Open its pool');
    expect(el.querySelector('[data-testid=admin-message] a').getAttribute('href')).toBe('/pool/serial-numbers?search=110375286414');
    expect(byLabel(el, 'Product code').value).toBe('');
  });

  it('lists channels; a new or rotated key is shown once, each message replacing the last; revoking asks first', async () => {
    const fake = server({
      CreateChannel: (v) => ({ body: { data: { createChannel: { key: 'spc_new', channel: { id: 'c3', name: v.input.name } } } } }),
      RotateChannelKey: () => ({ body: { data: { rotateChannelKey: { key: 'spc_rotated', channel: { id: 'c1', name: 'Line 3' } } } } }),
      RevokeChannel: () => ({ body: { errors: [{ message: 'no such channel, or it is revoked already', extensions: { code: 'NOT_FOUND' } }], data: null } }),
    });
    const el = setup(fake);
    await flush();
    const rows = [...el.querySelectorAll('[data-testid=channels] tbody tr')];
    expect(rows.map((r) => r.dataset.channel)).toEqual(['Line 3', 'Old line']);
    expect(rows[0].textContent).toContain('credentials stored (write-only)');
    expect(rows[1].querySelectorAll('button')).toHaveLength(0); // revoked: nothing to do

    typeInto(byLabel(el, 'Channel name'), 'Line 4');
    setValue(byLabel(el, 'Source'), 'TRACELINK');
    submit(el.querySelector('form[aria-label="Register a channel"]'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'CreateChannel').variables).toEqual({ input: { name: 'Line 4', source: 'TRACELINK' } });
    expect(el.querySelector('[data-testid=admin-secret]').textContent).toBe('spc_new');

    click(button(rows[0], 'Rotate key'));
    await flush();
    expect(el.querySelectorAll('[data-testid=admin-message]')).toHaveLength(1);
    expect(el.querySelector('[data-testid=admin-secret]').textContent).toBe('spc_rotated');
    expect(message(el)).not.toContain('spc_new');

    click(button(el.querySelector('[data-testid=channels] tbody tr'), 'Revoke'));
    expect(el.querySelector('[data-testid=confirm]').textContent).toContain('Revoke channel Line 3?');
    expect(ops(fake)).not.toContain('RevokeChannel');
    click(button(el, 'Revoke Line 3'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'RevokeChannel').variables).toEqual({ id: 'c1' });
    expect(message(el)).toBe('no such channel, or it is revoked already');
    expect(el.querySelector('[data-testid=admin-secret]')).toBeNull(); // the old key left with its message
  });

  it('revokes an API key with a signature; a wrong password says so plainly', async () => {
    let wrong = true;
    const fake = server({
      RevokeApiKey: () =>
        wrong
          ? { body: { errors: [{ message: 'signature: wrong password', extensions: { code: 'SIGNATURE_INVALID' } }], data: null } }
          : { body: { data: { revokeApiKey: { id: 'k1' } } } },
    });
    const el = setup(fake);
    await flush();
    const rows = [...el.querySelectorAll('[data-testid=api-keys] tbody tr')];
    expect(rows.map((r) => r.querySelector('th').textContent)).toEqual(['SAP ATTP', 'no owner (an older key)']);
    click(button(rows[0], 'Revoke'));
    const form = el.querySelector('[data-testid=revoke-key]');
    expect(form.textContent).toContain('Revoke the operator key of SAP ATTP');
    submit(form);
    await flush();
    expect(ops(fake)).not.toContain('RevokeApiKey');
    expect(form.textContent).toContain('Enter your password to sign.');

    typeInto(byLabel(form, 'Your password'), 'secret password');
    typeInto(byLabel(form, 'Why you sign'), ' Key leaked ');
    submit(form);
    await flush();
    expect(fake.calls.find((c) => c.op === 'RevokeApiKey').variables).toEqual({ id: 'k1', signature: { password: 'secret password', meaning: 'PERFORMED', reason: 'Key leaked' } });
    expect(message(el)).toBe('The password is not right: nothing was signed or changed.');

    wrong = false;
    click(button(el.querySelector('[data-testid=api-keys] tbody tr'), 'Revoke'));
    const again = el.querySelector('[data-testid=revoke-key]');
    expect(byLabel(again, 'Your password').value).toBe(''); // entered anew for each signature
    typeInto(byLabel(again, 'Your password'), 'secret password');
    submit(again);
    await flush();
    expect(message(el)).toBe('The operator key of SAP ATTP is revoked; it stops working within seconds.');
  });
});
