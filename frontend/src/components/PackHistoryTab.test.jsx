import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { useLocation } from '../router.js';
import { button, byLabel, fakeFetch, flush, mahViewer, mount, setValue, sign, SIGNATURE, submit, unmountAll } from '../test-utils.jsx';
import { zoneOffset } from './PackEventForm.jsx';
import { PackHistoryTab, SerialHistory, Timeline } from './PackHistoryTab.jsx';

const CODE = '04012340051006';

const HISTORY = [
  { event: 'COMMISSION', status: 'COMMISSIONED', reason: null, at: '2026-11-20T08:00:00Z', recordedAt: '2026-11-20T08:00:02Z', actor: 'Demo Pharma (key:2)' },
  { event: 'DECOMMISSION', status: 'DECOMMISSIONED', reason: 'SAMPLED', at: '2026-11-21T09:30:00Z', recordedAt: '2026-11-21T09:30:01Z', actor: 'Line 4 (key:7)' },
];

function serial(overrides = {}) {
  return {
    id: 's1',
    value: 'A51B70504B',
    status: 'ASSIGNED',
    source: 'SNM',
    packStatus: 'DECOMMISSIONED',
    decommissionReason: 'SAMPLED',
    receivedAt: '2026-11-08T12:36:01Z',
    assignedAt: '2026-11-19T09:10:44Z',
    digitalLink: `https://id.gs1.org/01/${CODE}/21/A51B70504B`,
    product: { id: 'p1', code: CODE, name: 'Amoxicillin 500 mg capsules', owner: { id: 't1', name: 'Demo Pharma' } },
    history: HISTORY,
    ...overrides,
  };
}

/** Renders the tab the way PoolPage does, from the address. */
function Routed() {
  const { params } = useLocation();
  return <PackHistoryTab productCode={params.get('product') || ''} serial={params.get('serial') || ''} />;
}

function setup({ role = 'OPERATOR', handler } = {}) {
  let current = serial({ packStatus: 'ACTIVE', decommissionReason: null, history: [] });
  const fake = fakeFetch(
    handler ||
      ((op, v) => {
        if (op === 'ProductCodes') return { body: { data: { products: { edges: [{ node: { id: 'p1', code: CODE, name: 'Amoxicillin', source: 'SNM', owner: { id: 't1', name: 'x' } } }], totalCount: 1 } } } };
        if (op === 'Serial') return { body: { data: { serial: v.value === current.value ? current : null } } };
        if (op === 'RecordPackEvents') {
          const e = v.input[0];
          if (e.at && e.at > '2029') {
            return { body: { data: null, errors: [{ message: 'the event time lies in the future', extensions: { code: 'BAD_USER_INPUT', rows: [{ row: 1, value: e.serial, code: 'event_in_future', reason: 'the event time lies in the future' }], total: 1 } }] } };
          }
          if (e.event === 'COMMISSION' && current.packStatus !== 'ACTIVE') {
            return { body: { data: null, errors: [{ message: 'COMMISSION needs an ACTIVE pack; this one is COMMISSIONED', extensions: { code: 'BAD_USER_INPUT', rows: [{ row: 1, value: e.serial, code: 'illegal_transition', reason: 'COMMISSION needs an ACTIVE pack; this one is COMMISSIONED' }], total: 1 } }] } };
          }
          const status = { COMMISSION: 'COMMISSIONED', DECOMMISSION: 'DECOMMISSIONED', REACTIVATE: 'COMMISSIONED' }[e.event];
          current = {
            ...current,
            packStatus: status,
            decommissionReason: e.reason || null,
            history: [...current.history, { event: e.event, status, reason: e.reason || null, at: e.at || '2026-11-25T10:00:00Z', recordedAt: '2026-11-25T10:00:00Z', actor: 'Demo Pharma (key:2)',
              lot: e.lot || null, expiry: e.expiry || null, timeZoneOffset: e.timeZoneOffset, container: null }],
          };
          return { body: { data: { recordPackEvents: { recorded: 1, storedExternal: 0 } } } };
        }
        throw new Error(op);
      }),
  );
  const el = mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: mahViewer(role) });
  return { el, fake };
}

/** Fills in the lot and expiry a commissioning must record. */
function fillLot(el) {
  setValue(byLabel(el, /^Lot/), 'L1');
  setValue(byLabel(el, 'Expiry'), '2029-12-31');
}
const statusOf = (el) => el.querySelector('[data-testid=pack-status] .pack-badge');
const events = (el) => [...el.querySelectorAll('ol.timeline > li')].map((li) => `${li.dataset.event}:${li.dataset.status}`);

describe('<Timeline> and <SerialHistory>', () => {
  afterEach(unmountAll);

  it('lists the pack events oldest first with event, status, reason, times and actor', () => {
    const el = mount(<Timeline events={HISTORY} />);
    const items = [...el.querySelectorAll('li')];
    expect(items.map((li) => li.dataset.event)).toEqual(['COMMISSION', 'DECOMMISSION']);
    expect(items[1].querySelector('.timeline-head').textContent).toBe('Decommission → , now Decommissioned · reason Sampled');
    const meta = [...items[1].querySelectorAll('.timeline-meta div')].map((d) => d.textContent);
    expect(meta).toEqual([
      expect.stringMatching(/^At2026-11-21 \d\d:30:00 UTC\S*$/),
      expect.stringMatching(/^Recorded2026-11-21 \d\d:30:01 UTC\S*$/),
      'ByLine 4',
    ]);
    expect(items[1].querySelector('time').getAttribute('datetime')).toBe('2026-11-21T09:30:00Z');
  });

  it('says so when there are no pack events', () => {
    const el = mount(<Timeline events={[]} />);
    expect(el.textContent).toBe('No pack events yet: the pack is as it was produced.');
  });

  it('shows pool status, pack status with the reason, source and the Digital Link; viewers get no form', () => {
    const fake = fakeFetch(() => ({ body: 'product_code,serial\n', headers: { 'Content-Type': 'text/csv' } }));
    const el = mount(<SerialHistory serial={serial()} />, { viewer: mahViewer('VIEWER'), client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) });
    expect(el.querySelector('h2').textContent).toBe('Serial A51B70504B');
    // The product's pack events as a file, any role.
    const exportLink = [...el.querySelectorAll('a')].find((a) => a.textContent.startsWith("Export the product's pack events"));
    expect(exportLink.getAttribute('href')).toBe(`/api/v2/pack-events.csv?productCode=${CODE}`);
    expect(el.querySelector('[data-testid=pool-status]').textContent).toBe('Assigned');
    expect(statusOf(el).textContent).toBe('Decommissioned · Sampled');
    expect(statusOf(el).dataset.status).toBe('DECOMMISSIONED');
    const link = el.querySelector('[data-testid=digital-link] a');
    expect(link.getAttribute('href')).toBe(`https://id.gs1.org/01/${CODE}/21/A51B70504B`);
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.textContent).toContain('(opens in a new tab)');
    expect(events(el)).toEqual(['COMMISSION:COMMISSIONED', 'DECOMMISSION:DECOMMISSIONED']);
    expect(el.querySelector('form')).toBeNull();
  });

  it('an SSCC (no Digital Link) says there is none', () => {
    const el = mount(<SerialHistory serial={serial({ digitalLink: null })} />, { client: createClient({ fetch: fakeFetch(() => ({ body: {} })).fetch }) });
    expect(el.querySelector('[data-testid=digital-link]').textContent).toBe('None for this code');
  });
});

describe('<PackHistoryTab>', () => {
  beforeEach(() => history.replaceState(null, '', '/pool/pack-history'));
  afterEach(unmountAll);

  it('looks a serial up from the form, keeping the lookup in the address', async () => {
    const { el, fake } = setup();
    expect(el.textContent).toContain('Enter a product code and a serial number');
    setValue(byLabel(el, 'Product code'), ` ${CODE} `);
    setValue(byLabel(el, 'Serial number'), 'A51B70504B');
    submit(el.querySelector('form'));
    await flush();
    expect(location.pathname + location.search).toBe(`/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    expect(fake.calls.find((c) => c.op === 'Serial').variables).toEqual({ productCode: CODE, value: 'A51B70504B' });
    expect(statusOf(el).textContent).toBe('Not commissioned yet'); // ACTIVE in words
    expect(el.textContent).toContain('No pack events yet');
    expect(document.activeElement).toBe(el.querySelector('#serial-title')); // the result takes the focus
  });

  it('asks for both fields', () => {
    const { el, fake } = setup();
    submit(el.querySelector('form'));
    expect(el.querySelector('#pack-product-error').textContent).toBe('Enter the product code.');
    expect(byLabel(el, 'Product code').getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.filter((c) => c.op === 'Serial')).toHaveLength(0);
  });

  it('shows the not-found state for a serial not visible to the caller', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=NOPE`);
    const { el } = setup();
    await flush();
    expect(el.querySelector('[data-testid=serial-not-found]').textContent).toBe(
      `Serial not foundNo serial NOPE of product ${CODE} is visible to you.`,
    );
  });

  it('operators record COMMISSION, then DECOMMISSION with a reason; the history reloads', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    const { el, fake } = setup();
    await flush();
    const form = el.querySelector('form.pack-event-form');
    // The event that applies is preselected; the others say why they do not apply.
    expect(form.querySelector('input[value=COMMISSION]').checked).toBe(true);
    expect(form.querySelector('input[value=DECOMMISSION]').closest('label').textContent).toBe(
      'DecommissionNeeds a commissioned pack; this one is active.',
    );
    expect(form.querySelector('input[value=DECOMMISSION]').disabled).toBe(true);
    // Without lot and expiry nothing is sent.
    submit(form);
    await flush();
    expect(fake.calls.filter((c) => c.op === 'RecordPackEvents')).toHaveLength(0);
    expect(el.querySelector('[role=alert]').textContent).toContain('Enter the lot and the expiry date');
    fillLot(el);
    submit(form);
    await flush();
    expect(fake.calls.find((c) => c.op === 'RecordPackEvents').variables).toEqual({
      input: [{ productCode: CODE, serial: 'A51B70504B', event: 'COMMISSION', lot: 'L1', expiry: '2029-12-31', timeZoneOffset: zoneOffset(new Date()) }],
    });
    expect(statusOf(el).textContent).toBe('Commissioned');
    expect(events(el)).toEqual(['COMMISSION:COMMISSIONED']);
    expect(el.querySelector('[data-testid=action-success]').textContent).toBe('Recorded: Commission.');

    // Now DECOMMISSION is the next event; it needs a reason.
    expect(form.querySelector('input[value=DECOMMISSION]').checked).toBe(true);
    submit(form);
    expect(el.querySelector('#pack-reason-error').textContent).toBe('Choose why the pack was decommissioned.');
    setValue(byLabel(el, 'Reason'), 'SAMPLED');
    expect(el.querySelector('[data-testid=signature]')).toBeNull(); // a sample can be undone: not signed
    setValue(byLabel(el, /Happened at/), '2026-11-25T08:30');
    submit(form);
    await flush();
    expect(fake.calls.filter((c) => c.op === 'RecordPackEvents').at(-1).variables.signature).toBeUndefined();
    const sent = fake.calls.filter((c) => c.op === 'RecordPackEvents').at(-1).variables.input[0];
    expect(sent).toEqual({ productCode: CODE, serial: 'A51B70504B', event: 'DECOMMISSION', reason: 'SAMPLED', at: new Date(2026, 10, 25, 8, 30).toISOString(),
      timeZoneOffset: zoneOffset(new Date(2026, 10, 25, 8, 30)) });
    expect(statusOf(el).textContent).toBe('Decommissioned · Sampled');
    expect(events(el)).toEqual(['COMMISSION:COMMISSIONED', 'DECOMMISSION:DECOMMISSIONED']);
    expect(button(el, 'Record reactivation')).toBeTruthy();
  });

  it('offers only the events the rules allow, and shows the rule the server names when it refuses one', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    const { el } = setup();
    await flush();
    const form = el.querySelector('form.pack-event-form');
    fillLot(el);
    submit(form); // COMMISSION
    await flush();
    act(() => form.querySelector('input[value=COMMISSION]').click()); // cannot be chosen now
    expect(form.querySelector('input[value=COMMISSION]').disabled).toBe(true);
    expect(form.querySelector('input[value=COMMISSION]').checked).toBe(false);
    expect(form.querySelector('input[value=DECOMMISSION]').checked).toBe(true);
    expect(form.querySelector('input[value=COMMISSION]').closest('label').textContent).toBe('CommissionNeeds an active pack; this one is commissioned.');
    // A time the server refuses: its rule is shown, nothing recorded.
    setValue(byLabel(el, 'Reason'), 'SAMPLED');
    setValue(byLabel(el, /Happened at/), '2030-01-01T08:30');
    submit(form);
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain('the event time lies in the future');
    expect(el.querySelector('.row-errors tbody tr').dataset.code).toBe('event_in_future');
    expect(events(el)).toEqual(['COMMISSION:COMMISSIONED']);
  });

  it('after a final decommissioning offers nothing, and pre-selects nothing', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    const { el, fake } = setup();
    await flush();
    const form = el.querySelector('form.pack-event-form');
    fillLot(el);
    submit(form); // COMMISSION
    await flush();
    setValue(byLabel(el, 'Reason'), 'DESTROYED');
    // Final, so signed: nothing is sent until it is.
    expect(el.querySelector('[data-testid=signature-statement]').textContent).toBe(
      `You are signing: Decommission A51B70504B of ${CODE} as destroyed, which cannot be undone`,
    );
    const before = fake.calls.length;
    submit(form);
    await flush();
    expect(fake.calls).toHaveLength(before);
    expect(el.querySelector('[data-testid=signature-problem]').textContent).toBe('Enter your password to sign.');
    sign(el);
    submit(form);
    await flush();
    expect(fake.calls.filter((c) => c.op === 'RecordPackEvents').at(-1).variables).toMatchObject({
      input: [{ event: 'DECOMMISSION', reason: 'DESTROYED' }],
      signature: SIGNATURE,
    });
    expect(statusOf(el).textContent).toBe('Decommissioned · Destroyed');
    expect(el.querySelector('form.pack-event-form')).toBeNull();
    expect(el.querySelectorAll('input[name=pack-event]')).toHaveLength(0);
    expect(el.querySelector('[data-testid=pack-event-final]').textContent).toBe(
      'Record a pack eventNo further pack event is possible: A pack decommissioned as destroyed can never be reactivated.',
    );
  });

  it('a commissioning records lot and expiry; the history shows them, the time zone and the container', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    const { el, fake } = setup();
    await flush();
    setValue(byLabel(el, /^Lot/), ' L-2028/02 ');
    setValue(byLabel(el, 'Expiry'), '2028-02-29');
    submit(el.querySelector('form.pack-event-form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'RecordPackEvents').variables.input[0]).toEqual({
      productCode: CODE, serial: 'A51B70504B', event: 'COMMISSION', lot: 'L-2028/02', expiry: '2028-02-29', timeZoneOffset: zoneOffset(new Date()),
    });
    expect(byLabel(el, 'Reason')).toBeTruthy(); // the decommission form now: no lot to ask
    expect(el.querySelector('#pack-lot')).toBeNull();
    const timeline = mount(
      <Timeline events={[{ ...HISTORY[0], lot: 'L-2028/02', expiry: '2028-02-29', timeZoneOffset: '+01:00', container: null },
        { event: 'PACK', status: 'COMMISSIONED', reason: null, at: '2026-11-20T09:00:00+01:00', recordedAt: '2026-11-20T08:00:03Z', actor: 'Line 4 (key:7)',
          lot: 'L-2028/02', expiry: '2028-02-29', timeZoneOffset: '+01:00', container: '340123450000000017' }]} />,
    );
    const items = [...timeline.querySelectorAll('li')];
    expect(items[0].querySelector('.timeline-lot').textContent).toBe('L-2028/02');
    expect(items[0].querySelector('.timeline-expiry').textContent).toBe('2028-02-29');
    expect(items[0].querySelector('.timeline-zone').textContent).toBe('UTC+01:00');
    expect(items[0].querySelector('.timeline-container')).toBeNull();
    expect(items[1].querySelector('.timeline-event').textContent).toBe('Pack');
    expect(items[1].querySelector('.timeline-container').textContent).toBe('340123450000000017');
  });

  it('viewers see the history without the form', async () => {
    history.replaceState(null, '', `/pool/pack-history?product=${CODE}&serial=A51B70504B`);
    const { el } = setup({ role: 'VIEWER' });
    await flush();
    expect(el.querySelector('[data-testid=serial-history]')).not.toBeNull();
    expect(el.querySelector('form.pack-event-form')).toBeNull();
  });
});
