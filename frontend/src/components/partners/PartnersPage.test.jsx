import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../../api.js';
import { button, byLabel, click, fakeFetch, flush, mount, product, productPage, setValue, submit, unmountAll } from '../../test-utils.jsx';
import { PartnersPage } from './PartnersPage.jsx';

const MAH = { id: 't1', name: 'Demo Pharma' };
const CMO = { id: 't2', name: 'Demo Contract Manufacturing' };
const noInvitations = { body: { data: { partnerInvitations: [] } } };
const amox = product({ code: '04012340051006', owner: MAH, requestCap: 1000, pool: { available: 500, assigned: 0, total: 500, low: false } });

/** When set, the next assignment fails as if the database were away. */
let assignFailsOnce = false;

function server(as) {
  return fakeFetch((op, v) => {
    if (op === 'Partners') return { body: { data: { partners: as === 'MAH' ? [{ tenant: CMO, role: 'CMO' }] : [{ tenant: MAH, role: 'MAH' }] } } };
    if (op === 'PartnerInvitations') return noInvitations;
    if (op === 'PartnerProducts') {
      const p = as === 'MAH' ? amox : { ...amox, source: 'PARTNER', pool: { available: 70, assigned: 30, total: 100, low: false } };
      return { body: productPage([p]) };
    }
    if (op === 'AssignSerialsToPartner' && assignFailsOnce) {
      assignFailsOnce = false;
      return { body: { errors: [{ message: 'the database is unavailable; retry in a moment', extensions: { code: 'UNAVAILABLE' } }] } };
    }
    if (op === 'AssignSerialsToPartner') {
      return {
        body: {
          data: {
            assignSerialsToPartner: { id: 'R9', orderRef: null, count: v.input.count, createdAt: '2026-11-25T09:00:00Z', partner: CMO, product: { code: v.input.productCode }, serials: { edges: [{ node: { id: 's', value: 'SN1' } }], pageInfo: { hasNextPage: true } } },
          },
        },
      };
    }
    if (op.startsWith('GET /api/v2/partners/')) {
      return { text: 'product_code,serial\n04012340051006,A\n04012340051006,B\n', headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="partner-serials.csv"' } };
    }
    throw new Error(op);
  });
}

async function setup(as, role) {
  const fake = server(as);
  const viewer = { tenant: as === 'MAH' ? MAH : CMO, role };
  const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer });
  await flush();
  return { el, fake };
}

describe('<PartnersPage>', () => {
  beforeEach(() => {
    URL.createObjectURL = vi.fn(() => 'blob:x');
    URL.revokeObjectURL = vi.fn();
  });
  afterEach(unmountAll);

  it('an MAH operator assigns serials to its CMO and sees the request', async () => {
    const { el, fake } = await setup('MAH', 'OPERATOR');
    const card = el.querySelector('article.partner-card[data-role=CMO]');
    expect(card.querySelector('h3').textContent).toBe('Demo Contract Manufacturing');
    expect(el.querySelector('.page-actions')).toBeNull(); // operators neither add partners nor invite
    setValue(byLabel(card, 'Product'), amox.code);
    expect(card.querySelector('[id$=-as-count-hint]').textContent).toBe('500 available · at most 1,000');
    setValue(byLabel(card, 'Number of serials'), '1001');
    submit(card.querySelector('form'));
    expect(card.querySelector('.field-error').textContent).toBe('The number of serials must be at most 1,000.');
    setValue(byLabel(card, 'Number of serials'), '30');
    submit(card.querySelector('form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'AssignSerialsToPartner').variables).toEqual({
      input: { productCode: amox.code, partner: 't2', count: 30, idempotencyKey: expect.stringMatching(/^web-[0-9a-f]{32}$/) },
    });
    expect(card.querySelector('[data-testid=request-result] [role=status]').textContent).toBe('30 serials assigned to Demo Contract Manufacturing.');
    // The products are asked again (their Available counts changed).
    expect(fake.calls.filter((c) => c.op === 'PartnerProducts')).toHaveLength(2);
  });

  it('an assignment retried after a failure sends the same idempotency key; the next one a new key', async () => {
    const { el, fake } = await setup('MAH', 'OPERATOR');
    const card = el.querySelector('article.partner-card[data-role=CMO]');
    setValue(byLabel(card, 'Product'), amox.code);
    setValue(byLabel(card, 'Number of serials'), '30');
    assignFailsOnce = true;
    submit(card.querySelector('form'));
    await flush();
    expect(card.textContent).toContain('the database is unavailable');
    submit(card.querySelector('form'));
    await flush();
    expect(card.querySelector('[data-testid=request-result] [role=status]').textContent).toBe('30 serials assigned to Demo Contract Manufacturing.');
    submit(card.querySelector('form'));
    await flush();
    const keys = fake.calls.filter((c) => c.op === 'AssignSerialsToPartner').map((c) => c.variables.input.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]); // the retry of the failed assignment
    expect(keys[2]).not.toBe(keys[0]); // a new assignment after the success
  });

  it('exports what was assigned to the CMO as a CSV download (with the key), optionally for one product', async () => {
    const { el, fake } = await setup('MAH', 'VIEWER');
    const card = el.querySelector('article.partner-card');
    expect(card.querySelector('form')).toBeNull(); // a viewer cannot assign
    setValue(byLabel(card, 'Products to export'), amox.code);
    const link = [...card.querySelectorAll('a')].find((a) => a.textContent.includes('Export CSV'));
    expect(link.getAttribute('href')).toBe(`/api/v2/partners/t2/serials.csv?productCode=${amox.code}`);
    // The temporary <a download> is clicked programmatically; the user's click is a real event.
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    act(() => {
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    });
    await flush();
    const get = fake.calls.find((c) => c.op.startsWith('GET '));
    expect(get.url).toBe(`/api/v2/partners/t2/serials.csv?productCode=${amox.code}`);
    expect(get.headers['X-CSRF-Token']).toBe('k');
    expect(URL.createObjectURL).toHaveBeenCalledOnce();
    const saved = clicked.mock.contexts.find((a) => a.href === 'blob:x');
    expect(saved.download).toBe('partner-serials.csv');
    expect(card.querySelector('[role=status]').textContent).toBe('Saved partner-serials.csv (2 rows).');
  });

  it('a CMO sees its MAH and the products it received from it; its admin may invite, not add a CMO', async () => {
    const { el } = await setup('CMO', 'ADMIN');
    expect(el.querySelector('.page-subtitle').textContent).toContain('You see only the serials assigned to you.');
    const card = el.querySelector('article.partner-card[data-role=MAH]');
    expect(card.querySelector('h3').textContent).toBe('Demo Pharma');
    expect(card.querySelector('.partner-role').textContent).toBe('Marketing authorization holder');
    const row = card.querySelector('tbody tr');
    expect([...row.children].map((c) => c.textContent)).toEqual([amox.code, amox.name, '70', '30']);
    expect(row.querySelector('a').getAttribute('href')).toBe(`/pool/serial-numbers?search=${amox.code}`);
    expect(card.querySelector('[data-testid=received]').textContent).toBe('Received from Demo Pharma: 100 serials of 1 product.');
    expect(el.querySelector('article[data-role=CMO]')).toBeNull();
    // It receives only (no products of its own, no CMOs): nothing to add, but it may invite.
    expect([...el.querySelectorAll('.page-actions button')].map((b) => b.textContent.trim())).toEqual(['Invite an MAH']);
  });

  it('an MAH admin adds a CMO partner with the invitation code its admin gave', async () => {
    const code = `spi_${'A'.repeat(43)}`;
    const fake = fakeFetch((op, v) => {
      if (op === 'Partners') return { body: { data: { partners: [] } } };
      if (op === 'PartnerInvitations') return noInvitations;
      if (op === 'PartnerProducts') return { body: productPage([amox]) };
      if (op === 'CreatePartnership') {
        expect(v.input.invitationCode).toBe(code);
        return { body: { data: { createPartnership: { tenant: { id: 't3', name: 'New CMO' }, role: 'CMO' } } } };
      }
      throw new Error(op);
    });
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: MAH, role: 'ADMIN' } });
    await flush();
    expect(el.querySelector('.state-title').textContent).toBe('No partnerships yet');
    expect(el.querySelector('.state-message').textContent).toContain('with the invitation code its admin gives you');
    const add = button(el, 'Add a CMO partner');
    click(add);
    expect(add.getAttribute('aria-expanded')).toBe('true');
    const input = byLabel(el, 'Invitation code');
    expect(document.activeElement).toBe(input);
    expect(el.querySelector(`#${input.getAttribute('aria-describedby')}`).textContent).toContain("The CMO's admin creates it on their Partners page");
    // Empty: said at once, nothing sent.
    submit(el.querySelector('#add-partner'));
    expect(el.querySelector('#cmo-invitation-error').textContent).toBe('Enter the invitation code.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some((c) => c.op === 'CreatePartnership')).toBe(false);
    setValue(input, `  ${code}\n`);
    submit(el.querySelector('#add-partner'));
    await flush();
    expect(fake.calls.filter((c) => c.op === 'CreatePartnership').map((c) => c.variables)).toEqual([{ input: { invitationCode: code } }]);
    expect(el.querySelector('[data-testid=action-success]').textContent).toBe('New CMO is now your partner (contract manufacturer).');
    expect(el.querySelector('#add-partner')).toBeNull();
    expect(document.activeElement).toBe(add);
    expect(fake.calls.filter((c) => c.op === 'Partners')).toHaveLength(2);
    // Adding another one starts afresh: the note and the code are gone.
    click(add);
    expect(el.querySelector('[data-testid=action-success]')).toBeNull();
    expect(byLabel(el, 'Invitation code').value).toBe('');
  });

  it('shows why an invitation code was refused, and keeps the form open', async () => {
    const fake = fakeFetch((op) => {
      if (op === 'Partners') return { body: { data: { partners: [{ tenant: CMO, role: 'CMO' }] } } };
      if (op === 'PartnerInvitations') return noInvitations;
      if (op === 'PartnerProducts') return { body: productPage([amox]) };
      if (op === 'CreatePartnership') {
        return { body: { data: null, errors: [{ message: 'no such invitation', extensions: { code: 'NOT_FOUND' } }] } };
      }
      throw new Error(op);
    });
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: MAH, role: 'ADMIN' } });
    await flush();
    click(button(el, 'Add a CMO partner'));
    setValue(byLabel(el, 'Invitation code'), 'spi_used');
    submit(el.querySelector('#add-partner'));
    await flush();
    const error = el.querySelector('#add-partner [data-testid=action-error]');
    expect(error.querySelector('[role=alert] .callout-title').textContent).toBe('The partnership was not created');
    expect(error.querySelector('.callout-message').textContent).toBe('no such invitation') // no raw code in the text;
    expect(el.querySelector('[data-testid=action-success]')).toBeNull();
    expect(byLabel(el, 'Invitation code').value).toBe('spi_used'); // to correct it
    expect(fake.calls.filter((c) => c.op === 'Partners')).toHaveLength(1); // nothing changed
  });

  describe('inviting an MAH (the admin as a CMO)', () => {
    // A local time, so that the expected text does not depend on the time zone.
    const expiresAt = new Date(2026, 11, 2, 9, 30, 5).toISOString();
    const code = `spi_${'x8-_Q'.repeat(8)}abc`;

    function inviting(answer) {
      const fake = fakeFetch((op, v) => {
        if (op === 'Partners') return { body: { data: { partners: [{ tenant: MAH, role: 'MAH' }] } } };
        if (op === 'PartnerInvitations') return noInvitations;
        if (op === 'PartnerProducts') return { body: productPage([{ ...amox, source: 'PARTNER' }]) };
        if (op === 'CreatePartnerInvitation') return answer(v);
        throw new Error(op);
      });
      const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: CMO, role: 'ADMIN' } });
      return { el, fake };
    }
    const created = () => ({ body: { data: { createPartnerInvitation: { id: 'I1', code, expiresAt } } } });

    it('creates a one-time code and shows it once, read-only, with its expiry and a Copy button', async () => {
      const { el, fake } = inviting(created);
      await flush();
      const invite = button(el, 'Invite an MAH');
      click(invite);
      expect(invite.getAttribute('aria-expanded')).toBe('true');
      const form = el.querySelector('#invite-mah');
      expect(invite.getAttribute('aria-controls')).toBe('invite-mah');
      expect(form.querySelector('h2').textContent).toBe('Invite an MAH to make you its CMO');
      expect(form.textContent).toContain('your tenant becomes their contract manufacturer (CMO)');
      expect(form.querySelector('input')).toBeNull(); // no code before it is asked for
      const create = button(form, 'Create invitation code');
      expect(document.activeElement).toBe(create);
      submit(form);
      await flush();
      expect(fake.calls.filter((c) => c.op === 'CreatePartnerInvitation').map((c) => c.variables)).toEqual([{}]);
      const field = byLabel(form, 'Invitation code');
      expect(field.value).toBe(code);
      expect(field.readOnly).toBe(true);
      expect(field.classList.contains('mono')).toBe(true);
      expect(document.activeElement).toBe(field);
      const hint = form.querySelector(`#${field.getAttribute('aria-describedby')}`);
      expect(hint.textContent).toBe('Valid until 2026-12-02 09:30:05 UTC.');
      expect(hint.querySelector('time').getAttribute('datetime')).toBe(expiresAt);
      expect(form.querySelector('[data-testid=action-success]').textContent).toContain('it is shown only now and works once');
      expect(button(form, 'Copy')).toBeTruthy();
      expect(() => button(form, 'Create invitation code')).toThrow(); // one code per opening
      // Done forgets the code: it is not shown again.
      click(button(form, 'Done'));
      expect(el.querySelector('#invite-mah')).toBeNull();
      expect(el.textContent).not.toContain(code);
      expect(document.activeElement).toBe(invite);
      expect(invite.getAttribute('aria-expanded')).toBe('false');
      click(invite);
      expect(el.querySelector('#invite-mah input')).toBeNull();
      expect(fake.calls.filter((c) => c.op === 'CreatePartnerInvitation')).toHaveLength(1);
    });

    it('Copy puts the code on the clipboard', async () => {
      const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
      const { el } = inviting(created);
      await flush();
      click(button(el, 'Invite an MAH'));
      submit(el.querySelector('#invite-mah'));
      await flush();
      click(button(el, 'Copy'));
      await flush();
      expect(writeText).toHaveBeenCalledExactlyOnceWith(code);
      expect(button(el, 'Copied')).toBeTruthy();
      expect(el.querySelector('[data-testid=copy-status]').textContent).toBe('The code is on the clipboard.');
    });

    it('Copy without clipboard access selects the code for the user to copy', async () => {
      vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('denied', 'NotAllowedError'));
      const { el } = inviting(created);
      await flush();
      click(button(el, 'Invite an MAH'));
      submit(el.querySelector('#invite-mah'));
      await flush();
      const field = byLabel(el, 'Invitation code');
      act(() => field.blur());
      field.setSelectionRange(0, 0);
      click(button(el, 'Copy'));
      await flush();
      expect(document.activeElement).toBe(field);
      expect([field.selectionStart, field.selectionEnd]).toEqual([0, code.length]);
      expect(button(el, 'Copy')).toBeTruthy(); // not "Copied"
      expect(el.querySelector('[data-testid=copy-status]').textContent).toBe('The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    });

    it('shows why no invitation was created, and offers to try again', async () => {
      let fail = true;
      const { el, fake } = inviting(() =>
        fail ? { body: { data: null, errors: [{ message: 'admin only', extensions: { code: 'FORBIDDEN' } }] } } : created(),
      );
      await flush();
      click(button(el, 'Invite an MAH'));
      submit(el.querySelector('#invite-mah'));
      await flush();
      const error = el.querySelector('#invite-mah [data-testid=action-error]');
      expect(error.querySelector('.callout-title').textContent).toBe('No invitation was created');
      expect(error.querySelector('.callout-message').textContent).toBe('admin only');
      expect(el.querySelector('#invite-mah input')).toBeNull();
      fail = false;
      click(button(el, 'Create invitation code'));
      await flush();
      expect(el.querySelector('#invite-mah [data-testid=action-error]')).toBeNull();
      expect(byLabel(el, 'Invitation code').value).toBe(code);
      expect(fake.calls.filter((c) => c.op === 'CreatePartnerInvitation')).toHaveLength(2);
    });

    it('one panel at a time: inviting closes Add a CMO partner', async () => {
      const fake = fakeFetch((op) => {
        if (op === 'Partners') return { body: { data: { partners: [] } } };
        if (op === 'PartnerInvitations') return noInvitations;
        if (op === 'PartnerProducts') return { body: productPage([]) };
        throw new Error(op);
      });
      const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: CMO, role: 'ADMIN' } });
      await flush();
      click(button(el, 'Add a CMO partner'));
      expect(el.querySelector('#add-partner')).not.toBeNull();
      click(button(el, 'Invite an MAH'));
      expect(el.querySelector('#add-partner')).toBeNull();
      expect(el.querySelector('#invite-mah')).not.toBeNull();
      expect(button(el, 'Add a CMO partner').getAttribute('aria-expanded')).toBe('false');
    });
  });

  describe('open invitations (admins)', () => {
    // Local times, so that the expected text does not depend on the time zone.
    const older = { id: 'UGFydG5lckludml0YXRpb246Nw==', code: null, createdAt: new Date(2026, 10, 20, 8, 5, 0).toISOString(), expiresAt: new Date(2026, 10, 27, 8, 5, 0).toISOString() };
    const newer = { id: 'UGFydG5lckludml0YXRpb246OQ==', code: null, createdAt: new Date(2026, 10, 25, 14, 0, 9).toISOString(), expiresAt: new Date(2026, 11, 2, 14, 0, 9).toISOString() };
    const rowsOf = (el) =>
      [...el.querySelectorAll('[data-testid=open-invitations] tbody tr')].map((r) => [...r.children].slice(0, 2).map((c) => c.textContent));

    /** A CMO admin's page; `list` and `revoke` answer PartnerInvitations and RevokePartnerInvitation. */
    async function listing({ list, revoke, create } = {}) {
      const fake = fakeFetch((op, v) => {
        if (op === 'Partners') return { body: { data: { partners: [{ tenant: MAH, role: 'MAH' }] } } };
        if (op === 'PartnerProducts') return { body: productPage([{ ...amox, source: 'PARTNER' }]) };
        if (op === 'PartnerInvitations') return list();
        if (op === 'RevokePartnerInvitation') return revoke(v);
        if (op === 'CreatePartnerInvitation') return create();
        throw new Error(op);
      });
      const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: CMO, role: 'ADMIN' } });
      await flush();
      return { el, fake };
    }
    const invitations = (xs) => ({ body: { data: { partnerInvitations: xs } } });

    it('lists them for an admin, newest first, with when each was created and until when it is valid', async () => {
      const { el, fake } = await listing({ list: () => invitations([newer, older]) });
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations').map((c) => c.variables)).toEqual([{}]);
      const section = el.querySelector('[data-testid=open-invitations]');
      expect(section.querySelector('h2').textContent).toBe('Open invitations');
      expect([...section.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Created', 'Valid until', 'Actions']);
      expect(rowsOf(el)).toEqual([
        ['2026-11-25 14:00:09 UTC', '2026-12-02 14:00:09 UTC'],
        ['2026-11-20 08:05:00 UTC', '2026-11-27 08:05:00 UTC'],
      ]);
      const times = [...section.querySelectorAll('tbody tr')[0].querySelectorAll('time')].map((t) => t.getAttribute('datetime'));
      expect(times).toEqual([newer.createdAt, newer.expiresAt]);
      expect([...section.querySelectorAll('tbody button')].map((b) => b.textContent)).toEqual(['Revoke', 'Revoke']);
      // The partners are there too.
      expect(el.querySelector('article.partner-card[data-role=MAH]')).not.toBeNull();
    });

    it('shows no section while there are none', async () => {
      const { el } = await listing({ list: () => invitations([]) });
      expect(el.querySelector('article.partner-card')).not.toBeNull();
      expect(el.querySelector('[data-testid=open-invitations]')).toBeNull();
      expect(el.textContent).not.toContain('Open invitations');
    });

    it('Revoke asks first; Yes revokes that invitation and removes its row, No keeps it', async () => {
      const { el, fake } = await listing({
        list: () => invitations([newer, older]),
        revoke: (v) => ({ body: { data: { revokePartnerInvitation: { id: v.id } } } }),
      });
      const revokes = () => fake.calls.filter((c) => c.op === 'RevokePartnerInvitation').map((c) => c.variables);
      const row = () => el.querySelector(`[data-testid=open-invitations] tr[data-id="${older.id}"]`);
      const revoke = button(row(), 'Revoke');
      click(revoke);
      expect(revokes()).toEqual([]); // nothing before the answer
      expect(row().querySelector('.confirm').textContent).toContain('Revoke?');
      const no = button(row(), 'No');
      expect(document.activeElement).toBe(no);
      expect(button(row(), 'Yes').getAttribute('aria-describedby')).toMatch(/-ask .*-created$/);
      click(no);
      expect(revokes()).toEqual([]);
      expect(row().querySelector('.confirm')).toBeNull();
      expect(document.activeElement).toBe(button(row(), 'Revoke'));

      click(button(row(), 'Revoke'));
      click(button(row(), 'Yes'));
      await flush();
      expect(revokes()).toEqual([{ id: older.id }]);
      expect(row()).toBeNull();
      expect(rowsOf(el)).toEqual([['2026-11-25 14:00:09 UTC', '2026-12-02 14:00:09 UTC']]);
      expect(document.activeElement).toBe(el.querySelector('#invitations-title'));
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations')).toHaveLength(1); // removed, not asked again

      // The last one: the section goes, the focus to the page's title.
      click(button(el.querySelector('[data-testid=open-invitations]'), 'Revoke'));
      click(button(el.querySelector('[data-testid=open-invitations]'), 'Yes'));
      await flush();
      expect(revokes()).toEqual([{ id: older.id }, { id: newer.id }]);
      expect(el.querySelector('[data-testid=open-invitations]')).toBeNull();
      expect(document.activeElement).toBe(el.querySelector('#partners-title'));
    });

    it('shows why an invitation was not revoked, and keeps its row', async () => {
      const { el, fake } = await listing({
        list: () => invitations([newer]),
        revoke: () => ({ body: { data: null, errors: [{ message: 'admin only', extensions: { code: 'FORBIDDEN' } }] } }),
      });
      const section = el.querySelector('[data-testid=open-invitations]');
      click(button(section, 'Revoke'));
      click(button(section, 'Yes'));
      await flush();
      expect(fake.calls.filter((c) => c.op === 'RevokePartnerInvitation').map((c) => c.variables)).toEqual([{ id: newer.id }]);
      const error = section.querySelector('[data-testid=action-error] [role=alert]');
      expect(error.querySelector('.callout-title').textContent).toBe('The invitation was not revoked');
      expect(error.querySelector('.callout-message').textContent).toBe('admin only');
      expect(rowsOf(el)).toEqual([['2026-11-25 14:00:09 UTC', '2026-12-02 14:00:09 UTC']]);
      expect(document.activeElement).toBe(button(section, 'Revoke')); // asks again on the next try
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations')).toHaveLength(1);
    });

    it('an invitation no longer open (used meanwhile): says so and reloads the list', async () => {
      let open = [newer, older];
      const { el, fake } = await listing({
        list: () => invitations(open),
        revoke: () => {
          open = [older]; // the MAH's admin entered it meanwhile
          return { body: { data: null, errors: [{ message: 'no such open invitation', extensions: { code: 'NOT_FOUND' } }] } };
        },
      });
      const section = el.querySelector('[data-testid=open-invitations]');
      click(button(section.querySelector(`tr[data-id="${newer.id}"]`), 'Revoke'));
      click(button(section, 'Yes'));
      await flush();
      expect(section.querySelector('[data-testid=action-error] .callout-message').textContent).toBe('no such open invitation');
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations')).toHaveLength(2);
      expect(rowsOf(el)).toEqual([['2026-11-20 08:05:00 UTC', '2026-11-27 08:05:00 UTC']]);
    });

    it('a new invitation appears in the list (it is asked again)', async () => {
      let open = [];
      const { el, fake } = await listing({
        list: () => invitations(open),
        create: () => {
          open = [newer];
          return { body: { data: { createPartnerInvitation: { id: newer.id, code: 'spi_new', expiresAt: newer.expiresAt } } } };
        },
      });
      expect(el.querySelector('[data-testid=open-invitations]')).toBeNull();
      click(button(el, 'Invite an MAH'));
      submit(el.querySelector('#invite-mah'));
      await flush();
      expect(byLabel(el, 'Invitation code').value).toBe('spi_new');
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations')).toHaveLength(2);
      expect(rowsOf(el)).toEqual([['2026-11-25 14:00:09 UTC', '2026-12-02 14:00:09 UTC']]);
      expect(el.querySelector('[data-testid=open-invitations]').textContent).not.toContain('spi_new'); // the code only once
    });

    it('when they cannot be loaded: the error with Try again, and the partners still show', async () => {
      let fail = true;
      const { el, fake } = await listing({
        list: () =>
          fail ? { body: { data: null, errors: [{ message: 'the database is unavailable', extensions: { code: 'UNAVAILABLE' } }] } } : invitations([older]),
      });
      const section = el.querySelector('[data-testid=open-invitations]');
      const error = section.querySelector('.state-error');
      expect(error.querySelector('.state-title').textContent).toBe('The open invitations could not be loaded');
      expect(error.querySelector('.state-message').textContent).toBe('the database is unavailable');
      expect(el.querySelector('article.partner-card[data-role=MAH] h3').textContent).toBe('Demo Pharma');
      expect(el.querySelectorAll('.state-error')).toHaveLength(1); // the partners' own load went well
      fail = false;
      click(button(section, 'Try again'));
      await flush();
      expect(fake.calls.filter((c) => c.op === 'PartnerInvitations')).toHaveLength(2);
      expect(el.querySelector('.state-error')).toBeNull();
      expect(rowsOf(el)).toEqual([['2026-11-20 08:05:00 UTC', '2026-11-27 08:05:00 UTC']]);
    });

    it('a failing partners query does not hide them', async () => {
      const fake = fakeFetch((op) => {
        if (op === 'Partners') return { body: { data: null, errors: [{ message: 'boom', extensions: { code: 'INTERNAL' } }] } };
        if (op === 'PartnerProducts') return { body: productPage([]) };
        if (op === 'PartnerInvitations') return invitations([older]);
        throw new Error(op);
      });
      const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: CMO, role: 'ADMIN' } });
      await flush();
      expect(el.querySelector('.state-error .state-title').textContent).toBe('The partners could not be loaded');
      expect(rowsOf(el)).toEqual([['2026-11-20 08:05:00 UTC', '2026-11-27 08:05:00 UTC']]);
    });
  });

  it.each([
    ['MAH', 'VIEWER'],
    ['MAH', 'OPERATOR'],
    ['CMO', 'VIEWER'],
    ['CMO', 'OPERATOR'],
  ])('%s %s: sees neither the add nor the invite form', async (as, role) => {
    const { el, fake } = await setup(as, role);
    expect(el.querySelector('article.partner-card')).not.toBeNull();
    expect(el.querySelector('.page-actions')).toBeNull();
    expect(el.querySelector('#add-partner, #invite-mah')).toBeNull();
    expect([...el.querySelectorAll('button')].map((b) => b.textContent)).not.toContainEqual(expect.stringMatching(/Add a CMO|Invite/));
    expect(fake.calls.map((c) => c.op)).not.toContain('CreatePartnerInvitation');
    // Open invitations are the admins' business: not even asked for.
    expect(fake.calls.map((c) => c.op)).not.toContain('PartnerInvitations');
    expect(el.querySelector('[data-testid=open-invitations]')).toBeNull();
    expect(el.textContent).not.toContain('Open invitations');
  });

  it('without partnerships, a non-admin is told that an admin sets them up', async () => {
    const fake = fakeFetch((op) => {
      if (op === 'Partners') return { body: { data: { partners: [] } } };
      if (op === 'PartnerProducts') return { body: productPage([amox]) };
      throw new Error(op);
    });
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: MAH, role: 'OPERATOR' } });
    await flush();
    expect(el.querySelector('.state-title').textContent).toBe('No partnerships yet');
    expect(el.querySelector('.state-message').textContent).toBe('An admin of your tenant sets up partnerships.');
    expect(el.querySelector('.page-actions')).toBeNull();
  });

  it('reads every page of products for the choices, and says so when they cannot be loaded', async () => {
    const second = product({ code: '04012340051013', name: 'Ibuprofen', owner: MAH });
    let fail = true;
    const fake = fakeFetch((op, v) => {
      if (op === 'Partners') return { body: { data: { partners: [{ tenant: CMO, role: 'CMO' }] } } };
      if (op === 'PartnerProducts') {
        if (fail) return { body: { data: null, errors: [{ message: 'the query costs too much', extensions: { code: 'QUERY_TOO_COMPLEX' } }] } };
        return { body: v.after ? productPage([second]) : productPage([amox], { hasNextPage: true }) };
      }
      throw new Error(op);
    });
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: { tenant: MAH, role: 'OPERATOR' } });
    await flush();
    expect(el.querySelector('.state-error').textContent).toContain('The products could not be loaded');
    expect(el.querySelector('.state-error').dataset.code).toBe('QUERY_TOO_COMPLEX'); // not in the text
    fail = false;
    click(button(el, 'Try again'));
    await flush();
    const calls = fake.calls.filter((c) => c.op === 'PartnerProducts');
    expect(calls.slice(1).map((c) => c.variables)).toEqual([
      { first: 500, after: null },
      { first: 500, after: `c-${amox.code}` },
    ]);
    const options = [...byLabel(el, 'Product').options].map((o) => o.value);
    expect(options).toEqual(['', amox.code, second.code]);
    expect(el.querySelector('.state-error')).toBeNull();
  });
});
