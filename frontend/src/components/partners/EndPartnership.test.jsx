import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../api.js';
import { button, byLabel, click, fakeFetch, flush, mount, submit, typeInto, unmountAll } from '../../test-utils.jsx';
import { EndPartnership } from './EndPartnership.jsx';

const PARTNER = { id: 'pp1', tenant: { id: 't2', name: 'Contract Pack GmbH' }, role: 'CMO', endedAt: null };
const admin = { tenant: { id: 't1', name: 'Demo Pharma' }, role: 'ADMIN' };

function setup(fake, { partner = PARTNER, viewer = admin, onEnded = () => {} } = {}) {
  return mount(<EndPartnership partner={partner} base="cmo-t2" onEnded={onEnded} />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer });
}

describe('<EndPartnership>', () => {
  afterEach(() => unmountAll());

  it('asks a reason and a signature, then confirms before ending; says what came back', async () => {
    let ended = 0;
    const fake = fakeFetch((op, v) => {
      if (op !== 'EndPartnership') throw new Error(op);
      return { body: { data: { endPartnership: { returned: v.reason === 'Contract over' ? 1200 : 1, partner: { id: 'pp1', endedAt: '2026-05-03T10:00:00Z' } } } } };
    });
    const el = setup(fake, { onEnded: () => ended++ });
    click(button(el, 'End partnership with Contract Pack GmbH…'));
    const form = el.querySelector('[data-testid=end-partnership]');
    submit(form);
    expect(form.textContent).toContain('Say why the partnership ends; both sides see it.');
    typeInto(byLabel(form, 'Why it ends (both sides see it)'), ' Contract over ');
    submit(form);
    expect(form.textContent).toContain('Enter your password to sign.');
    typeInto(byLabel(form, 'Your password'), 'pw of the admin');
    typeInto(byLabel(form, 'Why you sign'), 'Approved by QA');
    submit(form);
    expect(el.querySelector('[data-testid=confirm]').textContent).toContain('End the partnership with Contract Pack GmbH?');
    expect(fake.calls).toHaveLength(0);
    click(button(el, 'End the partnership'));
    await flush();
    expect(fake.calls[0].variables).toEqual({ id: 'pp1', reason: 'Contract over', signature: { password: 'pw of the admin', meaning: 'PERFORMED', reason: 'Approved by QA' } });
    expect(el.querySelector('[data-testid=end-message]').textContent).toBe(
      "The partnership with Contract Pack GmbH has ended; 1,200 unused serials went back to the MAH's pool.",
    );
    expect(ended).toBe(1);
  });

  it('a wrong password is said plainly; Back leaves it as it was; others than admins get nothing', async () => {
    const fake = fakeFetch(() => ({ body: { errors: [{ message: 'bad', extensions: { code: 'SIGNATURE_INVALID' } }], data: null } }));
    const el = setup(fake);
    click(button(el, 'End partnership with Contract Pack GmbH…'));
    const form = el.querySelector('[data-testid=end-partnership]');
    typeInto(byLabel(form, 'Why it ends (both sides see it)'), 'x');
    typeInto(byLabel(form, 'Your password'), 'wrong');
    typeInto(byLabel(form, 'Why you sign'), 'y');
    submit(form);
    click(button(el, 'Back')); // the confirmation's
    expect(el.querySelector('[data-testid=confirm]')).toBeNull();
    submit(form);
    click(button(el, 'End the partnership'));
    await flush();
    expect(el.querySelector('[data-testid=end-message]').textContent).toBe('The password is not right: nothing was signed or changed.');
    unmountAll();
    const viewer = setup(fake, { viewer: { ...admin, role: 'OPERATOR' } });
    expect(viewer.textContent).toBe('');
  });

  it('an ended partnership says when, by whom and why', () => {
    const el = setup(fakeFetch(() => ({})), { partner: { ...PARTNER, endedAt: '2026-05-03T10:00:00Z', endedBy: { name: 'Demo Pharma' }, endReason: 'Contract over' } });
    expect(el.querySelector('[data-testid=partnership-ended]').textContent).toMatch(/^Ended 2026-05-03 \d\d:00:00 UTC\S* by Demo Pharma: “Contract over”\.$/);
    expect(el.querySelector('button')).toBeNull();
  });
});
