import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../api.js';
import { auditPath, useLocation } from '../router.js';
import { button, byLabel, click, fakeFetch, flush, mount, setValue, submit, tick, typeInto, unmountAll } from '../test-utils.jsx';
import { actorChoices, actorName, auditCsvPath, auditDetailLines, auditFilterInput, auditFilters, AuditPage, detailKeyLabel, detailValueText } from './AuditPage.jsx';

const AMOX = { id: 'p1', code: '04012340051006', codeSchema: 'GTIN', name: 'Amoxicillin 500 mg' };
const ENTRIES = [
  {
    id: 'a4',
    at: '2026-05-03T10:00:00Z',
    actor: 'key:12',
    action: 'serials.request',
    count: 25,
    product: AMOX,
    detail: [
      { key: 'orderRef', value: 'PO-4711' },
      { key: 'request', value: 'R9' },
    ],
  },
  { id: 'a3', at: '2026-05-02T08:30:00Z', actor: 'system:replenish', action: 'serials.generate', count: 5000, product: AMOX, detail: [{ key: 'mode', value: 'RANDOM' }] },
  { id: 'a2', at: '2026-05-01T07:00:00Z', actor: 'tenant:3 key:7', action: 'partnership.accepted', count: null, product: null, detail: [] },
  {
    id: 'a1',
    at: '2026-04-30T12:00:00Z',
    actor: 'cli',
    action: 'custom.future',
    count: 1,
    product: { id: 'p9', code: '14012340', codeSchema: 'SSCC', name: 'SSCC pool' },
    detail: [{ key: 'limits', value: '{"cap":5}' }],
  },
];

/** A trail of two pages (2 + 2 entries), or what `answer` returns. */
function server(answer) {
  return fakeFetch((op, v) => {
    if (op !== 'AuditLog') throw new Error(`unexpected ${op}`);
    return answer?.(v) || serverAnswer(v);
  });
}

/** The two pages of ENTRIES. */
function serverAnswer(v) {
  const start = v.after === 'c2' ? 2 : 0;
  const nodes = ENTRIES.slice(start, start + 2);
  return {
    body: {
      data: {
        auditLog: {
          edges: nodes.map((node, i) => ({ cursor: `c${start + i + 1}`, node })),
          pageInfo: { hasNextPage: start === 0, endCursor: `c${start + 2}` },
        },
      },
    },
  };
}

const empty = { body: { data: { auditLog: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } } };

/** Renders the page the way the router does, from the current URL. */
function Routed() {
  const { params } = useLocation();
  return <AuditPage params={params} />;
}

function setup(fake = server(), url = '/audit', viewer = undefined) {
  history.replaceState(null, '', url);
  return mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer });
}

const rows = (el) => [...el.querySelectorAll('tbody tr[data-id]')];
/** The text of each cell; of the action, only its label (not the facts shown there on a phone). */
const cells = (row) => [...row.children].map((c) => (c.classList.contains('audit-action') ? c.firstChild.textContent : c.textContent));
const auditCalls = (fake) => fake.calls.filter((c) => c.op === 'AuditLog').map((c) => c.variables);
const day = (y, m, d) => new Date(y, m - 1, d).toISOString();

describe('<AuditPage>', () => {
  afterEach(() => {
    unmountAll();
    vi.useRealTimers();
  });

  it('lists the entries newest first: time, readable action, product link, count, actor, details', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    expect(document.activeElement).toBe(el.querySelector('h1'));
    expect(el.querySelector('h1').textContent).toBe('Audit trail');
    expect(auditCalls(fake)).toEqual([{ filter: null, first: 50, after: null }]);
    const [request, generate] = rows(el);
    expect(request.dataset.action).toBe('serials.request');
    expect(cells(request)).toEqual([
      expect.stringMatching(/^2026-05-0[34] \d\d:00:00 UTC\S*$/),
      'Serials requested',
      AMOX.code,
      '25',
      'An API key',
      'order ref: PO-4711request: R9',
    ]);
    expect(request.querySelector('time').getAttribute('dateTime')).toBe('2026-05-03T10:00:00Z');
    const link = request.querySelector('td.col-audit a');
    expect(link.getAttribute('href')).toBe(`/pool/serial-numbers?search=${AMOX.code}`);
    expect(link.getAttribute('title')).toBe(AMOX.name);
    expect([...request.querySelectorAll('td.col-audit .audit-details li')].map((li) => li.textContent)).toEqual([
      'order ref: PO-4711', // the key in words
      'request: R9',
    ]);
    expect(cells(generate).slice(1)).toEqual(['Serials generated', AMOX.code, '5,000', 'Automatic replenishment (system)', 'mode: RANDOM']);
    // No internal id on screen; the recorded actor is the tooltip.
    expect(request.querySelector('td.audit-actor').getAttribute('title')).toBe('key:12');
    // The same facts, for a phone, under the action.
    expect(request.querySelector('.audit-inline').textContent).toBe(`Product ${AMOX.code}Count 25Actor An API keyorder ref: PO-4711request: R9`);

    click(button(el, 'Load more'));
    await flush();
    const [, , accepted, future] = rows(el);
    // No product, count or details: dashes; an unknown action shows as it is; an SSCC pool links to its tab.
    expect(cells(accepted).slice(1)).toEqual(['Partner invitation accepted', '—', '—', "A partner's API key", '—']);
    expect(cells(future).slice(1, 3)).toEqual(['custom.future', '14012340']);
    expect(future.querySelector('td.col-audit a').getAttribute('href')).toBe('/pool/sscc');
    expect(future.querySelector('td.col-audit .audit-details').textContent).toBe('limits: {"cap":5}');
  });

  it('loads more after the last cursor, appends, and says when all are shown', async () => {
    const fake = server();
    const el = setup(fake);
    await flush();
    expect(rows(el).map((r) => r.dataset.id)).toEqual(['a4', 'a3']);
    expect(el.querySelector('.load-more-count').textContent).toBe('Showing 2 entries');
    click(button(el, 'Load more'));
    await flush();
    expect(auditCalls(fake)[1]).toEqual({ filter: null, first: 50, after: 'c2' });
    expect(rows(el).map((r) => r.dataset.id)).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(el.querySelector('.load-more-count').textContent).toBe('All 4 entries shown');
    expect(el.querySelector('.load-more button')).toBeNull();
    // The button went away under the focus: the count takes it.
    expect(document.activeElement).toBe(el.querySelector('.load-more-count'));
  });

  it('sends the filters and keeps them in the address; a new filter starts at the first page', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = server();
    const el = setup(fake);
    await flush();
    click(button(el, 'Load more'));
    await flush();

    setValue(byLabel(el, 'Action'), 'serials.request');
    await flush();
    expect(location.search).toBe('?action=serials.request');
    expect(auditCalls(fake).at(-1)).toEqual({ filter: { action: 'serials.request' }, first: 50, after: null });

    // The product code applies once typing pauses.
    typeInto(byLabel(el, 'Product code'), ` ${AMOX.code}`);
    await flush();
    expect(auditCalls(fake)).toHaveLength(3);
    await tick(250);
    await flush();
    expect(location.search).toBe(`?action=serials.request&product=${AMOX.code}`);
    expect(auditCalls(fake).at(-1).filter).toEqual({ action: 'serials.request', productCode: AMOX.code });

    // Days are local days; "to" is the start of the next day (the server's `to` is exclusive).
    setValue(byLabel(el, 'From'), '2026-05-01');
    setValue(byLabel(el, 'To'), '2026-05-03');
    await flush();
    expect(location.search).toBe(`?action=serials.request&product=${AMOX.code}&from=2026-05-01&to=2026-05-03`);
    expect(auditCalls(fake).at(-1)).toEqual({
      filter: { action: 'serials.request', productCode: AMOX.code, from: day(2026, 5, 1), to: day(2026, 5, 4) },
      first: 50,
      after: null,
    });
    expect(byLabel(el, 'From').getAttribute('max')).toBe('2026-05-03');
    expect(byLabel(el, 'To').getAttribute('min')).toBe('2026-05-01');

    // Enter applies a typed product code at once.
    typeInto(byLabel(el, 'Product code'), 'X1');
    submit(el.querySelector('form[role=search]'));
    await flush();
    expect(new URLSearchParams(location.search).get('product')).toBe('X1');
    expect(auditCalls(fake).at(-1).filter.productCode).toBe('X1');
  });

  it('restores the filters from the address (a reload) into the fields and the query', async () => {
    const fake = server();
    const url = `/audit?action=serials.request&product=${AMOX.code}&from=2026-05-01&to=2026-05-03`;
    const el = setup(fake, url);
    await flush();
    expect(byLabel(el, 'Action').value).toBe('serials.request');
    expect(byLabel(el, 'Product code').value).toBe(AMOX.code);
    expect(byLabel(el, 'From').value).toBe('2026-05-01');
    expect(byLabel(el, 'To').value).toBe('2026-05-03');
    expect(auditCalls(fake)).toEqual([
      { filter: { action: 'serials.request', productCode: AMOX.code, from: day(2026, 5, 1), to: day(2026, 5, 4) }, first: 50, after: null },
    ]);
    expect(auditPath(auditFilters(new URLSearchParams(location.search)))).toBe(url);
  });

  it('ignores days that are not dates, and keeps an action it has no label for', async () => {
    expect(auditFilters(new URLSearchParams('from=2026-02-31&to=yesterday'))).toEqual({ action: '', actor: '', product: '', from: '', to: '' });
    expect(auditFilterInput({ action: '', product: '', from: '', to: '' })).toBeNull();
    // The last day of a month: "to" moves into the next month.
    expect(auditFilterInput({ action: '', product: '', from: '', to: '2026-12-31' })).toEqual({ to: day(2027, 1, 1) });
    const el = setup(server(), '/audit?action=custom.future');
    await flush();
    const select = byLabel(el, 'Action');
    expect(select.value).toBe('custom.future');
    expect([...select.options].slice(0, 2).map((o) => o.textContent)).toEqual(['All actions', 'Serials requested']);
  });

  it('shows an empty trail, and no matches with a way to reset the filters', async () => {
    const fake = server(() => empty);
    const el = setup(fake);
    await flush();
    expect(el.querySelector('.state-row').textContent).toBe('The audit trail is empty.');
    expect(button(el, 'Reset filters').disabled).toBe(true);
    expect(el.querySelector('.load-more')).toBeNull();
    unmountAll();

    const el2 = setup(fake, '/audit?action=key.create&product=NOPE');
    await flush();
    expect(el2.querySelector('.state-row p').textContent).toBe('No entries match these filters.');
    click(el2.querySelector('.state-row button'));
    await flush();
    expect(location.pathname + location.search).toBe('/audit');
    expect(byLabel(el2, 'Product code').value).toBe('');
    expect(byLabel(el2, 'Action').value).toBe('');
    expect(document.activeElement).toBe(byLabel(el2, 'Action'));
    expect(auditCalls(fake).at(-1)).toEqual({ filter: null, first: 50, after: null });
  });

  it('shows a failure with Try again, for the first page and for more', async () => {
    let fail = true;
    const fake = server(() => (fail ? { body: { errors: [{ message: 'database unavailable', extensions: { code: 'UNAVAILABLE' } }] } } : undefined));
    const el = setup(fake);
    await flush();
    const alert = el.querySelector('[role=alert]');
    expect(alert.textContent).toContain('The audit trail could not be loaded');
    expect(alert.textContent).toContain('database unavailable');
    expect(alert.textContent).not.toContain('UNAVAILABLE');
    expect(el.querySelector('table')).toBeNull();
    fail = false;
    click(button(el, 'Try again'));
    await flush();
    expect(el.querySelector('[role=alert]')).toBeNull();
    expect(rows(el)).toHaveLength(2);

    fail = true;
    click(button(el, 'Load more'));
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain('More entries could not be loaded');
    expect(rows(el)).toHaveLength(2); // what was read stays
    fail = false;
    click(button(el, 'Try again'));
    await flush();
    expect(auditCalls(fake).at(-1).after).toBe('c2');
    expect(rows(el).map((r) => r.dataset.id)).toEqual(['a4', 'a3', 'a2', 'a1']);
  });

  it('words details: "not set" for none, old → new for a change; warns when From is after To; a CSV of the filters in UTC', async () => {
    expect(detailValueText('null')).toBe('not set');
    expect(detailValueText('')).toBe('not set');
    expect(detailValueText('{"old":null,"new":500000}')).toBe('not set → 500,000');
    expect(detailValueText('{"old":"Ibuprofen","new":"Ibuprofen 400"}')).toBe('Ibuprofen → Ibuprofen 400');
    expect(detailValueText('{"cap":5}')).toBe('{"cap":5}');
    expect(detailValueText('PO-4711')).toBe('PO-4711');
    expect(detailKeyLabel('requestCap')).toBe('request cap');
    expect(detailKeyLabel('low_threshold')).toBe('low threshold');
    expect(auditCsvPath({ action: 'serials.request', product: '0401', from: '', to: '' })).toBe(
      '/api/v2/audit.csv?action=serials.request&productCode=0401',
    );
    const fake = server();
    const el = setup(fake, '/audit?from=2026-05-03&to=2026-05-01');
    await flush();
    expect(el.querySelector('[data-testid=audit-range-warning]').textContent).toBe(
      'From (2026-05-03) is after To (2026-05-01): no entry can match. Change one of them.',
    );
    expect([...el.querySelectorAll('a.button')].find((a) => a.textContent.includes('CSV (times in UTC)'))?.getAttribute('href')).toMatch(
      /^\/api\/v2\/audit\.csv\?from=/,
    );
  });

  it('filters by person: typed or chosen from the people (admins) and the actors on the page, in the address and the CSV', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const people = {
      body: {
        data: {
          users: [{ name: 'Ann Auditor', email: 'ann@example.com' }],
          apiKeys: [{ owner: 'SAP ATTP' }, { owner: 'Ann Auditor <ann@example.com>' }, { owner: null }],
        },
      },
    };
    const fake = fakeFetch((op, v) => (op === 'AuditPeople' ? people : serverAnswer(v)));
    const admin = { tenant: { id: 't1', name: 'MAH' }, role: 'ADMIN' };
    const el = setup(fake, '/audit', admin);
    await flush();
    expect(fake.calls.filter((c) => c.op === 'AuditPeople')).toHaveLength(1);
    const choices = [...el.querySelectorAll('#audit-actor-choices option')].map((o) => o.getAttribute('value'));
    // The admin's people and key owners, and who acted on the page (a bare key names nobody).
    expect(choices).toEqual(['Ann Auditor <ann@example.com>', 'SAP ATTP', 'system:replenish']);
    expect(byLabel(el, 'Person').getAttribute('list')).toBe('audit-actor-choices');

    typeInto(byLabel(el, 'Person'), 'SAP ATTP ');
    await tick(250);
    await flush();
    expect(location.search).toBe('?actor=SAP+ATTP');
    expect(auditCalls(fake).at(-1)).toEqual({ filter: { actor: 'SAP ATTP' }, first: 50, after: null });
    expect([...el.querySelectorAll('a.button')].find((a) => a.textContent.includes('CSV'))?.getAttribute('href')).toBe(
      '/api/v2/audit.csv?actor=SAP+ATTP',
    );
    click(button(el, 'Reset filters'));
    await flush();
    expect(byLabel(el, 'Person').value).toBe('');
    expect(location.search).toBe('');
  });

  it('asks a non-admin for no people, offering the actors on the page', async () => {
    const entries = [{ ...ENTRIES[0], actor: 'Bob Operator <bob@example.com> (key:4)' }, { ...ENTRIES[1], actor: 'SAP ATTP (service account, key:5)' }];
    const fake = server(() => ({ body: { data: { auditLog: { edges: entries.map((node, i) => ({ cursor: `c${i}`, node })), pageInfo: { hasNextPage: false, endCursor: 'c1' } } } } }));
    const el = setup(fake, '/audit?actor=bob');
    await flush();
    expect(fake.calls.map((c) => c.op)).toEqual(['AuditLog']);
    expect(auditCalls(fake)[0].filter).toEqual({ actor: 'bob' });
    expect(byLabel(el, 'Person').value).toBe('bob');
    expect([...el.querySelectorAll('#audit-actor-choices option')].map((o) => o.getAttribute('value'))).toEqual([
      'Bob Operator <bob@example.com>',
      'SAP ATTP',
    ]);
    expect(actorName('key:3')).toBe('');
    expect(actorName('tenant:2 key:3')).toBe('');
    expect(actorName('Ann <a@x> (key:12)')).toBe('Ann <a@x>');
    expect(actorName('system:replenish')).toBe('system:replenish');
    expect(actorChoices(null, [])).toEqual([]);
  });

  it('details name their ids, show each change old → new ("changed" for a secret) and the signature', async () => {
    const entry = {
      ...ENTRIES[2],
      id: 'n1',
      action: 'key.revoke',
      detail: [
        { key: 'changes', value: '{"revokedAt":{"new":"2026-05-01T07:00:00Z","old":null}}', text: null },
        { key: 'key', value: '5', text: 'SAP ATTP' },
        { key: 'partner', value: '3', text: 'Contract Pack GmbH' },
        { key: 'request', value: '9', text: null },
      ],
      changes: [
        { field: 'revokedAt', old: null, new: '"2026-05-01T07:00:00Z"', secret: false },
        { field: 'upstreamCredentials', old: null, new: null, secret: true },
      ],
      signature: { name: 'Ann Auditor', email: 'ann@example.com', meaning: 'APPROVED', reason: 'Key leaked' },
    };
    expect(auditDetailLines(entry).map((l) => `${l.label}: ${l.value}`)).toEqual([
      'key: SAP ATTP',
      'partner: Contract Pack GmbH',
      'revoked at: not set → 2026-05-01T07:00:00Z',
      'upstream credentials: changed',
    ]);
    const fake = server(() => ({ body: { data: { auditLog: { edges: [{ cursor: 'c1', node: entry }], pageInfo: { hasNextPage: false, endCursor: 'c1' } } } } }));
    const el = setup(fake);
    await flush();
    const details = el.querySelector('tbody tr[data-id=n1] td.col-audit:last-child');
    expect(details.textContent).toContain('partner: Contract Pack GmbH');
    expect(details.textContent).not.toContain('"revokedAt"');
    expect(details.querySelector('[data-key=request]')).toBeNull(); // an internal id with no name
    expect(details.querySelector('[data-key=signature]').textContent).toBe('signed: Ann Auditor <ann@example.com>, approved: “Key leaked”');
  });
});
