import { describe, expect, it } from 'vitest';
import { auditPath, matchRoute, packHistoryPath, PARTNERS_PATH, serialsPath, TAB_PATHS } from './router.js';

describe('routes', () => {
  it('maps every address to its page and tab', () => {
    expect(matchRoute('/')).toEqual({ name: 'pool', tab: 'sn' });
    expect(matchRoute('/pool/serial-numbers')).toEqual({ name: 'pool', tab: 'sn' });
    expect(matchRoute('/pool/serial-numbers/')).toEqual({ name: 'pool', tab: 'sn' });
    expect(matchRoute(TAB_PATHS.sscc)).toEqual({ name: 'pool', tab: 'sscc' });
    expect(matchRoute(TAB_PATHS.pack)).toEqual({ name: 'pool', tab: 'pack' });
    expect(matchRoute(PARTNERS_PATH)).toEqual({ name: 'partners' });
    expect(matchRoute('/audit')).toEqual({ name: 'audit' });
    expect(matchRoute('/audit/')).toEqual({ name: 'audit' });
    expect(matchRoute('/pool/products/0401%2F1/serials')).toEqual({ name: 'serials', code: '0401/1' });
    expect(matchRoute('/nowhere')).toEqual({ name: 'notFound' });
  });

  it('builds pack history addresses that survive odd serial characters', () => {
    expect(packHistoryPath()).toBe('/pool/pack-history');
    expect(packHistoryPath('04012340051006', 'A&B=C/1')).toBe('/pool/pack-history?product=04012340051006&serial=A%26B%3DC%2F1');
    const params = new URL(`http://x${packHistoryPath('P', '%+ ?#')}`).searchParams;
    expect(params.get('serial')).toBe('%+ ?#');
    expect(serialsPath('X', 'ASSIGNED')).toBe('/pool/products/X/serials?status=ASSIGNED');
  });

  it('builds audit trail addresses with only the filters that are set', () => {
    expect(auditPath()).toBe('/audit');
    expect(auditPath({ action: '', product: '' })).toBe('/audit');
    expect(auditPath({ action: 'serials.request', product: 'A&B', from: '2026-05-01', to: '2026-05-03' })).toBe(
      '/audit?action=serials.request&product=A%26B&from=2026-05-01&to=2026-05-03',
    );
  });
});
