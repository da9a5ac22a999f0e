import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { button, byLabel, click, fakeFetch, flush, mount, product, productPage, setValue, submit, unmountAll } from '../test-utils.jsx';
import { PartnersPage } from './PartnersPage.jsx';

const MAH = { id: 't1', name: 'Demo Pharma' };
const CMO = { id: 't2', name: 'Demo Contract Manufacturing' };
const amox = product({ code: '04012340051006', owner: MAH, requestCap: 1000, pool: { available: 500, assigned: 0, total: 500, low: false } });

function server(as) {
  return fakeFetch((op, v) => {
    if (op === 'Partners') return { body: { data: { partners: as === 'MAH' ? [{ tenant: CMO, role: 'CMO' }] : [{ tenant: MAH, role: 'MAH' }] } } };
    if (op === 'PartnerProducts') {
      const p = as === 'MAH' ? amox : { ...amox, source: 'PARTNER', pool: { available: 70, assigned: 30, total: 100, low: false } };
      return { body: productPage([p]) };
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
  const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getKey: () => 'k' }), viewer });
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
    expect(el.textContent).not.toContain('Add a CMO partner'); // operators do not add partnerships
    setValue(byLabel(card, 'Product'), amox.code);
    expect(card.querySelector('[id$=-as-count-hint]').textContent).toBe('500 available · at most 1,000');
    setValue(byLabel(card, 'Number of serials'), '1001');
    submit(card.querySelector('form'));
    expect(card.querySelector('.field-error').textContent).toBe('The number of serials must be at most 1,000.');
    setValue(byLabel(card, 'Number of serials'), '30');
    submit(card.querySelector('form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'AssignSerialsToPartner').variables).toEqual({
      input: { productCode: amox.code, partner: 't2', count: 30 },
    });
    expect(card.querySelector('[data-testid=request-result] [role=status]').textContent).toBe('30 serials assigned to Demo Contract Manufacturing.');
    // The products are asked again (their Available counts changed).
    expect(fake.calls.filter((c) => c.op === 'PartnerProducts')).toHaveLength(2);
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
    expect(get.headers.Authorization).toBe('Bearer k');
    expect(URL.createObjectURL).toHaveBeenCalledOnce();
    const saved = clicked.mock.contexts.find((a) => a.href === 'blob:x');
    expect(saved.download).toBe('partner-serials.csv');
    expect(card.querySelector('[role=status]').textContent).toBe('Saved partner-serials.csv (2 rows).');
  });

  it('a CMO sees its MAH and the products it received from it, and cannot add partners', async () => {
    const { el } = await setup('CMO', 'ADMIN');
    expect(el.querySelector('.page-subtitle').textContent).toContain('You see only the serials assigned to you.');
    const card = el.querySelector('article.partner-card[data-role=MAH]');
    expect(card.querySelector('h3').textContent).toBe('Demo Pharma');
    expect(card.querySelector('.partner-role').textContent).toBe('Marketing authorization holder');
    const row = card.querySelector('tbody tr');
    expect([...row.children].map((c) => c.textContent)).toEqual([amox.code, amox.name, '70', '30']);
    expect(row.querySelector('a').getAttribute('href')).toBe(`/pool/serial-numbers?search=${amox.code}`);
    expect(el.querySelector('article[data-role=CMO]')).toBeNull();
    expect(el.textContent).not.toContain('Add a CMO partner');
  });

  it('an MAH admin adds a CMO partner by tenant id', async () => {
    const fake = fakeFetch((op, v) => {
      if (op === 'Partners') return { body: { data: { partners: [] } } };
      if (op === 'PartnerProducts') return { body: productPage([amox]) };
      if (op === 'CreatePartnership') return { body: { data: { createPartnership: { tenant: { id: v.input.cmoTenantId, name: 'New CMO' }, role: 'CMO' } } } };
      throw new Error(op);
    });
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getKey: () => 'k' }), viewer: { tenant: MAH, role: 'ADMIN' } });
    await flush();
    expect(el.textContent).toContain('No partnerships yet');
    click(button(el, 'Add a CMO partner'));
    setValue(byLabel(el, 'CMO tenant id'), ' VGVuYW50OjM ');
    submit(el.querySelector('#add-partner'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'CreatePartnership').variables).toEqual({ input: { cmoTenantId: 'VGVuYW50OjM' } });
    expect(el.querySelector('[data-testid=action-success]').textContent).toBe('New CMO is now your partner (contract manufacturer).');
    expect(fake.calls.filter((c) => c.op === 'Partners')).toHaveLength(2);
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
    const el = mount(<PartnersPage />, { client: createClient({ fetch: fake.fetch, getKey: () => 'k' }), viewer: { tenant: MAH, role: 'OPERATOR' } });
    await flush();
    expect(el.querySelector('.state-error').textContent).toContain('The products could not be loaded');
    expect(el.querySelector('.state-error').textContent).toContain('QUERY_TOO_COMPLEX');
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
