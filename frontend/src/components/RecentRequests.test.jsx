import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../api.js';
import { button, byLabel, click, fakeFetch, flush, mahViewer, mount, noSerialRequests, product, productPage, setValue, submit, unmountAll } from '../test-utils.jsx';
import { ProductList } from './ProductList.jsx';

const amox = product({ code: '04012340051006', requestCap: 500000, replenishTo: null });

/** Requests R12 (newest) … R1: R11 is an assignment to a partner. */
function pastRequests(n = 12) {
  return Array.from({ length: n }, (_, i) => {
    const k = n - i;
    return {
      id: `R${k}`,
      orderRef: k === 11 ? null : `PO-${k}`,
      count: k === 1 ? 1 : k * 10,
      createdAt: `2026-05-${String(k).padStart(2, '0')}T09:00:00Z`,
      partner: k === 11 ? { id: 't2', name: 'Contract Pack GmbH' } : null,
      product: { id: amox.id, code: amox.code },
    };
  });
}

/** A server holding the requests of one product; a new request goes on top. */
function server({ requests = pastRequests(), fail = () => false } = {}) {
  let all = [...requests];
  return fakeFetch((op, v) => {
    if (op === 'Products') return { body: productPage([amox]) };
    if (op === 'ProductPool') return { body: { data: { product: { ...amox } } } };
    if (op === 'SerialRequests') {
      if (fail(v)) return { body: { errors: [{ message: 'database unavailable', extensions: { code: 'UNAVAILABLE' } }] } };
      const mine = all.filter((r) => r.product.code === v.filter.productCode);
      const start = v.after ? mine.findIndex((r) => r.id === v.after) + 1 : 0;
      const page = mine.slice(start, start + v.first);
      return {
        body: {
          data: {
            serialRequests: {
              edges: page.map((node) => ({ cursor: node.id, node })),
              pageInfo: { hasNextPage: start + v.first < mine.length, endCursor: page.at(-1)?.id ?? null },
            },
          },
        },
      };
    }
    if (op === 'OrderRequests') return noSerialRequests; // the order is new
    if (op === 'RequestSerials') {
      const made = { id: 'R99', orderRef: v.input.orderRef, count: v.input.count, createdAt: '2026-06-01T10:00:00Z', partner: null, product: { id: amox.id, code: amox.code } };
      all = [made, ...all];
      return { body: { data: { requestSerials: { ...made, serials: { edges: [], pageInfo: { hasNextPage: true } } } } } };
    }
    if (op === `GET /api/v2/requests/R12/serials.csv`) {
      return { text: 'product_code,serial\n04012340051006,SN1\n', headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="r12.csv"' } };
    }
    throw new Error(`unexpected ${op}`);
  });
}

async function open(role, fake = server()) {
  const el = mount(<ProductList />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: mahViewer(role) });
  await flush();
  click(el.querySelector(`button[aria-label="Expand ${amox.code}"]`));
  await flush();
  return { el, fake, recent: el.querySelector('[data-testid=recent-requests]') };
}

const items = (recent) => [...recent.querySelectorAll('.request-item')];
const calls = (fake) => fake.calls.filter((c) => c.op === 'SerialRequests').map((c) => c.variables);

describe('Recent requests of a product', () => {
  beforeEach(() => history.replaceState(null, '', '/'));
  afterEach(unmountAll);

  it('lists the latest 10 for a viewer too: time, order or partner, count and a CSV link each', async () => {
    const { recent, fake } = await open('VIEWER');
    expect(recent.querySelector('h3').textContent).toBe('Recent requests');
    expect(calls(fake)).toEqual([{ filter: { productCode: amox.code }, first: 10, after: null }]);
    const list = items(recent);
    expect(list).toHaveLength(10);
    const [r12, r11] = list;
    expect(r12.dataset.requestId).toBe('R12');
    expect(r12.querySelector('time').getAttribute('dateTime')).toBe('2026-05-12T09:00:00Z');
    expect(r12.querySelector('time').textContent).toMatch(/^2026-05-1[23] \d\d:00:00 UTC\S*$/);
    expect(r12.querySelector('.request-what').textContent).toBe('PO-12');
    expect(r12.querySelector('.request-count').textContent).toBe('120 serials');
    const csv = r12.querySelector('a');
    expect(csv.getAttribute('href')).toBe('/api/v2/requests/R12/serials.csv');
    expect(csv.getAttribute("download")).toBe("PO-12-2026-05-12.csv"); // order and UTC day, no id
    expect(csv.textContent).toBe('CSV of order PO-12, 120 serials');
    expect(r11.querySelector('.request-what').textContent).toBe('to Contract Pack GmbH');
    expect(r11.querySelector('a').textContent).toBe('CSV of the assignment to Contract Pack GmbH, 110 serials');

    // The link downloads the request's CSV with the key.
    click(csv);
    await flush();
    const get = fake.calls.find((c) => c.op === 'GET /api/v2/requests/R12/serials.csv');
    expect(get.headers['X-CSRF-Token']).toBe('k');
  });

  it('shows more after the last one shown', async () => {
    const { recent, fake } = await open('VIEWER');
    expect(recent.querySelector('.load-more-count').textContent).toBe('Showing 10 requests');
    click(button(recent, 'Show more'));
    await flush();
    expect(calls(fake)[1]).toEqual({ filter: { productCode: amox.code }, first: 10, after: 'R3' });
    expect(items(recent).map((li) => li.dataset.requestId).slice(-3)).toEqual(['R3', 'R2', 'R1']);
    expect(items(recent).at(-1).querySelector('.request-count').textContent).toBe('1 serial');
    expect(recent.querySelector('.load-more-count').textContent).toBe('All 12 requests shown');
  });

  it('says when there are none, and offers Try again when they could not be read', async () => {
    const none = await open('VIEWER', server({ requests: [] }));
    expect(none.recent.querySelector('.empty-hint').textContent).toBe('Your tenant has made no requests for this product yet.');
    expect(none.recent.querySelector('.load-more')).toBeNull();
    unmountAll();

    let failing = true;
    const { recent } = await open('VIEWER', server({ fail: () => failing }));
    expect(recent.querySelector('.state-error').textContent).toContain('The requests could not be loaded');
    expect(items(recent)).toHaveLength(0);
    failing = false;
    click(button(recent, 'Try again'));
    await flush();
    expect(recent.querySelector('.state-error')).toBeNull();
    expect(items(recent)).toHaveLength(10);
  });

  it('reads the list again after a request from the same panel: the new one is on top', async () => {
    const { el, recent, fake } = await open('OPERATOR');
    const detail = el.querySelector('tr.detail-row');
    click(button(detail, 'Request for an order'));
    setValue(byLabel(detail, 'Number of serials'), '25');
    setValue(byLabel(detail, 'Order reference'), 'PO-NEW');
    submit(detail.querySelector('.action-panel form'));
    await flush();
    expect(calls(fake)).toHaveLength(2);
    expect(calls(fake)[1]).toEqual({ filter: { productCode: amox.code }, first: 10, after: null });
    const first = items(recent)[0];
    expect(first.dataset.requestId).toBe('R99');
    expect(first.querySelector('.request-what').textContent).toBe('PO-NEW');
    expect(first.querySelector('a').getAttribute('href')).toBe('/api/v2/requests/R99/serials.csv');
  });
});
