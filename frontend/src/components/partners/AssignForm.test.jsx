import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../api.js';
import { button, byLabel, fakeFetch, flush, mount, setValue, submit, unmountAll } from '../../test-utils.jsx';
import { AssignForm } from './AssignForm.jsx';

afterEach(unmountAll);

const partner = { id: 'P1', role: 'CMO', tenant: { id: 't2', name: 'Contract Pack GmbH' } };
const product = { id: 'p1', code: '04012340051006', name: 'Amoxicillin 500 mg', requestCap: 500_000, owner: { id: 't1' }, pool: { available: 80_000, assigned: 0 } };

describe('<AssignForm>', () => {
  it('asks before assigning more than 10,000 serials, and sends nothing until confirmed', async () => {
    const fake = fakeFetch((op, v) => ({
      body: {
        data: {
          assignSerialsToPartner: {
            id: 'R1', orderRef: null, count: v.input.count, createdAt: '2026-11-25T09:00:00Z', partner: partner.tenant,
            product: { code: product.code }, serials: { edges: [], pageInfo: { hasNextPage: true } },
          },
        },
      },
    }));
    const el = mount(<AssignForm partner={partner} products={[product]} idPrefix="as" />, {
      client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }),
    });
    setValue(byLabel(el, 'Product'), product.code);
    setValue(byLabel(el, 'Number of serials'), '25000');
    submit(el.querySelector('form'));
    await flush();
    expect(fake.calls).toHaveLength(0);
    expect(el.querySelector('[data-testid=confirm] .callout-title').textContent).toBe(
      'Assign 25,000 serials of Amoxicillin 500 mg to Contract Pack GmbH?',
    );
    button(el, 'Back').click();
    await flush();
    expect(fake.calls).toHaveLength(0);
    submit(el.querySelector('form'));
    await flush();
    button(el, 'Assign 25,000 serials').click();
    await flush();
    expect(fake.calls.map((c) => c.variables.input.count)).toEqual([25_000]);
    expect(el.querySelector('[data-testid=request-result] [role=status]').textContent).toBe('25,000 serials assigned to Contract Pack GmbH.');
    // 10,000 is not "above": no question.
    setValue(byLabel(el, 'Number of serials'), '10000');
    submit(el.querySelector('form'));
    await flush();
    expect(el.querySelector('[data-testid=confirm]')).toBeNull();
    expect(fake.calls.map((c) => c.variables.input.count)).toEqual([25_000, 10_000]);
  });
});
