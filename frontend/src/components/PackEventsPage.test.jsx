import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../api.js';
import { dayRange, localDay } from '../days.js';
import { matchRoute, packEventsPath, useLocation } from '../router.js';
import { button, byLabel, click, fakeFetch, flush, mount, setValue, submit, typeInto, unmountAll } from '../test-utils.jsx';
import { packEventFilterInput, packEventFilters, PackEventsPage } from './PackEventsPage.jsx';

const AMOX = '04012340051006';
const EVENTS = [
  {
    productCode: AMOX,
    serial: 'S2',
    event: { event: 'PACK', status: 'COMMISSIONED', reason: null, at: '2026-05-03T11:00:00+02:00', recordedAt: '2026-05-03T09:00:05Z', actor: 'Line 3', lot: 'LOT-7', expiry: '2027-12-31', nhrn: null, timeZoneOffset: '+02:00', container: '340123450000000017' },
  },
  {
    productCode: AMOX,
    serial: 'S1',
    event: { event: 'DECOMMISSION', status: 'DECOMMISSIONED', reason: 'SAMPLED', at: '2026-05-02T08:00:00Z', recordedAt: '2026-05-02T08:00:01Z', actor: 'Line 3', lot: null, expiry: null, nhrn: null, timeZoneOffset: '+00:00', container: null },
  },
];

function server({ pack } = {}) {
  return fakeFetch((op, v) => {
    if (op === 'ProductCodes') return { body: { data: { products: { edges: [{ node: { id: 'p1', code: AMOX, name: 'Amoxicillin', source: 'SNM', owner: null } }], totalCount: 1 } } } };
    if (op === 'Pack') return pack(v);
    if (op !== 'PackEvents') throw new Error(`unexpected ${op}`);
    const nodes = v.after ? [] : EVENTS;
    return { body: { data: { packEvents: { edges: nodes.map((node, i) => ({ cursor: `c${i}`, node })), pageInfo: { hasNextPage: false, endCursor: 'c1' } } } } };
  });
}

function Routed() {
  const { params } = useLocation();
  return <PackEventsPage params={params} />;
}

function setup(fake, url = '/pack-events') {
  history.replaceState(null, '', url);
  return mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
}

const listCalls = (fake) => fake.calls.filter((c) => c.op === 'PackEvents').map((c) => c.variables);

describe('<PackEventsPage>', () => {
  afterEach(() => unmountAll());

  it('lists events newest first: time with the line\'s zone, event and status, serial linking to its history, lot, expiry, container', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    expect(listCalls(fake)).toEqual([{ filter: null, first: 50, after: null }]);
    const rows = [...el.querySelectorAll('tbody tr[data-serial]')];
    expect(rows.map((r) => r.dataset.serial)).toEqual(['S2', 'S1']);
    const cells = [...rows[0].querySelectorAll('td.col-audit')].map((c) => c.textContent);
    expect(cells).toEqual([AMOX, 'S2', 'Lot LOT-7 · Expiry 2027-12-31', '340123450000000017']);
    expect(rows[0].querySelector('.pack-event-zone').textContent).toBe('on the line UTC+02:00');
    expect(rows[0].querySelector('time').textContent).toMatch(/^2026-05-03 \d\d:00:00 UTC\S*$/);
    expect(rows[0].querySelector('td.col-audit a').getAttribute('href')).toBe(`/pool/pack-history?product=${AMOX}&serial=S2`);
    expect(rows[1].querySelector('th').textContent).toContain('Decommission');
    expect(rows[1].querySelector('th').textContent).toContain('Sampled');
    expect(cells.length).toBe(4);
    expect([...rows[1].querySelectorAll('td.col-audit')].map((c) => c.textContent).slice(2)).toEqual(['—', '—']);
  });

  it('keeps the filters in the address and sends them: product, event, days (local, "to" included)', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    setValue(byLabel(el, 'Event'), 'DECOMMISSION');
    await flush();
    expect(location.search).toBe('?event=DECOMMISSION');
    typeInto(byLabel(el, 'Product code'), AMOX);
    submit(el.querySelector('form[aria-label="Filter the pack events"]'));
    await flush();
    setValue(byLabel(el, 'From'), '2026-05-01');
    setValue(byLabel(el, 'To'), '2026-05-03');
    await flush();
    expect(location.search).toBe(`?product=${AMOX}&event=DECOMMISSION&from=2026-05-01&to=2026-05-03`);
    expect(listCalls(fake).at(-1)).toEqual({
      filter: { productCode: AMOX, events: ['DECOMMISSION'], from: new Date(2026, 4, 1).toISOString(), to: new Date(2026, 4, 4).toISOString() },
      first: 50,
      after: null,
    });
    click(button(el, 'Reset filters'));
    await flush();
    expect(location.search).toBe('');
    expect(byLabel(el, 'Product code').value).toBe('');
  });

  it('reads filters from the address, ignoring an unknown event and days that are not dates', () => {
    expect(packEventFilters(new URLSearchParams('event=EXPLODE&from=2026-02-30&to=2026-03-01&product=%20X%20'))).toEqual({ product: 'X', event: '', from: '', to: '2026-03-01' });
    expect(packEventFilterInput({ product: '', event: '', from: '', to: '' })).toBeNull();
    expect(packEventsPath({ event: 'PACK', product: '' })).toBe('/pack-events?event=PACK');
    expect(matchRoute('/pack-events/')).toEqual({ name: 'packEvents' });
    expect(localDay('2026-02-29')).toBeNull();
    expect(dayRange('', '2026-12-31')).toEqual({ to: new Date(2027, 0, 1).toISOString() });
  });

  it('looks a pack up by what the server reads and opens its history; says when it is unknown or unreadable', async () => {
    let answer = { body: { data: { pack: { id: 's1', value: 'ABC123', product: { id: 'p1', code: '09501101530003' } } } } };
    const fake = server({ pack: () => answer });
    const el = setup(fake);
    await flush();
    submit(el.querySelector('form[aria-label="Look up a pack"]'));
    await flush();
    expect(el.querySelector('#pack-identifier-error').textContent).toMatch(/^Scan or type what is on the pack/);
    expect(fake.calls.some((c) => c.op === 'Pack')).toBe(false);

    typeInto(byLabel(el, 'Find a pack'), ' (01)09501101530003(21)ABC123 ');
    submit(el.querySelector('form[aria-label="Look up a pack"]'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'Pack').variables).toEqual({ identifier: '(01)09501101530003(21)ABC123' });
    expect(location.pathname + location.search).toBe('/pool/pack-history?product=09501101530003&serial=ABC123');

    history.replaceState(null, '', '/pack-events');
    answer = { body: { data: { pack: null } } };
    submit(el.querySelector('form[aria-label="Look up a pack"]'));
    await flush();
    expect(el.querySelector('#pack-identifier-error').textContent).toBe('No pack with this code is visible to you.');
    expect(location.pathname).toBe('/pack-events');

    answer = { body: { errors: [{ message: '"(01)1(21)A" is no pack identifier: length: GTIN-14 must be 14 digits, got 1', extensions: { code: 'BAD_USER_INPUT', field: 'identifier' } }], data: null } };
    submit(el.querySelector('form[aria-label="Look up a pack"]'));
    await flush();
    const error = el.querySelector('#pack-identifier-error').textContent;
    expect(error).toContain('GTIN-14 must be 14 digits');
    expect(error).not.toContain('BAD_USER_INPUT');
    expect(byLabel(el, 'Find a pack').getAttribute('aria-invalid')).toBe('true');
  });
});
