import { describe, expect, it } from 'vitest';
import { assignedByProduct } from './AssignedSummary.jsx';

describe('assignedByProduct', () => {
  it('per product: what the partner holds (counters) and its last assignment, most recent first', () => {
    const data = {
      poolStats: [
        { count: 800, product: { code: 'A', name: 'Amoxicillin' }, partner: { id: 't2' } },
        { count: 40, product: { code: 'B', name: 'Ibuprofen' }, partner: { id: 't2' } },
        { count: 5, product: { code: 'A', name: 'Amoxicillin' }, partner: { id: 't3' } }, // another CMO
        { count: 9000, product: { code: 'A', name: 'Amoxicillin' }, partner: null }, // not assigned to a partner
        { count: 7, product: { code: 'C', name: 'Paracetamol' }, partner: { id: 't2' } },
      ],
      serialRequests: {
        edges: [
          { node: { count: 3, createdAt: '2026-05-04T10:00:00Z', partner: null, product: { code: 'B' } } }, // an order
          { node: { count: 20, createdAt: '2026-05-03T10:00:00Z', partner: { id: 't2' }, product: { code: 'B' } } },
          { node: { count: 300, createdAt: '2026-05-02T10:00:00Z', partner: { id: 't2' }, product: { code: 'A' } } },
          { node: { count: 500, createdAt: '2026-05-01T10:00:00Z', partner: { id: 't2' }, product: { code: 'A' } } },
        ],
      },
    };
    expect(assignedByProduct(data, 't2')).toEqual([
      { code: 'B', name: 'Ibuprofen', count: 40, last: { at: '2026-05-03T10:00:00Z', count: 20 } },
      { code: 'A', name: 'Amoxicillin', count: 800, last: { at: '2026-05-02T10:00:00Z', count: 300 } },
      { code: 'C', name: 'Paracetamol', count: 7, last: null },
    ]);
    expect(assignedByProduct(data, 't9')).toEqual([]);
  });
});
