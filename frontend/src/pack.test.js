import { describe, expect, it } from 'vitest';
import { eventRules, FINAL_REASONS, localToIso } from './pack.js';

describe('pack event rules', () => {
  it('an active (or unknown) pack can only be commissioned', () => {
    for (const status of ['ACTIVE', 'UNKNOWN']) {
      const r = eventRules(status, null);
      expect(r.COMMISSION).toBeNull();
      expect(r.DECOMMISSION).toMatch(/Needs a commissioned pack/);
      expect(r.REACTIVATE).toMatch(/Needs a decommissioned pack/);
    }
  });

  it('a commissioned pack can only be decommissioned', () => {
    const r = eventRules('COMMISSIONED', null);
    expect(r).toEqual({
      COMMISSION: 'Needs an active pack; this one is commissioned.',
      DECOMMISSION: null,
      REACTIVATE: 'Needs a decommissioned pack; this one is commissioned.',
    });
  });

  it('a decommissioned pack can be reactivated unless the reason is final', () => {
    expect(eventRules('DECOMMISSIONED', 'SAMPLED').REACTIVATE).toBeNull();
    expect(eventRules('DECOMMISSIONED', 'FREE_SAMPLE').REACTIVATE).toBeNull();
    expect(FINAL_REASONS).toEqual(['DESTROYED', 'STOLEN', 'EXPORTED']);
    for (const reason of FINAL_REASONS) {
      expect(eventRules('DECOMMISSIONED', reason).REACTIVATE).toMatch(/can never be reactivated/);
    }
    expect(eventRules('DECOMMISSIONED', 'SAMPLED').COMMISSION).toMatch(/Needs an active pack/);
  });

  it('turns a datetime-local value into RFC 3339, empty into null', () => {
    expect(localToIso('')).toBeNull();
    expect(localToIso('not a date')).toBeNull();
    const iso = localToIso('2026-11-25T08:30:15');
    expect(iso).toBe(new Date(2026, 10, 25, 8, 30, 15).toISOString());
  });
});
