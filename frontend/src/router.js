// @ts-check
/**
 * A very small history router. The Go server answers every unknown path with index.html,
 * so deep links work after a reload.
 *
 *   /                                    → SN/SSCC pool, Serial number pool tab
 *   /pool/serial-numbers?search=…        → same, with a search
 *   /pool/sscc                           → SSCC pool tab
 *   /pool/pack-history?product=…&serial=… → Pack history tab (a lookup when both are given)
 *   /pool/products/<code>/serials?status=AVAILABLE → serials of one product
 *   /partners                            → partnerships (MAH: its CMOs; CMO: its MAHs)
 *   /audit?action=…&actor=…&product=…&from=…&to=… → the audit trail, filtered (dates as YYYY-MM-DD)
 *   /settings/sso                        → single sign-on (admins)
 *   /home                                → the dashboard (pool health, days of supply, activity)
 *   list addresses (product list, serials) also carry their view: see list-state.js
 *   /pack-events?product=…&event=…&from=…&to=… → recent pack events, filtered, and a pack lookup
 *   /admin                               → administration: products, channels, API keys (admins)
 */
import { useEffect, useState } from 'preact/hooks';

const CHANGE = 'serialpool:navigate';

/** @returns {{path: string, params: URLSearchParams}} */
function current() {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/**
 * @param {string} to path with optional query
 * @param {{replace?: boolean, state?: unknown}} [options] state: kept with the history entry
 *   (history.state), e.g. the cursors of the pages before
 */
export function navigate(to, options = {}) {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(options.state ?? null, '', to);
  else history.pushState(options.state ?? null, '', to);
  dispatchEvent(new Event(CHANGE));
}

/** Re-renders on every navigation (links, back/forward). */
export function useLocation() {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    addEventListener('popstate', update);
    addEventListener(CHANGE, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(CHANGE, update);
    };
  }, []);
  return loc;
}

/** @typedef {'sn' | 'sscc' | 'pack'} PoolTab */
/** @typedef {{name: 'pool', tab: PoolTab} | {name: 'serials', code: string} | {name: 'partners'}
 *   | {name: 'audit'} | {name: 'users'} | {name: 'sso'} | {name: 'home'} | {name: 'packEvents'} | {name: 'admin'} | {name: 'notFound'}} Route */

/**
 * @param {string} path
 * @returns {Route}
 */
export function matchRoute(path) {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (p === '/' || p === '/pool' || p === POOL_PATH) return { name: 'pool', tab: 'sn' };
  if (p === SSCC_PATH) return { name: 'pool', tab: 'sscc' };
  if (p === PACK_PATH) return { name: 'pool', tab: 'pack' };
  if (p === PARTNERS_PATH) return { name: 'partners' };
  if (p === AUDIT_PATH) return { name: 'audit' };
  if (p === USERS_PATH) return { name: 'users' };
  if (p === SSO_PATH) return { name: 'sso' };
  if (p === HOME_PATH) return { name: 'home' };
  if (p === PACK_EVENTS_PATH) return { name: 'packEvents' };
  if (p === ADMIN_PATH) return { name: 'admin' };
  const m = /^\/pool\/products\/([^/]+)\/serials\/?$/.exec(path);
  if (m) {
    try {
      return { name: 'serials', code: decodeURIComponent(m[1]) };
    } catch {
      return { name: 'notFound' };
    }
  }
  return { name: 'notFound' };
}

export const POOL_PATH = '/pool/serial-numbers';
export const SSCC_PATH = '/pool/sscc';
export const PACK_PATH = '/pool/pack-history';
export const PARTNERS_PATH = '/partners';
export const AUDIT_PATH = '/audit';
export const USERS_PATH = '/users';
export const SSO_PATH = '/settings/sso';
/** The dashboard: pool health across products, days of supply, received vs assigned. */
export const HOME_PATH = '/home';
export const PACK_EVENTS_PATH = '/pack-events';
export const ADMIN_PATH = '/admin';

/** @type {Record<PoolTab, string>} */
export const TAB_PATHS = Object.freeze({ sn: POOL_PATH, sscc: SSCC_PATH, pack: PACK_PATH });

/**
 * The Pack history tab, looking up one serial when both are given.
 * @param {string} [productCode]
 * @param {string} [serial]
 */
export function packHistoryPath(productCode, serial) {
  const params = new URLSearchParams();
  if (productCode) params.set('product', productCode);
  if (serial) params.set('serial', serial);
  const q = params.toString();
  return q ? `${PACK_PATH}?${q}` : PACK_PATH;
}

/**
 * The audit trail with its filters; empty ones are left out.
 * @param {{action?: string, actor?: string, product?: string, from?: string, to?: string}} [filters]
 */
export function auditPath(filters = {}) {
  const params = new URLSearchParams();
  for (const name of /** @type {const} */ (['action', 'actor', 'product', 'from', 'to'])) {
    if (filters[name]) params.set(name, /** @type {string} */ (filters[name]));
  }
  const q = params.toString();
  return q ? `${AUDIT_PATH}?${q}` : AUDIT_PATH;
}

/** @param {string} search */
export function poolPath(search) {
  return search ? `${POOL_PATH}?${new URLSearchParams({ search })}` : POOL_PATH;
}

/** @param {string} code @param {string} [status] */
export function serialsPath(code, status) {
  const base = `/pool/products/${encodeURIComponent(code)}/serials`;
  return status ? `${base}?${new URLSearchParams({ status })}` : base;
}

/**
 * Client-side navigation for a plain link; modified clicks (new tab, …) keep the browser's
 * behaviour.
 * @param {MouseEvent} event
 */
export function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = /** @type {HTMLAnchorElement} */ (event.currentTarget);
  event.preventDefault();
  navigate(a.getAttribute('href') || '/');
}

/**
 * The pack events list with its filters; empty ones are left out.
 * @param {{product?: string, event?: string, from?: string, to?: string}} [filters]
 */
export function packEventsPath(filters = {}) {
  const params = new URLSearchParams();
  for (const name of /** @type {const} */ (['product', 'event', 'from', 'to'])) {
    if (filters[name]) params.set(name, /** @type {string} */ (filters[name]));
  }
  const q = params.toString();
  return q ? `${PACK_EVENTS_PATH}?${q}` : PACK_EVENTS_PATH;
}
