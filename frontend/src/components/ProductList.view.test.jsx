import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../api.js';
import { click, fakeFetch, flush, mount, product, productPage, setValue, unmountAll } from '../test-utils.jsx';
import { ProductList } from './ProductList.jsx';
import { useLocation } from '../router.js';

const a = product({ code: '04012345000019', name: 'Amoxicillin, 500 mg', source: 'TRACELINK' });
const b = product({ code: '04012345000026', name: 'Ibuprofen', codeSchema: 'NTIN', pool: { available: 3, assigned: 1, total: 4, low: true } });
const c = product({ code: '04012345000033', name: 'Cetirizine' });

/** The list as the app shows it: re-rendered on every navigation, as Routes does. */
function Routed() {
  useLocation();
  return <ProductList />;
}

/** A server of three products, two a page; `before` and DESC read backwards. */
function server() {
  return fakeFetch((op, v) => {
    if (op !== 'Products') throw new Error(`unexpected ${op}`);
    let all = [a, b, c];
    if (v.source) all = all.filter((p) => p.source === v.source);
    if (v.orderBy?.direction === 'DESC') all = [...all].reverse();
    const from = v.after ? all.findIndex((p) => `c-${p.code}` === v.after) + 1 : 0;
    const nodes = all.slice(from, from + v.first);
    return { body: productPage(nodes, { hasNextPage: from + v.first < all.length, totalCount: all.length }) };
  });
}

const rows = (el) => [...el.querySelectorAll('tr.product-row')].map((r) => r.dataset.code);
const button = (el, text) => [...el.querySelectorAll('button')].find((x) => x.textContent.trim() === text);

describe('<ProductList> view', () => {
  beforeEach(() => history.replaceState(null, '', '/pool/serial-numbers?size=25'));
  afterEach(() => {
    unmountAll();
    vi.restoreAllMocks();
  });

  it('sorts by a column on the server, toggles the direction, and keeps it in the address', async () => {
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    const name = el.querySelector('button[data-sort=name]');
    click(name);
    await flush();
    expect(fake.calls.at(-1).variables.orderBy).toEqual({ field: 'NAME', direction: 'ASC' });
    expect(location.search).toBe('?sort=name&size=25');
    expect(name.closest('th').getAttribute('aria-sort')).toBe('ascending');
    click(name);
    await flush();
    expect(fake.calls.at(-1).variables.orderBy).toEqual({ field: 'NAME', direction: 'DESC' });
    expect(name.closest('th').getAttribute('aria-sort')).toBe('descending');
    expect(location.search).toBe('?sort=name&dir=desc&size=25');
    history.back();
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    expect(location.search).toBe('?sort=name&size=25');
    expect(name.closest('th').getAttribute('aria-sort')).toBe('ascending');
  });

  it('filters by source, and pages forward and back by cursors in the address', async () => {
    history.replaceState(null, '', '/pool/serial-numbers?size=25');
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    setValue(el.querySelector('#product-source'), 'TRACELINK');
    await flush();
    expect(fake.calls.at(-1).variables.source).toBe('TRACELINK');
    expect(rows(el)).toEqual([a.code]);
    expect(el.querySelector('[data-testid=product-count]').textContent).toBe('1 product matches the filters');

    setValue(el.querySelector('#product-source'), '');
    await flush();
    // Two a page by a size the server allows but the address does not know is the default: read 25.
    expect(fake.calls.at(-1).variables.first).toBe(25);
  });

  it('goes back a page by reading before its first row in the reverse order', async () => {
    history.replaceState(null, '', '/pool/serial-numbers?after=c-04012345000019&page=2&size=25');
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(rows(el)).toEqual([b.code, c.code]);
    click(button(el, 'Previous'));
    await flush();
    const back = fake.calls.find((x) => x.variables.after === `c-${b.code}`);
    expect(back?.variables.orderBy).toEqual({ field: 'CODE', direction: 'DESC' });
    // The page before b is only a: the start, shown as the first page (replacing the entry).
    expect(fake.calls.at(-1).variables).toMatchObject({ after: null, first: 25 });
    expect(location.search).toBe('?size=25');
    expect(rows(el)).toEqual([a.code, b.code, c.code]);
  });

  it('exports every product of the filters as CSV, named by the UTC day', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T23:59:00Z'));
    const saved = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (saved.push(blob), 'blob:x'));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push(this.download);
    });
    try {
      const fake = server();
      const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
      await flush();
      click(el.querySelector('[data-testid=export-products]'));
      await flush();
      const exportCall = fake.calls.filter((x) => x.variables.first === 1000);
      expect(exportCall).toHaveLength(1);
      expect(saved[1]).toBe('products-2026-12-02.csv');
      const text = await saved[0].text();
      expect(text.split('\r\n')).toEqual([
        'product_code,code_schema,name,source,owner,available,assigned,total,low_threshold,low_pool',
        '04012345000019,GTIN,"Amoxicillin, 500 mg",TRACELINK,Demo Pharma,12345,678,13023,1000,false',
        '04012345000026,NTIN,Ibuprofen,SNM,Demo Pharma,3,1,4,1000,true',
        '04012345000033,GTIN,Cetirizine,SNM,Demo Pharma,12345,678,13023,1000,false',
        '',
      ]);
      expect(el.querySelector('.export-status').textContent).toBe('Saved products-2026-12-02.csv (dated in UTC)');
    } finally {
      vi.useRealTimers();
    }
  });
});
