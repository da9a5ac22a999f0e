import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  actorLabel, formatCompact, formatDateTime, onTimeZoneChange, packStatusLabel, PACK_STATUSES, plural, setTimeZoneSetting,
  timeZoneSetting, utcDate, utcOffset,
} from './format.js';

describe('formatCompact', () => {
  it('is exact below 100,000 and compact above, up to 10 billion', () => {
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(99_999)).toBe('99,999');
    expect(formatCompact(100_000)).toBe('100K');
    expect(formatCompact(1_035_000)).toBe('1.04M');
    expect(formatCompact(999_999_999)).toBe('1B');
    expect(formatCompact(10_000_000_000)).toBe('10B');
    // Never longer than the ring holds (6 characters at the donut's font size).
    for (const n of [123_456, 1_234_567, 12_345_678, 123_456_789, 1_234_567_890, 9_999_999_999]) {
      expect(formatCompact(n).length).toBeLessThanOrEqual(6);
    }
  });
});

describe('plural', () => {
  it('says one and many with grouping', () => {
    expect(plural(1, 'serial')).toBe('1 serial');
    expect(plural(2, 'serial')).toBe('2 serials');
    expect(plural(0, 'serial')).toBe('0 serials');
    expect(plural(1000, 'SSCC')).toBe('1,000 SSCCs');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('times with their zone', () => {
  const tz = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'Europe/Berlin';
    localStorage.clear();
  });
  afterEach(() => {
    process.env.TZ = tz;
    setTimeZoneSetting('local');
    localStorage.clear();
  });

  it('shows local time with its UTC offset by default, winter and summer', () => {
    expect(timeZoneSetting()).toBe('local');
    expect(formatDateTime('2026-12-01T14:03:22Z')).toBe('2026-12-01 15:03:22 UTC+01:00');
    expect(formatDateTime('2026-07-01T14:03:22Z')).toBe('2026-07-01 16:03:22 UTC+02:00');
    expect(utcOffset(new Date('2026-12-01T14:03:22Z'))).toBe('UTC+01:00');
  });

  it('shows UTC when the setting says so, and tells listeners', () => {
    let changes = 0;
    const stop = onTimeZoneChange(() => changes++);
    setTimeZoneSetting('UTC');
    expect(changes).toBe(1);
    expect(timeZoneSetting()).toBe('UTC');
    expect(formatDateTime('2026-12-01T23:30:00Z')).toBe('2026-12-01 23:30:00 UTC');
    expect(formatDateTime('2026-12-01T23:30:00Z', { zone: 'local' })).toBe('2026-12-02 00:30:00 UTC+01:00');
    stop();
    setTimeZoneSetting('local');
    expect(changes).toBe(1);
  });

  it('keeps missing and unreadable times readable', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a time')).toBe('not a time');
  });

  it('dates files in UTC', () => {
    expect(utcDate('2026-12-01T23:30:00+00:00')).toBe('2026-12-01');
    expect(utcDate('2026-12-02T00:30:00+01:00')).toBe('2026-12-01');
  });
});

describe('pack status words', () => {
  it('says a never-used serial is not commissioned yet, and explains each status', () => {
    expect(packStatusLabel('ACTIVE')).toBe('Not commissioned yet');
    expect(packStatusLabel('COMMISSIONED')).toBe('Commissioned');
    expect(packStatusLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    for (const [, label, meaning] of PACK_STATUSES) {
      expect(label).not.toMatch(/_/);
      expect(meaning).toMatch(/\.$/);
    }
  });
});

describe('actorLabel', () => {
  it('names who acted without internal ids', () => {
    expect(actorLabel('Ann Admin <ann@x.example> (key:12)')).toBe('Ann Admin <ann@x.example>');
    expect(actorLabel('Ann Admin <ann@x.example>')).toBe('Ann Admin <ann@x.example>');
    expect(actorLabel('SAP ATTP (service account, key:4)')).toBe('SAP ATTP (service account)');
    expect(actorLabel('Line 3 (service account, key:4) (L3-server)')).toBe('Line 3 (service account) (L3-server)');
    expect(actorLabel('key:3')).toBe('An API key');
    expect(actorLabel('key:3 (L3-server)')).toBe('An API key (L3-server)');
    expect(actorLabel('tenant:2 key:3')).toBe("A partner's API key");
    expect(actorLabel('tenant:2 Bo Admin <bo@y.example> (key:5)')).toBe('Bo Admin <bo@y.example> (partner)');
    expect(actorLabel('tenant:2 SAP ATTP (service account, key:4)')).toBe('SAP ATTP (service account) (partner)');
    expect(actorLabel('system:replenish')).toBe('Automatic replenishment (system)');
    expect(actorLabel('system:cli')).toBe('Command line (system)');
    expect(actorLabel('system:future')).toBe('future (system)');
  });
});
