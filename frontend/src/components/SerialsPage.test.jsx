import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { navigate, useLocation } from '../router.js';
import { click, fakeFetch, flush, mount, product, unmountAll } from '../test-utils.jsx';
import { SerialsPage } from './SerialsPage.jsx';

const CODE = '04012345000019';

function serial(i, status) {
  return {
    id: `s${i}`,
    value: `SN${i}`,
    status,
    source: 'SNM',
    receivedAt: '2026-11-01T08:00:00Z',
    assignedAt: status === 'ASSIGNED' ? '2026-11-02T09:30:00Z' : null,
    packStatus: status === 'ASSIGNED' ? 'DECOMMISSIONED' : 'ACTIVE',
    decommissionReason: status === 'ASSIGNED' ? 'SAMPLED' : null,
  };
}

function server({ missing = false } = {}) {
  return fakeFetch((op, v) => {
    if (missing) return { body: { data: { product: null } } };
    const statuses = v.status ? [v.status] : ['AVAILABLE', 'ASSIGNED'];
    const start = v.after ? Number(v.after) : 0;
    const nodes = [0, 1].map((i) => serial(start + i, statuses[i % statuses.length]));
    return {
      body: {
        data: {
          product: {
            ...product({ code: CODE, pool: { available: 3, assigned: 1, total: 4, low: false } }),
            serials: {
              edges: nodes.map((node, i) => ({ cursor: String(start + i + 1), node })),
              pageInfo: { hasNextPage: start === 0, endCursor: String(start + 2) },
            },
          },
        },
      },
    };
  });
}

/** Renders the page the way the router does, from the current URL. */
function Routed() {
  useLocation();
  return <SerialsPage code={CODE} />;
}

const values = (el) => [...el.querySelectorAll('tbody tr[data-status] th')].map((th) => th.textContent);

describe('<SerialsPage>', () => {
  beforeEach(() => history.replaceState(null, '', `/pool/products/${CODE}/serials`));
  afterEach(unmountAll);

  it('shows the serials with their status, source and times, and pages on', async () => {
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(fake.calls[0].variables).toEqual({ code: CODE, status: null, first: 50, after: null });
    expect(el.querySelector('h1').textContent).toBe('Serials of Amoxicillin 500 mg capsules');
    const firstRow = [...el.querySelector('tbody tr[data-status]').children].map((c) => c.textContent);
    expect(firstRow).toEqual(['SN0', 'Available', 'SNM', expect.stringMatching(/^2026-11-01 \d\d:00:00 UTC\S*$/), '—', 'Not commissioned yet']);
    const second = [...el.querySelectorAll('tbody tr[data-status]')[1].children].map((c) => c.textContent);
    expect(second[5]).toBe('Decommissioned · Sampled');
    // A short legend says what each pack status means.
    expect(el.querySelector('[data-testid=pack-legend]').textContent).toContain(
      'Not commissioned yetNo pack event yet: the serial has not been commissioned.',
    );
    // Each serial opens its pack history.
    expect(el.querySelector('tbody th a').getAttribute('href')).toBe(`/pool/pack-history?product=${CODE}&serial=SN0`);
    expect(values(el)).toEqual(['SN0', 'SN1']);
    expect(el.querySelector('.pager-range').textContent).toBe('Showing 1–2 of 4 serials');
    click([...el.querySelectorAll('.pager button')].find((b) => b.textContent === 'Next'));
    await flush();
    expect(fake.calls.at(-1).variables.after).toBe('2');
    expect(values(el)).toEqual(['SN2', 'SN3']);
  });

  it('filters by status from the radio group, starting again at the first page', async () => {
    const fake = server();
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    click([...el.querySelectorAll('.pager button')].find((b) => b.textContent === 'Next'));
    await flush();
    const radio = el.querySelector('input[type=radio][value=ASSIGNED]');
    expect(radio.closest('label').textContent).toBe('Assigned 1');
    act(() => {
      radio.click();
    });
    await flush();
    expect(location.search).toBe('?status=ASSIGNED');
    expect(fake.calls.at(-1).variables).toEqual({ code: CODE, status: 'ASSIGNED', first: 50, after: null });
    const statuses = [...el.querySelectorAll('tbody tr[data-status]')].map((tr) => tr.dataset.status);
    expect(statuses).toEqual(['ASSIGNED', 'ASSIGNED']);
    expect(el.querySelector('input[value=ASSIGNED]').checked).toBe(true);

    act(() => navigate(`/pool/products/${CODE}/serials`));
    await flush();
    expect(fake.calls.at(-1).variables.status).toBeNull();
  });

  it('says so when the product is not visible to the tenant', async () => {
    const fake = server({ missing: true });
    const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain(`No product ${CODE} is visible to your tenant.`);
    expect(el.querySelector('table')).toBeNull();
  });
});
