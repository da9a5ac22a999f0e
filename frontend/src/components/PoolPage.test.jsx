import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { matchRoute, useLocation } from '../router.js';
import { fakeFetch, flush, mahViewer, mount, productPage, product, unmountAll } from '../test-utils.jsx';
import { Header } from './Header.jsx';
import { PoolPage } from './PoolPage.jsx';

function Routed() {
  const { path, params } = useLocation();
  const route = matchRoute(path);
  return route.name === 'pool' ? <PoolPage tab={route.tab} params={params} /> : <p>elsewhere</p>;
}

function setup() {
  const fake = fakeFetch((op) => {
    if (op === 'Products' || op === 'ProductCodes') return { body: productPage([product()]) };
    if (op === 'SsccPools') return { body: { data: { ssccPools: [] } } };
    throw new Error(op);
  });
  return mount(<Routed />, { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }), viewer: mahViewer('VIEWER') });
}

const tabs = (el) => [...el.querySelectorAll('[role=tab]')];
const key = (target, k) =>
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });

describe('<PoolPage> tabs', () => {
  beforeEach(() => history.replaceState(null, '', '/pool/serial-numbers'));
  afterEach(unmountAll);

  it('has three working tabs, each with its own address and panel', async () => {
    const el = setup();
    await flush();
    expect(tabs(el).map((t) => [t.textContent, t.getAttribute('aria-selected'), t.tabIndex])).toEqual([
      ['Serial number pool', 'true', 0],
      ['SSCC pool', 'false', -1],
      ['Pack history', 'false', -1],
    ]);
    expect(el.querySelector('[role=tabpanel]').getAttribute('aria-labelledby')).toBe('tab-sn');
    act(() => tabs(el)[1].click());
    await flush();
    expect(location.pathname).toBe('/pool/sscc');
    expect(el.querySelector('[role=tabpanel]').id).toBe('panel-sscc');
    expect(el.textContent).toContain('No SSCC pools yet');
    act(() => tabs(el)[2].click());
    await flush();
    expect(location.pathname).toBe('/pool/pack-history');
    expect(el.querySelector('#pack-product')).not.toBeNull();
  });

  it('moves between tabs with the arrow keys, Home and End (roving focus)', async () => {
    const el = setup();
    await flush();
    tabs(el)[0].focus();
    key(tabs(el)[0], 'ArrowRight');
    expect(document.activeElement).toBe(tabs(el)[1]);
    key(tabs(el)[1], 'End');
    expect(document.activeElement).toBe(tabs(el)[2]);
    key(tabs(el)[2], 'ArrowRight'); // wraps
    expect(document.activeElement).toBe(tabs(el)[0]);
    key(tabs(el)[0], 'ArrowLeft');
    expect(document.activeElement).toBe(tabs(el)[2]);
    key(tabs(el)[2], 'Home');
    expect(document.activeElement).toBe(tabs(el)[0]);
    expect(location.pathname).toBe('/pool/serial-numbers'); // focus alone does not switch
  });
});

describe('<Header>', () => {
  afterEach(unmountAll);

  it('marks the current section in the main navigation', () => {
    history.replaceState(null, '', '/partners');
    const el = mount(<Header viewer={mahViewer('ADMIN')} onSignOut={() => {}} />);
    const links = [...el.querySelectorAll('.main-nav a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('aria-current')])).toEqual([
      ['Home', null], // the dashboard
      ['SN/SSCC pool', null],
      ['Pack events', null],
      ['Partners', 'page'],
      ['Audit trail', null],
      ['Administration', null],
      ['Users', null], // admins manage the tenant's people
      ['Single sign-on', null],
    ]);
    unmountAll();
    const viewerNav = mount(<Header viewer={mahViewer('VIEWER')} onSignOut={() => {}} />);
    expect([...viewerNav.querySelectorAll('.main-nav a')].map((a) => a.textContent)).not.toContain('Users');
  });

  it('links single sign-on for admins only', () => {
    history.replaceState(null, '', '/settings/sso');
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN']) {
      const el = mount(<Header viewer={mahViewer(role)} onSignOut={() => {}} />);
      const sso = [...el.querySelectorAll('.main-nav a')].find((a) => a.textContent === 'Single sign-on');
      expect(sso?.getAttribute('aria-current') ?? null).toBe(role === 'ADMIN' ? 'page' : null);
      expect(!!sso).toBe(role === 'ADMIN');
      unmountAll();
    }
  });

  it('links the audit trail for every role, marked current there', () => {
    history.replaceState(null, '', '/audit?action=serials.request');
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN']) {
      const el = mount(<Header viewer={mahViewer(role)} onSignOut={() => {}} />);
      const audit = [...el.querySelectorAll('.main-nav a')].find((a) => a.textContent === 'Audit trail');
      expect(audit.getAttribute('href')).toBe('/audit');
      expect(audit.getAttribute('aria-current')).toBe('page');
      expect(el.querySelectorAll('.main-nav a[aria-current]')).toHaveLength(1);
      unmountAll();
    }
  });
});
