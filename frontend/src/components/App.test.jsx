import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { click, flush, mount, productPage, product, typeInto, unmountAll } from '../test-utils.jsx';
import { App, SESSION_ENDED } from './App.jsx';

const EMAIL = 'otto@demo.example';
const PASSWORD = 'a long enough password';
const CSRF = 'csrf-token-1';
const info = {
  user: { name: 'Otto Operator', email: EMAIL, role: 'operator' },
  tenant: { id: 't1', name: 'Demo Pharma' },
  csrfToken: CSRF,
};
const refused = (code) => ({ status: 401, body: { errors: [{ message: 'no', extensions: { code } }] } });

/** A server with one person; `totp` makes sign-in ask for a code, `revokeAfter` ends the session at the first GraphQL request. */
function server({ signedIn = false, totp = '', revokeAfter = false } = {}) {
  let session = signedIn;
  /** @type {{url: string, method: string, headers: Record<string, string>, body: any}[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const fetch = async (url, init = {}) => {
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
    calls.push({ url: String(url), method: init.method || 'GET', headers: /** @type {any} */ (init.headers) || {}, body });
    const answer = (() => {
      if (url === '/auth/login') {
        if (body.email !== EMAIL || body.password !== PASSWORD) return refused('UNAUTHENTICATED');
        if (totp && !body.totp) return refused('TOTP_REQUIRED');
        if (totp && body.totp !== totp) return refused('UNAUTHENTICATED');
        session = true;
        return { status: 204 };
      }
      if (url === '/auth/logout') {
        session = false;
        return { status: 204 };
      }
      if (url === '/auth/session') return session ? { body: info } : refused('UNAUTHENTICATED');
      if (!session || revokeAfter) return refused('UNAUTHENTICATED');
      return { body: productPage([product()]) };
    })();
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetch, calls };
}

describe('<App> sign-in', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });
  afterEach(unmountAll);

  async function signIn(el, email, password) {
    typeInto(el.querySelector('#email'), email);
    typeInto(el.querySelector('#password'), password);
    click(el.querySelector('button[type=submit]'));
    await flush();
  }

  it('rejects a wrong password with a message and keeps nothing', async () => {
    const fake = server();
    const el = mount(<App fetch={fake.fetch} />);
    await flush();
    await signIn(el, EMAIL, 'wrong password');
    expect(fake.calls.find((c) => c.url === '/auth/login').body).toEqual({ email: EMAIL, password: 'wrong password' });
    expect(el.querySelector('[role=alert]').textContent).toMatch(/not accepted/);
    expect(el.querySelector('#email').getAttribute('aria-invalid')).toBe('true');
    expect(sessionStorage.length + localStorage.length).toBe(0);
  });

  it('signs in: header shows person, tenant and role; writes carry the CSRF token; sign-out ends the session', async () => {
    const fake = server();
    const el = mount(<App fetch={fake.fetch} />);
    await flush();
    await signIn(el, ` ${EMAIL} `, PASSWORD);
    await flush();
    expect(el.querySelector('[data-testid=tenant-name]').textContent).toBe('Demo Pharma');
    expect(el.querySelector('[data-testid=person-name]').textContent).toBe('Otto Operator');
    expect(el.querySelector('[data-testid=role]').textContent).toBe('Operator');
    expect(sessionStorage.length + localStorage.length).toBe(0); // the cookie is the server's
    expect(el.querySelectorAll('tr.product-row')).toHaveLength(1);
    const graphql = fake.calls.find((c) => c.url === '/graphql');
    expect(graphql.headers['X-CSRF-Token']).toBe(CSRF);
    expect(graphql.headers.Authorization).toBeUndefined();

    click([...el.querySelectorAll('button')].find((b) => b.textContent === 'Sign out'));
    await flush();
    expect(el.querySelector('#email')).not.toBeNull();
    const out = fake.calls.find((c) => c.url === '/auth/logout');
    expect(out.method).toBe('POST');
    expect(out.headers['X-CSRF-Token']).toBe(CSRF);
  });

  it('asks for the authenticator code when the account has TOTP', async () => {
    const fake = server({ totp: '123456' });
    const el = mount(<App fetch={fake.fetch} />);
    await flush();
    await signIn(el, EMAIL, PASSWORD);
    expect(el.querySelector('[data-testid=tenant-name]')).toBeNull();
    typeInto(el.querySelector('#totp'), '123456');
    click(el.querySelector('button[type=submit]'));
    await flush();
    await flush();
    expect(el.querySelector('[data-testid=tenant-name]').textContent).toBe('Demo Pharma');
  });

  it('resumes a session from before the page loaded', async () => {
    const fake = server({ signedIn: true });
    const el = mount(<App fetch={fake.fetch} />);
    expect(el.textContent).toContain('Checking your session');
    await flush();
    expect(el.querySelector('[data-testid=tenant-name]').textContent).toBe('Demo Pharma');
  });

  it('goes back to sign-in with a message when the server answers UNAUTHENTICATED later', async () => {
    const fake = server({ signedIn: true, revokeAfter: true });
    const el = mount(<App fetch={fake.fetch} />);
    await flush();
    await flush();
    expect(el.querySelector('#email')).not.toBeNull();
    expect(el.querySelector('.notice').textContent).toBe(SESSION_ENDED);
  });
});
