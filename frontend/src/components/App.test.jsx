import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { click, fakeFetch, flush, mount, productPage, product, typeInto, unmountAll } from '../test-utils.jsx';
import { App, SESSION_ENDED } from './App.jsx';

const GOOD = 'sp_good_key';
const viewer = { tenant: { id: 't1', name: 'Demo Pharma' }, role: 'OPERATOR' };
const unauthenticated = {
  status: 401,
  body: { errors: [{ message: 'unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] },
};

function server({ revokeAfterViewer = false } = {}) {
  return fakeFetch((op, _vars, init) => {
    const auth = init.headers.Authorization;
    if (auth !== `Bearer ${GOOD}`) return unauthenticated;
    if (op === 'Viewer') return { body: { data: { viewer } } };
    if (op === 'Products') return revokeAfterViewer ? unauthenticated : { body: productPage([product()]) };
    throw new Error(op);
  });
}

describe('<App> sign-in', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });
  afterEach(unmountAll);

  async function signIn(el, key) {
    typeInto(el.querySelector('#api-key'), key);
    click(el.querySelector('button[type=submit]'));
    await flush();
  }

  it('rejects a bad key with a message and keeps nothing', async () => {
    const fake = server();
    const el = mount(<App fetch={fake.fetch} />);
    await signIn(el, 'wrong');
    expect(fake.calls[0].headers.Authorization).toBe('Bearer wrong');
    expect(el.querySelector('[role=alert]').textContent).toBe('This API key was not accepted. Check the key and try again.');
    expect(el.querySelector('#api-key').getAttribute('aria-invalid')).toBe('true');
    expect(sessionStorage.length).toBe(0);
  });

  it('signs in with a good key: header shows tenant and role, key kept in sessionStorage only', async () => {
    const fake = server();
    const el = mount(<App fetch={fake.fetch} />);
    await signIn(el, `  ${GOOD} `);
    expect(el.querySelector('[data-testid=tenant-name]').textContent).toBe('Demo Pharma');
    expect(el.querySelector('[data-testid=role]').textContent).toBe('Operator');
    expect(Object.values(sessionStorage)).toContain(GOOD);
    expect(localStorage.length).toBe(0);
    await flush();
    expect(el.querySelectorAll('tr.product-row')).toHaveLength(1);
    expect(fake.calls.find((c) => c.op === 'Products').headers.Authorization).toBe(`Bearer ${GOOD}`);

    click([...el.querySelectorAll('button')].find((b) => b.textContent === 'Sign out'));
    expect(el.querySelector('#api-key')).not.toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('resumes a stored session after checking the key', async () => {
    sessionStorage.setItem('serialpool.apiKey', GOOD);
    const fake = server();
    const el = mount(<App fetch={fake.fetch} />);
    expect(el.textContent).toContain('Checking your session');
    await flush();
    expect(el.querySelector('[data-testid=tenant-name]').textContent).toBe('Demo Pharma');
  });

  it('goes back to sign-in with a message when the server answers UNAUTHENTICATED later', async () => {
    const fake = server({ revokeAfterViewer: true });
    const el = mount(<App fetch={fake.fetch} />);
    await signIn(el, GOOD);
    await flush();
    expect(el.querySelector('#api-key')).not.toBeNull();
    expect(el.querySelector('.notice').textContent).toBe(SESSION_ENDED);
    expect(sessionStorage.length).toBe(0);
  });
});
