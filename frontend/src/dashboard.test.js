import { describe, expect, it } from 'vitest';
import { activityRanges, activitySeries, daysOfSupplyText, niceMax, poolHealth, rateText } from './dashboard.js';

const p = (code, available, low = false) => ({ code, name: code, lowThreshold: 10, pool: { available, assigned: 0, total: available, low } });

describe('dashboard figures', () => {
  it('asks for the last 7 × 24 hours and the 30 UTC days up to now', () => {
    expect(activityRanges(new Date('2026-12-02T03:30:00Z'))).toEqual({
      to: '2026-12-02T03:30:00.000Z',
      rateFrom: '2026-11-25T03:30:00.000Z',
      chartFrom: '2026-11-03T00:00:00.000Z',
    });
  });

  it('puts empty, then low pools first, then the fewest days of supply; unused pools last', () => {
    const recent = [
      { kind: 'ASSIGNED', product: { code: 'A' }, count: 70 }, // 10 a day
      { kind: 'ASSIGNED_TO_PARTNER', product: { code: 'A' }, count: 7 }, // +1 a day
      { kind: 'RECEIVED', product: { code: 'B' }, count: 1000 }, // not a use
      { kind: 'ASSIGNED', product: { code: 'C' }, count: 7 }, // 1 a day
      { kind: 'ASSIGNED', product: { code: 'E' }, count: 14 },
      { kind: 'ASSIGNED', product: null, count: 99 },
    ];
    const health = poolHealth([p('A', 110), p('B', 50), p('C', 5, true), p('D', 0, true), p('E', 0)], recent);
    expect(health.map((h) => [h.product.code, h.state, h.daysOfSupply])).toEqual([
      ['E', 'empty', 0], // empty and in use: the most urgent
      ['D', 'empty', 0],
      ['C', 'low', 5],
      ['A', 'ok', 10],
      ['B', 'ok', null],
    ]);
    expect(health[3].perDay).toBe(11);
  });

  it('says days of supply and rates in words', () => {
    expect(daysOfSupplyText(null)).toBe('no recent use');
    expect(daysOfSupplyText(0)).toBe('none left');
    expect(daysOfSupplyText(0.5)).toBe('less than a day');
    expect(daysOfSupplyText(1.9)).toBe('1 day');
    expect(daysOfSupplyText(1234.5)).toBe('1,234 days');
    expect(rateText(0)).toBe('none');
    expect(rateText(3 / 7)).toBe('0.4 a day');
    expect(rateText(12345.6)).toBe('12,346 a day');
  });

  it('sums received and assigned per UTC day, every day present', () => {
    const rows = [
      { bucket: '2026-11-30T00:00:00Z', kind: 'RECEIVED', count: 5 },
      { bucket: '2026-11-30T00:00:00Z', kind: 'GENERATED', count: 100 },
      { bucket: '2026-11-30T00:00:00Z', kind: 'ASSIGNED', count: 20 },
      { bucket: '2026-12-02T00:00:00Z', kind: 'ASSIGNED_TO_PARTNER', count: 3 },
      { bucket: '2026-12-02T00:00:00Z', kind: 'RELEASED', count: 8 },
      { bucket: '2026-12-02T00:00:00Z', kind: 'PACK_EVENTS', count: 9 },
      { bucket: '2026-10-01T00:00:00Z', kind: 'RECEIVED', count: 1 }, // outside
    ];
    expect(activitySeries(rows, '2026-11-30T00:00:00.000Z', 3)).toEqual([
      { day: '2026-11-30', received: 105, assigned: 20 },
      { day: '2026-12-01', received: 0, assigned: 0 },
      { day: '2026-12-02', received: 0, assigned: 3 },
    ]);
  });

  it('rounds an axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 10, 11, 180, 250, 999, 10_000_000_001].map(niceMax)).toEqual([1, 1, 5, 10, 20, 200, 500, 1000, 20_000_000_000]);
  });
});
