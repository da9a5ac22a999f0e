import { afterEach, describe, expect, it } from 'vitest';
import { createClient, newIdempotencyKey } from '../api.js';
import { byLabel, fakeFetch, flush, mount, setValue, submit, unmountAll } from '../test-utils.jsx';
import { RequestForm } from './RequestForm.jsx';

const CODE = '04012340051006';
const KEY = /^web-[0-9a-f]{32}$/;

/**
 * A server that keeps requests by idempotency key, like the real one: a retry under a key
 * gets the first request back, the same key with another ask is CONFLICT. `failNext` makes
 * the next call fail: 'lost' assigns the serials and then the answer never arrives (a
 * timeout), 'unavailable' answers UNAVAILABLE without assigning anything.
 */
function server() {
  const state = { assigned: 0, failNext: /** @type {null | 'lost' | 'unavailable'} */ (null) };
  /** @type {Map<string, any>} */
  const byKey = new Map();
  let ids = 0;
  const fake = fakeFetch((op, v) => {
    if (op === 'OrderRequests') {
      const { productCode, orderRef } = v.filter;
      const edges = [...byKey.values()].filter((r) => r.product.code === productCode && r.orderRef === orderRef).map((node) => ({ node }));
      return { body: { data: { serialRequests: { edges } } } };
    }
    if (op !== 'RequestSerials') throw new Error(`unexpected ${op}`);
    const fail = state.failNext;
    state.failNext = null;
    if (fail === 'unavailable') {
      return { body: { errors: [{ message: 'The database is out of reach for a moment.', extensions: { code: 'UNAVAILABLE' } }] } };
    }
    const { productCode, count, orderRef, idempotencyKey } = v.input;
    let request = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
    if (request && (request.count !== count || request.orderRef !== orderRef || request.product.code !== productCode)) {
      return { body: { errors: [{ message: 'this idempotency key was used for another request', extensions: { code: 'CONFLICT', field: 'idempotencyKey' } }] } };
    }
    if (!request) {
      const id = `R${++ids}`;
      const edges = Array.from({ length: Math.min(count, 10) }, (_, i) => ({ node: { id: `${id}-s${i}`, value: `${id}-SN${i}` } }));
      request = { id, orderRef, count, createdAt: '2026-11-25T09:00:00Z', partner: null, product: { code: productCode }, serials: { edges, pageInfo: { hasNextPage: count > 10 } } };
      state.assigned += count;
      if (idempotencyKey) byKey.set(idempotencyKey, request);
    }
    if (fail === 'lost') throw new TypeError('Failed to fetch');
    return { body: { data: { requestSerials: request } } };
  });
  return { ...fake, state };
}

function setup() {
  const fake = server();
  /** @type {any[]} */
  const done = [];
  const el = mount(<RequestForm code={CODE} idPrefix="req" requestCap={1000} onDone={(r) => done.push(r)} />, {
    client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }),
  });
  return { el, fake, done };
}

/** Fills the form as a user does, submits it and lets the answer arrive. */
async function ask(el, count, orderRef) {
  setValue(byLabel(el, 'Number of serials'), count);
  setValue(byLabel(el, 'Order reference'), orderRef);
  submit(el.querySelector('form'));
  await flush();
}

const keys = (fake) => fake.calls.filter((c) => c.op === 'RequestSerials').map((c) => c.variables.input.idempotencyKey);
const shownId = (el) => el.querySelector('[data-testid=request-result]')?.getAttribute('data-request-id') ?? null;
const errorText = (el) => el.querySelector('[data-testid=action-error]')?.textContent ?? null;
const errorCode = (el) => el.querySelector('[data-testid=action-error]')?.getAttribute('data-code') ?? null;
const confirmButton = (el) => el.querySelector('[data-testid=confirm] .button-primary');

describe('newIdempotencyKey', () => {
  it('is "web-" and 32 hex digits, a new one each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(KEY);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});

describe('request form idempotency key', () => {
  afterEach(unmountAll);

  it('sends a key with the request', async () => {
    const { el, fake } = setup();
    await ask(el, '25', ' PO-4711 ');
    // First whether the order already has serials, then the request.
    expect(fake.calls.map((c) => c.op)).toEqual(['OrderRequests', 'RequestSerials']);
    expect(fake.calls[0].variables.filter).toEqual({ productCode: CODE, orderRef: 'PO-4711' });
    expect(fake.calls[1].variables.input).toEqual({ productCode: CODE, count: 25, orderRef: 'PO-4711', idempotencyKey: expect.stringMatching(KEY) });
    expect(shownId(el)).toBe('R1');
  });

  it('a retry after a lost answer reuses the key: the serials are assigned once and the request is shown', async () => {
    const { el, fake, done } = setup();
    fake.state.failNext = 'lost';
    await ask(el, '25', 'PO-4711');
    expect(errorCode(el)).toBe('NETWORK');
    expect(shownId(el)).toBeNull();
    expect(done).toHaveLength(0);
    // The server did assign them; the user cannot know and submits again.
    expect(fake.state.assigned).toBe(25);
    submit(el.querySelector('form'));
    await flush();
    const [first, second] = keys(fake);
    expect(first).toMatch(KEY);
    expect(second).toBe(first);
    expect(fake.state.assigned).toBe(25);
    expect(errorText(el)).toBeNull();
    expect(shownId(el)).toBe('R1');
    expect(el.querySelector('[data-testid=request-result] [role=status]').textContent).toBe('25 serials assigned to order PO-4711.');
    expect(done.map((r) => r.id)).toEqual(['R1']);
  });

  it('a retry after UNAVAILABLE reuses the key, even with the fields typed again', async () => {
    const { el, fake } = setup();
    fake.state.failNext = 'unavailable';
    await ask(el, '40', 'LINE-3');
    expect(errorCode(el)).toBe('UNAVAILABLE');
    expect(errorText(el)).toContain('The database is out of reach for a moment.');
    expect(fake.state.assigned).toBe(0);
    await ask(el, '40', ' LINE-3 ');
    const [first, second] = keys(fake);
    expect(second).toBe(first);
    expect(fake.state.assigned).toBe(40);
    expect(shownId(el)).toBe('R1');
  });

  it('after a success the same ask is a new request with a new key', async () => {
    const { el, fake } = setup();
    await ask(el, '25', 'PO-4711');
    await ask(el, '25', 'PO-4711');
    // The order already has serials: asked first, then sent on confirmation.
    expect(keys(fake)).toHaveLength(1);
    confirmButton(el).click();
    await flush();
    const [first, second] = keys(fake);
    expect(first).toMatch(KEY);
    expect(second).toMatch(KEY);
    expect(second).not.toBe(first);
    expect(fake.state.assigned).toBe(50);
    expect(shownId(el)).toBe('R2');
  });

  it('a changed count or order reference after a failure takes a new key', async () => {
    const { el, fake } = setup();
    fake.state.failNext = 'unavailable';
    await ask(el, '25', 'PO-4711');
    fake.state.failNext = 'unavailable';
    await ask(el, '30', 'PO-4711');
    fake.state.failNext = 'unavailable';
    await ask(el, '30', 'PO-4712');
    await ask(el, '30', 'PO-4712');
    const sent = keys(fake);
    expect(sent).toHaveLength(4);
    sent.forEach((k) => expect(k).toMatch(KEY));
    expect(new Set(sent.slice(0, 3)).size).toBe(3);
    expect(sent[3]).toBe(sent[2]);
    // No CONFLICT: a key was never sent with another ask.
    expect(errorText(el)).toBeNull();
    expect(shownId(el)).toBe('R1');
    expect(fake.state.assigned).toBe(30);
  });
});

describe('request form safety nets', () => {
  afterEach(unmountAll);

  function setupBig() {
    const fake = server();
    const el = mount(<RequestForm code={CODE} idPrefix="req" requestCap={500_000} />, {
      client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }),
    });
    return { el, fake };
  }

  it('warns that the order already has serials, shows them, and sends nothing until confirmed', async () => {
    const { el, fake } = setupBig();
    await ask(el, '25', 'PO-4711');
    expect(shownId(el)).toBe('R1');
    await ask(el, '5', 'PO-4711');
    expect(keys(fake)).toHaveLength(1);
    const confirm = el.querySelector('[data-testid=confirm]');
    expect(confirm.getAttribute('role')).toBe('alertdialog');
    expect(confirm.querySelector('.callout-title').textContent).toBe('Order PO-4711 already has serials of this product');
    const earlier = confirm.querySelector('[data-testid=earlier-requests]');
    expect(earlier.textContent).toContain('25 serials requested');
    expect([...earlier.querySelectorAll('.serial-preview li.mono')].map((li) => li.textContent)).toEqual(
      Array.from({ length: 10 }, (_, i) => `R1-SN${i}`),
    );
    expect(earlier.querySelector('a').getAttribute('download')).toBe('PO-4711-2026-11-25.csv');
    expect(confirmButton(el).textContent).toBe('Request 5 serials');
    expect(shownId(el)).toBeNull(); // the last result belongs to the last action
    // Back: nothing sent.
    [...confirm.querySelectorAll('button')].find((b) => b.textContent === 'Back').click();
    await flush();
    expect(el.querySelector('[data-testid=confirm]')).toBeNull();
    expect(keys(fake)).toHaveLength(1);
    // Again, and confirmed.
    submit(el.querySelector('form'));
    await flush();
    confirmButton(el).click();
    await flush();
    expect(keys(fake)).toHaveLength(2);
    expect(fake.state.assigned).toBe(30);
    expect(shownId(el)).toBe('R2');
  });

  it('asks before more than 10,000 at once, saying how many in words', async () => {
    const { el, fake } = setupBig();
    await ask(el, '10000', 'PO-1');
    expect(el.querySelector('[data-testid=confirm]')).toBeNull(); // 10,000 is not above
    expect(fake.state.assigned).toBe(10_000);
    await ask(el, '10,001', 'PO-2');
    expect(el.querySelector('[data-testid=confirm] .callout-title').textContent).toBe('Request 10,001 serials for order PO-2?');
    expect(fake.state.assigned).toBe(10_000);
    expect(document.activeElement).toBe(confirmButton(el)); // Enter confirms, Escape goes back
    confirmButton(el).click();
    await flush();
    expect(fake.state.assigned).toBe(20_001);
  });

  it('clears the form after a success, and a new mistake clears the old result', async () => {
    const { el } = setupBig();
    await ask(el, '25', 'PO-4711');
    expect(shownId(el)).toBe('R1');
    expect(byLabel(el, 'Number of serials').value).toBe('');
    expect(byLabel(el, 'Order reference').value).toBe('');
    submit(el.querySelector('form')); // empty: a validation error
    await flush();
    expect(el.textContent).toContain('Enter the number of serials.');
    expect(shownId(el)).toBeNull();
    expect(el.querySelector('[data-testid=request-result]')).toBeNull();
  });

  it('shows no internal id: the order reference and the time', async () => {
    const { el } = setupBig();
    await ask(el, '3', 'PO-9');
    const result = el.querySelector('[data-testid=request-result]');
    expect(result.querySelector('.request-facts').textContent).not.toContain('R1');
    expect(result.querySelector('.request-facts').textContent).toContain('Order referencePO-9');
    expect(result.querySelector('time').textContent).toMatch(/^2026-11-25 \d\d:00:00 UTC/);
    expect(result.querySelector('a[download]').getAttribute('download')).toBe('PO-9-2026-11-25.csv');
  });
});

