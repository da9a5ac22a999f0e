import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../api.js';
import { button, byLabel, click, fakeFetch, flush, mahViewer, mount, noSerialRequests, product, productPage, setValue, sign, SIGNATURE, submit, unmountAll } from '../test-utils.jsx';
import { ProductList } from './ProductList.jsx';
import { validateLimits } from './LimitsForm.jsx';

const amox = product({ code: '04012340051006', owner: { id: 't1', name: 'Demo Pharma' }, requestCap: 500000, replenishTo: null, pool: { available: 1000, assigned: 200, total: 1200, low: false } });
const ibu = product({ code: '04012340051013', name: 'Ibuprofen', source: 'SAP_ATTP', owner: { id: 't1', name: 'Demo Pharma' } });
const partner = product({ code: '04012340051051', name: 'Omeprazole', source: 'PARTNER', owner: { id: 't9', name: 'Other MAH' } });

/** A server whose pool changes with the mutations, like the real one. */
function server() {
  let pool = { ...amox.pool };
  let limits = { requestCap: 500000, lowThreshold: 1000, replenishTo: null };
  return fakeFetch((op, v) => {
    if (op === 'Products') return { body: productPage([amox, ibu, partner]) };
    if (op === 'ProductPool') return { body: { data: { product: { id: amox.id, code: amox.code, ...limits, pool } } } };
    if (op === 'RequestSerials') {
      const n = v.input.count;
      pool = { ...pool, available: pool.available - n, assigned: pool.assigned + n };
      const edges = Array.from({ length: Math.min(n, 10) }, (_, i) => ({ node: { id: `s${i}`, value: `SN${i}` } }));
      return {
        body: {
          data: {
            requestSerials: { id: 'R1', orderRef: v.input.orderRef, count: n, createdAt: '2026-11-25T09:00:00Z', partner: null, product: { code: amox.code }, serials: { edges, pageInfo: { hasNextPage: n > 10 } } },
          },
        },
      };
    }
    if (op === 'GenerateSerials') {
      pool = { ...pool, available: pool.available + v.input.count, total: pool.total + v.input.count };
      return { body: { data: { generateSerials: { batchId: null, productCode: amox.code, source: 'SNM', accepted: v.input.count, duplicates: 0, replayed: false } } } };
    }
    if (op === 'UpdateProductLimits') {
      limits = { ...limits, ...v.input };
      delete limits.productCode;
      return { body: { data: { updateProductLimits: { id: amox.id, code: amox.code, ...limits, pool } } } };
    }
    if (op === 'SerialRequests' || op === 'OrderRequests') return noSerialRequests; // no earlier requests of the order
    throw new Error(`unexpected ${op}`);
  });
}

async function setup(role) {
  const fake = server();
  const el = mount(<ProductList />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: mahViewer(role) });
  await flush();
  return { el, fake };
}

async function expand(el, code) {
  click(el.querySelector(`button[aria-label="Expand ${code}"]`));
  await flush();
  return el.querySelector(`tr.detail-row`);
}

const actions = (detail) => [...detail.querySelectorAll('.action-bar button')].map((b) => b.textContent);
const legend = (detail, status) => detail.querySelector(`.donut-legend li[data-status=${status}] .legend-count`).textContent;

describe('product actions', () => {
  beforeEach(() => history.replaceState(null, '', '/'));
  afterEach(unmountAll);

  it('follow the role and the product', async () => {
    const viewer = await setup('VIEWER');
    expect((await expand(viewer.el, amox.code)).querySelector('.product-actions')).toBeNull();
    unmountAll();
    const operator = await setup('OPERATOR');
    expect(actions(await expand(operator.el, amox.code))).toEqual(['Generate', 'Request for an order', 'Release', 'Upload CSV']);
    unmountAll();
    const admin = await setup('ADMIN');
    expect(actions(await expand(admin.el, amox.code))).toEqual(['Generate', 'Request for an order', 'Release', 'Upload CSV', 'Limits']);
    click(admin.el.querySelector(`button[aria-label="Expand ${amox.code}"]`));
    expect(actions(await expand(admin.el, ibu.code))).toEqual(['Request for an order', 'Release', 'Upload CSV', 'Limits']);
    click(admin.el.querySelector(`button[aria-label="Expand ${ibu.code}"]`));
    // Another tenant's product (seen as a partner): only request and release.
    expect(actions(await expand(admin.el, partner.code))).toEqual(['Request for an order', 'Release']);
  });

  it('one panel at a time, focused on its first field', async () => {
    const { el } = await setup('OPERATOR');
    const detail = await expand(el, amox.code);
    const toggle = button(detail, 'Request for an order');
    click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const panel = detail.querySelector(`#${toggle.getAttribute('aria-controls')}`);
    expect(panel.querySelector('h3').textContent).toBe('Request serials for an order');
    expect(document.activeElement).toBe(byLabel(panel, 'Number of serials'));
    click(button(detail, 'Release'));
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(detail.querySelectorAll('.action-panel')).toHaveLength(1);
    expect(detail.querySelector('.action-panel h3').textContent).toBe('Release serials back to the pool');
  });

  it('a request shows its serials and CSV link, and the donut updates at once (not at the next poll)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { el, fake } = await setup('OPERATOR');
      const detail = await expand(el, amox.code);
      click(button(detail, 'Request for an order'));
      setValue(byLabel(detail, 'Number of serials'), '25');
      setValue(byLabel(detail, 'Order reference'), ' PO-4711 ');
      submit(detail.querySelector('.action-panel form'));
      await flush();
      expect(fake.calls.find((c) => c.op === 'RequestSerials').variables).toEqual({
        input: { productCode: amox.code, count: 25, orderRef: 'PO-4711', idempotencyKey: expect.stringMatching(/^web-[0-9a-f]{32}$/) },
      });
      const result = detail.querySelector('[data-testid=request-result]');
      expect(result.querySelector('[role=status]').textContent).toBe('25 serials assigned to order PO-4711.');
      expect(result.querySelector('.preview-title').textContent).toBe('First 10 of 25 serials');
      expect([...result.querySelectorAll('.serial-preview a')].map((a) => a.getAttribute('href'))[0]).toBe(`/pool/pack-history?product=${amox.code}&serial=SN0`);
      const csv = [...result.querySelectorAll('a')].find((a) => a.textContent.includes('Download CSV'));
      expect(csv.getAttribute('href')).toBe('/api/v2/requests/R1/serials.csv');
      expect(csv.textContent).toBe('Download CSV (25 serials)');
      // No timer has run: the refresh came from the action itself.
      expect(fake.calls.filter((c) => c.op === 'ProductPool')).toHaveLength(1);
      expect(legend(detail, 'ASSIGNED')).toBe('225 serials');
      expect(legend(detail, 'AVAILABLE')).toBe('975 serials');
      expect(el.querySelector(`tr.product-row[data-code="${amox.code}"] .available-count`).textContent).toBe('975');
    } finally {
      vi.useRealTimers();
    }
  });

  it('checks the request before sending it (count within the cap, an order reference)', async () => {
    const { el, fake } = await setup('OPERATOR');
    const detail = await expand(el, amox.code);
    click(button(detail, 'Request for an order'));
    setValue(byLabel(detail, 'Number of serials'), '500001');
    submit(detail.querySelector('.action-panel form'));
    expect(detail.querySelector('.field-error').textContent).toBe('The number of serials must be at most 500,000.');
    setValue(byLabel(detail, 'Number of serials'), '1,000');
    submit(detail.querySelector('.action-panel form'));
    expect(detail.querySelector('.field-error').textContent).toBe('Enter the order or line reference.');
    expect(document.activeElement).toBe(byLabel(detail, 'Order reference'));
    expect(fake.calls.filter((c) => c.op === 'RequestSerials')).toHaveLength(0);
  });

  it('generates (random by default, sequential on request) and refreshes the counts', async () => {
    const { el, fake } = await setup('OPERATOR');
    const detail = await expand(el, amox.code);
    click(button(detail, 'Generate'));
    setValue(byLabel(detail, 'Number of serials'), '5000');
    click(detail.querySelector('input[value=SEQUENTIAL]'));
    submit(detail.querySelector('.action-panel form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'GenerateSerials').variables).toEqual({ input: { productCode: amox.code, count: 5000, mode: 'SEQUENTIAL' } });
    expect(detail.querySelector('[data-testid=action-success]').textContent).toBe('Generated 5,000 serials (sequential); they are Available now.');
    expect(legend(detail, 'AVAILABLE')).toBe('6,000 serials');
  });

  it('admins edit the limits; only changed fields are sent and the details follow', async () => {
    const { el, fake } = await setup('ADMIN');
    const detail = await expand(el, amox.code);
    click(button(detail, 'Limits'));
    expect(byLabel(detail, 'Cap per request').value).toBe('500000');
    setValue(byLabel(detail, 'Cap per request'), '20000');
    setValue(byLabel(detail, 'Replenish up to'), '50000');
    expect(detail.querySelector('[data-testid=signature-statement]').textContent).toBe(`You are signing: Change the limits of ${amox.code}`);
    submit(detail.querySelector('.action-panel form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'UpdateProductLimits')).toBeUndefined(); // not signed yet
    expect(detail.querySelector('[data-testid=signature-problem]').textContent).toBe('Enter your password to sign.');
    sign(detail);
    submit(detail.querySelector('.action-panel form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'UpdateProductLimits').variables).toEqual({
      input: { productCode: amox.code, requestCap: 20000, replenishTo: 50000 },
      signature: SIGNATURE,
    });
    expect(detail.querySelector('[data-testid=request-cap]').textContent).toBe('20,000');
    expect(detail.querySelector('[data-testid=replenish-to]').textContent).toBe('up to 50,000');
    expect(detail.querySelector('[data-testid=action-success]').textContent).toBe(
      'Limits saved: cap 20,000 per request, low below 1,000, replenishment up to 50,000.',
    );
  });
});

describe('validateLimits', () => {
  const current = { requestCap: 500000, lowThreshold: 1000, replenishTo: null };
  const form = (o) => ({ requestCap: '500000', lowThreshold: '1000', replenishTo: '', ...o });

  it('sends nothing when nothing changed', () => {
    expect(validateLimits(form({}), current)).toEqual({ changes: {}, errors: { requestCap: null, lowThreshold: null, replenishTo: null } });
    expect(validateLimits(form({ replenishTo: '0' }), current).changes).toEqual({});
  });

  it('checks the bounds and that replenishment goes above the threshold', () => {
    expect(validateLimits(form({ requestCap: '0' }), current).errors.requestCap).toBe('The cap per request must be at least 1.');
    expect(validateLimits(form({ requestCap: '10000001' }), current).errors.requestCap).toBe('The cap per request must be at most 10,000,000.');
    expect(validateLimits(form({ lowThreshold: '-1' }), current).errors.lowThreshold).toBe('The low threshold must be a whole number.');
    expect(validateLimits(form({ replenishTo: '500' }), current).errors.replenishTo).toMatch(/at least the low threshold/);
    expect(validateLimits(form({ replenishTo: '500' }), current).changes).toBeNull();
  });

  it('turns replenishment off with 0 or an empty field', () => {
    expect(validateLimits(form({ replenishTo: '' }), { ...current, replenishTo: 5000 }).changes).toEqual({ replenishTo: 0 });
    expect(validateLimits(form({ requestCap: '1,000' }), current).changes).toEqual({ requestCap: 1000 });
  });
});
