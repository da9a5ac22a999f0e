import { afterEach, describe, expect, it } from 'vitest';
import { button, click, fakeFetch, flush, mount, sign, SIGNATURE, typeInto, unmountAll } from '../test-utils.jsx';
import { createClient } from '../api.js';
import { UsersPage } from './UsersPage.jsx';

const admin = { tenant: { id: 't1', name: 'Demo Pharma' }, role: 'ADMIN' };

describe('<UsersPage>', () => {
  afterEach(unmountAll);

  it('lists the people, invites one with a link shown once, changes a role and disables', async () => {
    let users = [{ id: 'u1', email: 'anna@x.example', name: 'Anna', role: 'ADMIN', totpEnabled: true, disabledAt: null }];
    const fake = fakeFetch((op, vars) => {
      if (op === 'Users') return { body: { data: { users } } };
      if (op === 'InviteUser') {
        users = [...users, { id: 'u2', ...vars.input, totpEnabled: false, disabledAt: null }];
        return { body: { data: { inviteUser: { user: { id: 'u2', email: vars.input.email }, invitation: 'spu_token' } } } };
      }
      if (op === 'UpdateUser') return { body: { data: { updateUser: { id: vars.input.id, role: 'VIEWER', disabledAt: null } } } };
      throw new Error(op);
    });
    const el = mount(<UsersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: admin });
    await flush();
    expect(el.querySelectorAll('tr.user-row')).toHaveLength(1);
    expect(el.textContent).toContain('Active, TOTP');

    typeInto(el.querySelector('#invite-email'), ' nina@x.example ');
    typeInto(el.querySelector('#invite-name'), 'Nina');
    click([...el.querySelectorAll('button')].find((b) => b.textContent === 'Invite'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'InviteUser').variables.input).toEqual({ email: 'nina@x.example', name: 'Nina', role: 'VIEWER' });
    expect(el.querySelector('[data-testid=invitation-link]').textContent).toContain('/invitation#spu_token');
    expect(el.querySelectorAll('tr.user-row')).toHaveLength(2);

    click([...el.querySelectorAll('tr.user-row')][1].querySelector('button'));
    await flush();
    // Disabling is signed first: nothing is sent until it is.
    expect(fake.calls.find((c) => c.op === 'UpdateUser')).toBeUndefined();
    expect(el.querySelector('[data-testid=signature-statement]').textContent).toBe(
      'You are signing: Disable Nina (nina@x.example): they can no longer sign in',
    );
    click(button(el, 'Disable nina@x.example'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'UpdateUser')).toBeUndefined();
    expect(el.querySelector('[data-testid=signature-problem]').textContent).toBe('Enter your password to sign.');
    sign(el);
    click(button(el, 'Disable nina@x.example'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'UpdateUser').variables).toEqual({ input: { id: 'u2', disabled: true }, signature: SIGNATURE });
    expect(el.querySelector('[data-testid=disable-user]')).toBeNull();
  });

  it('says in words when the signing password is wrong', async () => {
    const users = [{ id: 'u1', email: 'anna@x.example', name: 'Anna', role: 'ADMIN', totpEnabled: false, disabledAt: null }];
    const fake = fakeFetch((op) => {
      if (op === 'Users') return { body: { data: { users } } };
      if (op === 'UpdateUser') return { status: 403, body: { data: null, errors: [{ message: 'signature invalid', extensions: { code: 'SIGNATURE_INVALID' } }] } };
      throw new Error(op);
    });
    const el = mount(<UsersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: admin });
    await flush();
    click(button(el, 'Disable'));
    await flush();
    sign(el);
    click(button(el, 'Disable anna@x.example'));
    await flush();
    expect(fake.calls.filter((c) => c.op === 'UpdateUser')).toHaveLength(1);
    expect(el.querySelector('[role=alert]').textContent).toBe('The password is not right: nothing was signed or changed.');
  });
});
