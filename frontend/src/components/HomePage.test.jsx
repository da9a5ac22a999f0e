import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../api.js';
import { fakeFetch, flush, mount, product, productPage, tick, unmountAll } from '../test-utils.jsx';
import { HomePage } from './HomePage.jsx';

const NOW = new Date('2026-12-02T12:00:00Z');
const busy = product({ code: '04012345000019', name: 'Busy', lowThreshold: 100, pool: { available: 700, assigned: 10, total: 710, low: false } });
const idle = product({ code: '04012345000026', name: 'Idle', lowThreshold: 100, pool: { available: 5000, assigned: 0, total: 5000, low: false } });
const low = product({ code: '04012345000033', name: 'Low', lowThreshold: 100, pool: { available: 20, assigned: 5, total: 25, low: true } });
const empty = product({ code: '04012345000040', name: 'Empty', lowThreshold: 100, pool: { available: 0, assigned: 9, total: 9, low: true } });

function server(products) {
  return fakeFetch((op, v) => {
    if (op === 'Products') return { body: productPage(products()) };
    if (op === 'DashboardActivity') {
      expect(v).toEqual({ rateFrom: '2026-11-25T12:00:00.000Z', chartFrom: '2026-11-03T00:00:00.000Z', to: '2026-12-02T12:00:00.000Z' });
      return {
        body: {
          data: {
            recent: [
              { kind: 'ASSIGNED', count: 700, product: { id: 'p', code: busy.code } },
              { kind: 'ASSIGNED_TO_PARTNER', count: 7, product: { id: 'p', code: low.code } },
            ],
            daily: [
              { bucket: '2026-11-03T00:00:00Z', kind: 'GENERATED', count: 5000 },
              { bucket: '2026-12-01T00:00:00Z', kind: 'ASSIGNED', count: 700 },
            ],
          },
        },
      };
    }
    throw new Error(`unexpected ${op}`);
  });
}

const rows = (el) => [...el.querySelectorAll('.health-table tbody tr')];

describe('<HomePage>', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => {
    unmountAll();
    vi.useRealTimers();
  });

  it('lists empty and low pools first with days of supply, links each product, and sums up the chart', async () => {
    let list = [busy, idle, low, empty];
    const fake = server(() => list);
    const el = mount(<HomePage now={() => NOW} intervalMs={5000} />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(fake.calls.find((c) => c.op === 'Products').variables).toEqual({ orderBy: { field: 'AVAILABLE', direction: 'ASC' }, first: 1000, after: null });
    expect(rows(el).map((r) => [r.dataset.code, r.dataset.state, r.querySelector('.days-of-supply').textContent])).toEqual([
      [empty.code, 'empty', 'none left'],
      [low.code, 'low', '20 days'],
      [busy.code, 'ok', '7 days'],
      [idle.code, 'ok', 'no recent use'],
    ]);
    expect(rows(el)[2].querySelector('td[data-label="Assigned lately"]').textContent).toBe('100 a day');
    expect(rows(el)[0].querySelector('a').getAttribute('href')).toBe(`/pool/serial-numbers?search=${empty.code}`);
    expect(el.querySelector('[data-testid=empty-pools]').textContent).toBe('1 empty pool');
    expect(el.querySelector('[data-testid=low-pools]').textContent).toBe('1 low pool');
    expect(el.textContent).toContain('over the last 7 days');
    const svg = el.querySelector('svg[role=img]');
    expect(svg.querySelector('desc').textContent).toBe('From Nov 3 to Dec 2 (UTC days): 5,000 serials received, 700 assigned.');
    expect(svg.querySelectorAll('g.day')).toHaveLength(30);
    expect(el.querySelectorAll('.chart-table tbody tr')).toHaveLength(30);
    expect(el.querySelector('.chart-table tbody tr').textContent).toBe('2026-11-035,0000');

    // Live: another user took the low pool's last serials.
    list = [busy, idle, { ...low, pool: { available: 0, assigned: 25, total: 25, low: true } }, empty];
    await tick(5000);
    await flush();
    expect(el.querySelector('[data-testid=empty-pools]').textContent).toBe('2 empty pools');
    expect(rows(el)[0].dataset.code).toBe(low.code); // empty and in use: first
  });
});
