import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../api.js';
import { byLabel, fakeFetch, flush, mount, setValue, submit, unmountAll } from '../../test-utils.jsx';
import { SsoSignIn, ssoRefusal, SSO_REASONS } from './SsoSignIn.jsx';
import { parseRoleValues, SsoSettings } from './SsoSettings.jsx';

const provider = { tenant: { id: 'VGVuYW50OjE', name: 'Demo Pharma' }, name: 'Pharma Login', start: '/auth/oidc/VGVuYW50OjE/start' };

afterEach(() => {
  unmountAll();
  history.replaceState(null, '', '/');
});

describe('SsoSignIn', () => {
  it('offers the provider of the e-mail’s domain, linking to its start', async () => {
    const fake = fakeFetch(() => ({ body: { providers: [provider] } }));
    const root = mount(<SsoSignIn email="alice@pharma.example" fetch={fake.fetch} />);
    await flush();
    expect(fake.calls.map((c) => c.url)).toEqual(['/auth/providers?email=x%40pharma.example']);
    const link = /** @type {HTMLAnchorElement} */ (root.querySelector('a.sso-button'));
    expect(link.textContent).toBe('Sign in with Pharma Login');
    expect(link.getAttribute('href')).toBe(provider.start);
  });

  it('asks for the tenant the sign-in link names, and asks nothing without a domain', async () => {
    const fake = fakeFetch(() => ({ body: { providers: [] } }));
    mount(<SsoSignIn email="alice" fetch={fake.fetch} />);
    await flush();
    expect(fake.calls).toEqual([]);
    history.replaceState(null, '', '/?tenant=VGVuYW50OjE');
    const root = mount(<SsoSignIn email="" fetch={fake.fetch} />);
    await flush();
    expect(fake.calls.map((c) => c.url)).toEqual(['/auth/providers?tenant=VGVuYW50OjE']);
    expect(root.querySelector('a')).toBeNull();
  });

  it('explains a refused sign-in', async () => {
    history.replaceState(null, '', '/?sso_error=FORBIDDEN&sso_reason=role');
    const root = mount(<SsoSignIn fetch={fakeFetch(() => ({ body: {} })).fetch} />);
    await flush();
    expect(root.querySelector('[role=alert]')?.textContent).toBe(SSO_REASONS.role);
    expect(ssoRefusal(new URLSearchParams('sso_error=INTERNAL&sso_reason=nonsense'))).toBe('Single sign-on failed (INTERNAL).');
    expect(ssoRefusal(new URLSearchParams(''))).toBe('');
  });
});

describe('SsoSettings', () => {
  it('reads role lines and refuses bad ones', () => {
    expect(parseRoleValues('Administrators = admin\n\nQA = OPERATOR')).toEqual({
      values: [{ value: 'Administrators', role: 'ADMIN' }, { value: 'QA', role: 'OPERATOR' }], error: null,
    });
    expect(parseRoleValues('a=b=VIEWER').values).toEqual([{ value: 'a=b', role: 'VIEWER' }]);
    expect(parseRoleValues('QA').error).toMatch(/Line 1/);
    expect(parseRoleValues('QA = boss').error).toMatch(/Line 1/);
    expect(parseRoleValues(' ').error).toMatch(/at least one/);
  });

  it('saves the configuration, keeping the stored secret when none is typed', async () => {
    const stored = { name: 'Pharma Login', issuerUrl: 'https://idp.example/', clientId: 'web', clientSecretSet: true, roleClaim: 'groups',
      roleValues: [{ value: 'Administrators', role: 'ADMIN' }], emailDomain: null, updatedAt: '2026-12-01T00:00:00Z' };
    const fake = fakeFetch((op, v) => {
      if (op === 'SsoConfig') return { body: { data: { ssoConfig: stored } } };
      if (op === 'UpdateSsoConfig') return { body: { data: { updateSsoConfig: { ...stored, ...v.input } } } };
      throw new Error(`unexpected ${op}`);
    });
    const client = createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' });
    const root = mount(<SsoSettings />, { client, viewer: { tenant: { id: 'T1', name: 'Demo Pharma' }, role: 'ADMIN' } });
    await flush();
    expect(byLabel(root, 'Client secret').getAttribute('type')).toBe('password');
    expect(/** @type {HTMLInputElement} */ (byLabel(root, 'Client secret')).value).toBe('');
    setValue(byLabel(root, 'Roles'), 'Administrators = ADMIN\nOperators = OPERATOR');
    submit(/** @type {HTMLFormElement} */ (root.querySelector('form')));
    await flush();
    const update = fake.calls.find((c) => c.op === 'UpdateSsoConfig');
    expect(update?.variables.input).toEqual({ name: 'Pharma Login', issuerUrl: 'https://idp.example/', clientId: 'web', roleClaim: 'groups',
      roleValues: [{ value: 'Administrators', role: 'ADMIN' }, { value: 'Operators', role: 'OPERATOR' }], emailDomain: null });
    expect(root.textContent).toContain('Saved: people sign in with Pharma Login.');
  });
});
