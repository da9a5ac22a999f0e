import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { setSocketFactory } from '../live.js';
import { click, fakeFetch, flush, mount, noSerialRequests, product, productPage, tick, typeInto, unmountAll } from '../test-utils.jsx';
import { countText, ProductList } from './ProductList.jsx';

const amox = product({ code: '04012345000019', name: 'Amoxicillin 500 mg capsules' });
const ibu = product({
  code: '04012345000026',
  name: 'Ibuprofen 400 mg tablets',
  source: 'SAP_ATTP',
  pool: { available: 12, assigned: 988, total: 1000, low: true },
});

/** A server that filters the two products by code or name. */
function server() {
  return fakeFetch((op, variables) => {
    if (op === 'Products') {
      const q = (variables.search || '').toLowerCase();
      const nodes = [amox, ibu].filter((p) => !q || p.code.includes(q) || p.name.toLowerCase().includes(q));
      return { body: productPage(nodes) };
    }
    if (op === 'ProductPool') {
      return {
        body: { data: { product: { id: amox.id, code: amox.code, lowThreshold: 1000, pool: { available: 12000, assigned: 1023, total: 13023, low: false } } } },
      };
    }
    if (op === 'SerialRequests') return noSerialRequests;
    throw new Error(`unexpected ${op}`);
  });
}

/** @param {ReturnType<typeof fakeFetch>} fake */
function setup(fake, props = {}) {
  const client = createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' });
  return mount(<ProductList {...props} />, { client });
}

const rows = (el) => [...el.querySelectorAll('tr.product-row')];

describe('<ProductList>', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    history.replaceState(null, '', '/');
  });
  afterEach(() => {
    unmountAll();
    vi.useRealTimers();
  });

  it('shows loading, then the products with code, schema, name, source and a low-pool badge', async () => {
    const fake = server();
    const el = setup(fake);
    expect(el.textContent).toContain('Loading products…');
    await flush();
    expect(fake.calls[0].variables).toEqual({ search: null, first: 50, after: null });
    const [first, second] = rows(el);
    expect(rows(el)).toHaveLength(2);
    const cells = (tr) => [tr.querySelector('.code-text'), ...[...tr.children].slice(2, 5)].map((c) => c.textContent);
    expect(cells(first)).toEqual(['04012345000019', 'GTIN', 'Amoxicillin 500 mg capsules', 'SNM']);
    expect(cells(second)).toEqual(['04012345000026', 'GTIN', 'Ibuprofen 400 mg tablets', 'SAP ATTP']);
    expect(first.querySelector('.badge-low')).toBeNull();
    expect(second.querySelector('.badge-low').textContent).toContain('Low pool');
    expect(el.querySelector('[data-testid=product-count]').textContent).toBe('2 products');
  });

  it('debounces the search, queries the server with it and highlights the match', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    const input = el.querySelector('input[type=search]');
    typeInto(input, 'i');
    await tick(100);
    typeInto(input, 'ib');
    await tick(100);
    typeInto(input, 'ibu');
    await tick(249);
    expect(fake.calls.filter((c) => c.op === 'Products')).toHaveLength(1);
    await tick(1);
    await flush();
    const products = fake.calls.filter((c) => c.op === 'Products');
    expect(products).toHaveLength(2);
    expect(products[1].variables.search).toBe('ibu');
    expect(rows(el)).toHaveLength(1);
    // Marked in the name column and in the phone-only copy of the name under the code.
    expect([...el.querySelectorAll('td.name mark')].map((m) => m.textContent)).toEqual(['Ibu']);
    expect([...el.querySelectorAll('.name-inline mark')].map((m) => m.textContent)).toEqual(['Ibu']);
    expect(el.querySelector('[data-testid=product-count]').textContent).toBe('1 product matches “ibu”');
    expect(location.search).toBe('?search=ibu');
  });

  it('shows the empty state and Reset filters restores the full list at once', async () => {
    const fake = server();
    history.replaceState(null, '', '/?search=nothing-like-this');
    const el = setup(fake);
    await flush();
    expect(fake.calls[0].variables.search).toBe('nothing-like-this');
    expect(el.textContent).toContain('No products match “nothing-like-this”.');
    const reset = el.querySelector('button[aria-label="Reset filters"]');
    expect(reset.disabled).toBe(false);
    click(reset);
    await flush(); // no debounce wait needed
    expect(fake.calls.at(-1).variables.search).toBeNull();
    expect(el.querySelector('input[type=search]').value).toBe('');
    expect(rows(el)).toHaveLength(2);
    expect(el.querySelector('mark')).toBeNull();
    expect(reset.disabled).toBe(true);
  });

  it('shows an error state with the server message and retries', async () => {
    let fail = true;
    const fake = fakeFetch(() =>
      fail
        ? { body: { errors: [{ message: 'database unavailable', extensions: { code: 'INTERNAL' } }] } }
        : { body: productPage([amox]) },
    );
    const el = setup(fake);
    await flush();
    const alert = el.querySelector('[role=alert]');
    expect(alert.textContent).toContain('The products could not be loaded');
    expect(alert.textContent).toContain('database unavailable');
    fail = false;
    click([...alert.querySelectorAll('button')].find((b) => b.textContent === 'Try again'));
    await flush();
    expect(el.querySelector('[role=alert]')).toBeNull();
    expect(rows(el)).toHaveLength(1);
  });

  it('expands a product into details with the donut legend, refreshed every 5 s', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    const button = el.querySelector('button[aria-label="Expand 04012345000019"]');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const detail = el.querySelector(`#${button.getAttribute('aria-controls')}`);
    expect(detail.textContent).toContain('Demo Pharma'); // owner
    expect(detail.textContent).toContain('Low-pool threshold1,000');
    const legend = () => detail.querySelector('.donut-legend').textContent;
    expect(legend()).toContain('Available: 12,345 serials');
    expect(legend()).toContain('Assigned: 678 serials');
    expect(detail.querySelector('a').getAttribute('href')).toBe('/pool/products/04012345000019/serials');

    await tick(5000);
    await flush();
    expect(fake.calls.filter((c) => c.op === 'ProductPool')).toHaveLength(1);
    expect(legend()).toContain('Available: 12,000 serials');
    expect(legend()).toContain('Assigned: 1,023 serials');
    // The row shows the live count too.
    expect(rows(el)[0].querySelector('.available-count').textContent).toBe('12,000');

    click(button); // collapse: polling stops
    expect(el.querySelector('.detail')).toBeNull();
    await tick(20000);
    expect(fake.calls.filter((c) => c.op === 'ProductPool')).toHaveLength(1);
  });

  it('takes the expanded product’s counts from the poolCounts subscription; “Live · updated” follows each update', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-03-02T10:00:00Z'));
    /** @type {{payload: any, sink: any, disposed: boolean}[]} */
    const subs = [];
    setSocketFactory((key) => ({
      subscribe(payload, sink) {
        const sub = { key, payload, sink, disposed: false };
        subs.push(sub);
        return () => {
          sub.disposed = true;
        };
      },
      dispose() {},
    }));
    try {
      const fake = server();
      const el = setup(fake);
      await flush();
      const button = el.querySelector('button[aria-label="Expand 04012345000019"]');
      click(button);
      expect(subs).toHaveLength(1);
      expect(subs[0].key).toBe('k');
      expect(subs[0].payload.variables).toEqual({ code: '04012345000019' });
      const detail = el.querySelector(`#${button.getAttribute('aria-controls')}`);
      const legend = () => detail.querySelector('.donut-legend').textContent;
      const updated = () => detail.querySelector('.live-note time').getAttribute('datetime');
      expect(updated()).toBe('2026-03-02T10:00:00.000Z');

      const push = (available, assigned) =>
        act(() =>
          subs[0].sink.next({
            data: { poolCounts: { productCode: amox.code, lowThreshold: 1000, pool: { available, assigned, total: available + assigned, low: false } } },
          }),
        );
      vi.setSystemTime(new Date('2026-03-02T10:00:01Z'));
      push(12345, 678); // the current counts, at once
      await flush();
      expect(updated()).toBe('2026-03-02T10:00:01.000Z');
      vi.setSystemTime(new Date('2026-03-02T10:00:07Z'));
      push(12300, 723); // a change
      await flush();
      expect(legend()).toContain('Available: 12,300 serials');
      expect(legend()).toContain('Assigned: 723 serials');
      expect(rows(el)[0].querySelector('.available-count').textContent).toBe('12,300');
      expect(detail.querySelector('.live-note').textContent).toContain(
        `Live · updated ${new Date('2026-03-02T10:00:07Z').toLocaleTimeString('en-GB')}`,
      );
      expect(updated()).toBe('2026-03-02T10:00:07.000Z');

      await tick(20000);
      expect(fake.calls.filter((c) => c.op === 'ProductPool')).toHaveLength(0); // no polling

      // The product stops being visible: NOT_FOUND.
      act(() => subs[0].sink.next({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] }));
      await flush();
      expect(detail.textContent).toContain('This product is no longer visible to your tenant.');
      expect(subs[0].disposed).toBe(true);
    } finally {
      setSocketFactory(null);
    }
  });

  it('keeps the counts of collapsed rows live: the page is read again every 5 s', async () => {
    let available = 12345;
    const fake = fakeFetch((op) => {
      if (op !== 'Products') throw new Error(`unexpected ${op}`);
      return { body: productPage([{ ...amox, pool: { available, assigned: 678, total: available + 678, low: false } }, ibu]) };
    });
    const el = setup(fake);
    await flush();
    const count = () => rows(el)[0].querySelector('.available-count').textContent;
    expect(count()).toBe('12,345');
    available = 12095; // another user took 250
    await tick(4999);
    await flush();
    expect(count()).toBe('12,345');
    await tick(1);
    await flush();
    expect(count()).toBe('12,095');
    expect(rows(el)[0].querySelector('button').getAttribute('aria-expanded')).toBe('false');
    const polls = fake.calls.filter((c) => c.op === 'Products');
    expect(polls).toHaveLength(2);
    expect(polls[1].variables).toEqual(polls[0].variables); // the same page, one query
    unmountAll();
    await tick(20000);
    expect(fake.calls.filter((c) => c.op === 'Products')).toHaveLength(2); // stopped with the list
  });

  it('Escape collapses the row it is pressed in (focus back on its button); Collapse all closes every row', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    const [a, b] = ['04012345000019', '04012345000026'].map((c) => el.querySelector(`button[aria-label="Expand ${c}"]`));
    expect([...el.querySelectorAll('button')].some((x) => x.textContent === 'Collapse all')).toBe(false);
    click(a);
    click(b);
    await flush();
    const detail = el.querySelector(`#${a.getAttribute('aria-controls')}`);
    act(() => {
      detail.querySelector('a').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(a.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(a);
    expect(b.getAttribute('aria-expanded')).toBe('true');
    click([...el.querySelectorAll('button')].find((x) => x.textContent === 'Collapse all'));
    expect(b.getAttribute('aria-expanded')).toBe('false');
    expect(el.querySelectorAll('tr.detail-row')).toHaveLength(0);
  });

  it('words the result count', () => {
    expect(countText(1234, '')).toBe('1,234 products');
    expect(countText(1, '')).toBe('1 product');
    expect(countText(0, 'zzz')).toBe('0 products match “zzz”');
  });

  it('pages with the end cursor and shows the total count', async () => {
    const fake = fakeFetch((op, variables) => ({
      body: variables.after ? productPage([ibu], { totalCount: 51 }) : productPage([amox], { hasNextPage: true, totalCount: 51 }),
    }));
    const el = setup(fake);
    await flush();
    expect(el.querySelector('.pager-range').textContent).toBe('Showing 1–1 of 51 products');
    const next = [...el.querySelectorAll('.pager button')].find((b) => b.textContent === 'Next');
    click(next);
    await flush();
    expect(fake.calls.at(-1).variables.after).toBe('c-04012345000019');
    expect(rows(el)[0].dataset.code).toBe('04012345000026');
    expect(el.querySelector('.pager-range').textContent).toBe('Showing 51–51 of 51 products');
    const prev = [...el.querySelectorAll('.pager button')].find((b) => b.textContent === 'Previous');
    click(prev);
    await flush();
    expect(fake.calls.at(-1).variables.after).toBeNull();
  });
});
