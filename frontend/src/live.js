// @ts-check
/**
 * Live pool counts of one product. Today this polls `product(code) { pool }` every few
 * seconds; it is the single place to swap for a GraphQL subscription once the server has
 * one. Callers only see `watchPool(...)` → `stop()`, and `stop.refresh()` to ask at once
 * (after an action changed the pool).
 */
import { PRODUCT_POOL_QUERY, isAbort } from './api.js';

/** Default refresh interval of the expanded product's counts. */
export const POLL_INTERVAL_MS = 5000;

/**
 * @typedef {{available: number, assigned: number, total: number, low: boolean}} Pool
 * @typedef {object} WatchHandlers
 * @property {(pool: Pool, lowThreshold: number, product: any) => void} onData
 * @property {(error: Error) => void} [onError] a failed refresh; polling goes on
 * @property {() => void} [onGone] the product is no longer visible; polling stops
 */

/**
 * Starts refreshing the pool counts of a product. The first refresh happens after one
 * interval (the caller already has counts); refreshes never overlap, and none is sent
 * while the tab is hidden.
 * @param {import('./api.js').Client} client
 * @param {string} code product code
 * @param {WatchHandlers} handlers
 * @param {{intervalMs?: number}} [options]
 * @returns {(() => void) & {refresh: () => Promise<void>}} stop, with refresh() to ask now
 */
export function watchPool(client, code, handlers, options = {}) {
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {AbortController | undefined} */
  let inflight;

  const schedule = () => {
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };

  async function tick() {
    if (stopped) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      schedule();
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    try {
      const data = await client.request(PRODUCT_POOL_QUERY, { code }, { signal: controller.signal });
      if (stopped) return;
      if (!data.product) {
        stopped = true;
        handlers.onGone?.();
        return;
      }
      handlers.onData(data.product.pool, data.product.lowThreshold, data.product);
    } catch (error) {
      if (stopped || isAbort(error)) return;
      handlers.onError?.(/** @type {Error} */ (error));
      if (/** @type {any} */ (error)?.unauthenticated) {
        stopped = true; // the app is signing out
        return;
      }
    } finally {
      if (inflight === controller) inflight = undefined;
    }
    schedule();
  }

  schedule();
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    inflight?.abort();
  };
  /** Asks now (a refresh in flight is replaced), then goes on with the interval. */
  stop.refresh = async () => {
    if (stopped) return;
    clearTimeout(timer);
    inflight?.abort();
    await tick();
  };
  return stop;
}
