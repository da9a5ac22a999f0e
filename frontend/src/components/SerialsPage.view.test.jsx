import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { useLocation } from '../router.js';
import { click, fakeFetch, flush, mount, product, setValue, tick, typeInto, unmountAll } from '../test-utils.jsx';
import { SerialsPage } from './SerialsPage.jsx';

const CODE = '04012345000019';
const ALL = Array.from({ length: 7 }, (_, i) => ({
  id: `s${i}`,
  value: i < 5 ? `A${i}` : `B,${i}`,
  status: i % 2 ? 'ASSIGNED' : 'AVAILABLE',
  source: 'SNM',
  receivedAt: '2026-11-01T08:00:00Z',
  assignedAt: i % 2 ? '2026-11-02T09:30:00Z' : null,
  packStatus: 'ACTIVE',
  decommissionReason: null,
}));

/** Seven serials, paged by index cursors; search is a prefix. */
function server() {
  return fakeFetch((op, v) => {
    const matching = ALL.filter((s) => (!v.status || s.status === v.status) && (!v.search || s.value.startsWith(v.search)));
    const start = v.after ? Number(v.after) : 0;
    const nodes = matching.slice(start, start + v.first);
    return {
      body: {
        data: {
          product: {
            ...product({ code: CODE, pool: { available: 4, assigned: 3, total: 7, low: false } }),
            serials: {
              edges: nodes.map((node, i) => ({ cursor: String(start + i + 1), node })),
              pageInfo: { hasNextPage: start + v.first < matching.length, endCursor: String(start + nodes.length) },
            },
          },
        },
      },
    };
  });
}

function Routed() {
  useLocation();
  return <SerialsPage code={CODE} />;
}

const values = (el) => [...el.querySelectorAll('tbody tr[data-status] th')].map((th) => th.textContent);
const pagerButton = (el, text) => [...el.querySelectorAll('.pager button')].find((b) => b.textContent === text);
const base = `/pool/products/${CODE}/serials`;

describe('<SerialsPage> view', () => {
  beforeEach(() => history.replaceState(null, '', `${base}?size=25`));
  afterEach(() => {
    unmountAll();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('searches by the start of a serial (debounced), with the search in the address', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(values(el)).toHaveLength(7);
    typeInto(el.querySelector('#serial-search'), 'B,');
    await tick(250);
    await flush();
    expect(fake.calls.at(-1).variables).toEqual({ code: CODE, status: null, search: 'B,', first: 25, after: null });
    expect(values(el)).toEqual(['B,5', 'B,6']);
    expect(location.search).toBe('?search=B%2C&size=25');
    // The pool's count is not the search's: no "of 7".
    typeInto(el.querySelector('#serial-search'), 'Z');
    await tick(250);
    await flush();
    expect(el.textContent).toContain('No serials start with “Z”.');
  });

  it('pages with the page in the address; Previous returns by the history entry, a copied link offers the first page', async () => {
    history.replaceState(null, '', `${base}?size=25`);
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    // 7 serials at 25 a page fit one page: no pager, but a page size.
    expect(el.querySelector('.pager')).toBeNull();
    expect(el.querySelector('#serial-page-size').value).toBe('25');
    unmountAll();

    history.replaceState(null, '', `${base}?after=2&page=1&size=25`); // a copied link
    const el2 = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(fake.calls.at(-1).variables.after).toBe('2');
    expect(values(el2)).toEqual(['A2', 'A3', 'A4', 'B,5', 'B,6']);
    expect(pagerButton(el2, 'First page')).toBeTruthy();
    click(pagerButton(el2, 'First page'));
    await flush();
    expect(location.search).toBe('?size=25');
    expect(values(el2)).toHaveLength(7);
  });

  it('remembers the cursors before a page in the history entry, so Previous steps back one page', async () => {
    history.replaceState(null, '', base);
    // Two a page: a page size the address does not allow is read as 50, so make the server page by 2.
    const fake = fakeFetch((op, v) => server().fetch('/graphql', { method: 'POST', body: JSON.stringify({ query: 'query ProductSerials', variables: { ...v, first: 2 } }) }).then(async (r) => ({ body: await r.json() })));
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    click(pagerButton(el, 'Next'));
    await flush();
    click(pagerButton(el, 'Next'));
    await flush();
    expect(values(el)).toEqual(['A4', 'B,5']);
    expect(location.search).toBe('?after=4&page=2');
    click(pagerButton(el, 'Previous'));
    await flush();
    expect(location.search).toBe('?after=2&page=1');
    expect(values(el)).toEqual(['A2', 'A3']);
    click(pagerButton(el, 'Previous'));
    await flush();
    expect(location.search).toBe('');
    expect(values(el)).toEqual(['A0', 'A1']);
  });

  it('exports the serials of the current filter as CSV with UTC times, named by product, status and UTC day', async () => {
    history.replaceState(null, '', `${base}?status=ASSIGNED`);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00Z'));
    const saved = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (saved.push(blob), 'blob:x'));
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push(this.download);
    });
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    await act(async () => click(el.querySelector('[data-testid=export-serials]')));
    await flush();
    expect(fake.calls.at(-1).variables).toMatchObject({ status: 'ASSIGNED', first: 1000, after: null });
    expect(saved[1]).toBe(`serials-${CODE}-assigned-2026-12-02.csv`);
    expect((await saved[0].text()).split('\r\n')).toEqual([
      'serial,pool_status,source,received_at_utc,assigned_at_utc,pack_status,decommission_reason',
      'A1,ASSIGNED,SNM,2026-11-01T08:00:00Z,2026-11-02T09:30:00Z,ACTIVE,',
      'A3,ASSIGNED,SNM,2026-11-01T08:00:00Z,2026-11-02T09:30:00Z,ACTIVE,',
      '"B,5",ASSIGNED,SNM,2026-11-01T08:00:00Z,2026-11-02T09:30:00Z,ACTIVE,',
      '',
    ]);
  });

  it('changes the page size from the footer, starting again at the first page', async () => {
    history.replaceState(null, '', `${base}?after=2&page=1`);
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    setValue(el.querySelector('#serial-page-size'), '100');
    await flush();
    expect(location.search).toBe('?size=100');
    expect(fake.calls.at(-1).variables).toMatchObject({ first: 100, after: null });
  });
});
