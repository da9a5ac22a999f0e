import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../api.js';
import { button, byLabel, click, fakeFetch, flush, mahViewer, mount, setValue, submit, unmountAll } from '../test-utils.jsx';
import { SsccPoolTab, validPrefix } from './SsccPoolTab.jsx';

function server(initial = []) {
  let pools = initial;
  return fakeFetch((op, v) => {
    if (op === 'SsccPools') return { body: { data: { ssccPools: pools } } };
    if (op === 'CreateSsccPool') {
      const p = { code: `${v.input.extensionDigit}${v.input.companyPrefix}`, companyPrefix: v.input.companyPrefix, extensionDigit: v.input.extensionDigit, pool: { available: 0, assigned: 0, total: 0, low: false } };
      pools = [...pools, p];
      return { body: { data: { createSsccPool: p } } };
    }
    if (op === 'GenerateSerials') {
      pools = pools.map((p) => (p.code === v.input.productCode ? { ...p, pool: { ...p.pool, available: p.pool.available + v.input.count, total: p.pool.total + v.input.count } } : p));
      return { body: { data: { generateSerials: { batchId: null, productCode: v.input.productCode, source: 'SNM', accepted: v.input.count, duplicates: 0, replayed: false } } } };
    }
    if (op === 'Ssccs') {
      const edges = [1, 2].map((i) => ({ cursor: String(i), node: { id: `x${i}`, value: `04012345000000000${i}`, status: 'AVAILABLE', source: 'SNM', receivedAt: '2026-11-25T09:00:00Z', assignedAt: null, packStatus: 'ACTIVE' } }));
      const pool = pools.find((p) => p.code === v.code);
      return { body: { data: { ssccPool: pool ? { ...pool, ssccs: { edges, pageInfo: { hasNextPage: false, endCursor: '2' } } } : null } } };
    }
    throw new Error(op);
  });
}

const POOL = { code: '04012345', companyPrefix: '4012345', extensionDigit: 0, pool: { available: 75, assigned: 25, total: 100, low: false } };

async function setup(role, pools = [POOL]) {
  const fake = server(pools);
  const el = mount(<SsccPoolTab />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: mahViewer(role) });
  await flush();
  return { el, fake };
}

describe('<SsccPoolTab>', () => {
  afterEach(unmountAll);

  it('lists the pools with their donut (the shared one) and counts', async () => {
    const { el } = await setup('VIEWER');
    expect(el.querySelector('[data-testid=sscc-count]').textContent).toBe('1 SSCC pool');
    const card = el.querySelector('article.sscc-card');
    expect(card.querySelector('h2').textContent).toBe('SSCC pool 04012345');
    const figure = card.querySelector('figure.donut');
    expect(figure.getAttribute('aria-label')).toBe('SSCC pool of 04012345');
    expect(figure.querySelector('.donut-legend').textContent).toContain('Available: 75 SSCCs');
    expect(figure.querySelector('.donut-legend').textContent).toContain('Assigned: 25 SSCCs');
    expect(card.textContent).toContain('1,000,000,000 SSCCs'); // 7-digit prefix: 9-digit serial reference
    // A viewer may only look.
    expect([...card.querySelectorAll('.action-bar button')].map((b) => b.textContent)).toEqual(['Show SSCCs']);
    expect(el.textContent).not.toContain('New SSCC pool');
  });

  it('shows the empty state and lets an admin create the first pool', async () => {
    const { el, fake } = await setup('ADMIN', []);
    expect(el.textContent).toContain('No SSCC pools yet');
    click(button(el, 'New SSCC pool'));
    const prefix = byLabel(el, 'GS1 company prefix');
    expect(document.activeElement).toBe(prefix);
    setValue(prefix, '40123');
    submit(el.querySelector('#new-sscc-pool'));
    expect(el.querySelector('#sscc-prefix-error').textContent).toBe('The company prefix has 6 to 12 digits, not 5.');
    setValue(prefix, '4012345');
    expect(el.querySelector('#sscc-prefix-hint').textContent).toBe('6 to 12 digits · 9-digit serial reference, 1,000,000,000 SSCCs');
    setValue(byLabel(el, 'Extension digit'), '3');
    submit(el.querySelector('#new-sscc-pool'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'CreateSsccPool').variables).toEqual({ input: { companyPrefix: '4012345', extensionDigit: 3 } });
    expect(el.querySelector('[data-testid=action-success]').textContent).toBe('SSCC pool 34012345 created.');
    expect(el.querySelector('article.sscc-card[data-code="34012345"]')).not.toBeNull();
  });

  it('operators generate SSCCs (sequential only) and the counts refresh', async () => {
    const { el, fake } = await setup('OPERATOR');
    expect(el.textContent).not.toContain('New SSCC pool');
    const card = el.querySelector('article.sscc-card');
    click(button(card, 'Generate'));
    expect(card.querySelector('input[type=radio]')).toBeNull(); // no mode choice
    expect(card.querySelector('.field-note').textContent).toContain('Sequential');
    setValue(byLabel(card, 'Number of SSCCs'), '50');
    submit(card.querySelector('.action-panel form'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'GenerateSerials').variables).toEqual({ input: { productCode: '04012345', count: 50, mode: 'SEQUENTIAL' } });
    expect(fake.calls.filter((c) => c.op === 'SsccPools')).toHaveLength(2);
    const after = el.querySelector('article.sscc-card');
    expect(after.querySelector('.donut-legend').textContent).toContain('Available: 125 SSCCs');
  });

  it('opens the paged list of SSCCs, each linking to its history', async () => {
    const { el, fake } = await setup('VIEWER');
    click(button(el, 'Show SSCCs'));
    await flush();
    expect(fake.calls.find((c) => c.op === 'Ssccs').variables).toEqual({ code: '04012345', status: null, first: 50, after: null });
    const links = [...el.querySelectorAll('table.sscc-table tbody th a')];
    expect(links.map((a) => a.textContent)).toEqual(['040123450000000001', '040123450000000002']);
    expect(links[0].getAttribute('href')).toBe('/pool/pack-history?product=04012345&serial=040123450000000001');
    click(el.querySelector('input[type=radio][value=ASSIGNED]'));
    await flush();
    expect(fake.calls.filter((c) => c.op === 'Ssccs').at(-1).variables.status).toBe('ASSIGNED');
  });

  it('validates a company prefix', () => {
    expect(validPrefix('')).toBe('Enter the GS1 company prefix.');
    expect(validPrefix('40a2345')).toBe('The company prefix has digits only.');
    expect(validPrefix('1234567890123')).toBe('The company prefix has 6 to 12 digits, not 13.');
    expect(validPrefix('401234')).toBeNull();
  });
});
