// @ts-check
/**
 * Live pool counts of one product: the single place they come from. Callers only see
 * `watchPool(...)` → `stop()`, and `stop.refresh()` to ask at once (after an action changed
 * the pool).
 *
 * The counts come from the GraphQL subscription `poolCounts`, over one WebSocket per
 * signed-in session (graphql-ws, protocol graphql-transport-ws, at /graphql on the page's
 * own origin; the upgrade carries the session cookie). The socket is opened by the
 * first watch, shared by all of them, and closed on sign-out ({@link closeLive}).
 *
 * When the WebSocket cannot be used (no WebSocket in the browser, a proxy that refuses the
 * upgrade, a key the server refuses, the socket closing, any error but NOT_FOUND), a
 * watcher polls `product(code) { pool }` every few seconds instead, and tries the socket
 * again at most once a minute. Polling also covers the moment before the subscription's
 * first answer, so a socket that hangs never leaves the counts frozen.
 */
import { createClient } from 'graphql-ws/client';
import { ErrorCode, POOL_COUNTS_SUBSCRIPTION, PRODUCT_POOL_QUERY, isAbort } from './api.js';

/** Default refresh interval of the expanded product's counts while polling. */
export const POLL_INTERVAL_MS = 5000;

/** After the socket failed, no new one is tried before this much time (ms). */
export const SOCKET_RETRY_MS = 60_000;

/**
 * @typedef {{available: number, assigned: number, total: number, low: boolean}} Pool
 * @typedef {{code: string, lowThreshold: number, pool: Pool,
 *   requestCap?: number | null, replenishTo?: number | null}} PoolProduct
 *   what an update knows of the product (a poll also brings its limits, the socket does not)
 * @typedef {object} WatchHandlers
 * @property {(pool: Pool, lowThreshold: number, product: PoolProduct) => void} onData
 * @property {(error: Error) => void} [onError] a failed poll; polling goes on
 * @property {() => void} [onGone] the product is no longer visible; watching stops
 * @typedef {Pick<import('graphql-ws/client').Client, 'subscribe' | 'dispose'>} SocketClient
 * @typedef {(key: string) => SocketClient} SocketFactory
 */

/**
 * The graphql-ws client of the app: same origin, lazy (connects on the first subscription,
 * closes a while after the last one), never reconnecting on its own (the watchers poll and
 * try again later), and closing a socket that stops answering its pings.
 * @type {SocketFactory}
 */
export function openSocket(key) {
  const { protocol, host } = globalThis.location;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pongDue;
  const client = createClient({
    url: `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`,
    connectionParams: {}, // the upgrade's session cookie authenticates it
    lazy: true,
    lazyCloseTimeout: 10_000, // expanding another product reuses the socket
    retryAttempts: 0,
    connectionAckWaitTimeout: 10_000,
    keepAlive: 20_000,
    on: {
      ping(received) {
        if (!received) pongDue = setTimeout(() => client.terminate(), 10_000);
      },
      pong(received) {
        if (received) clearTimeout(pongDue);
      },
      closed() {
        clearTimeout(pongDue);
      },
    },
  });
  return client;
}

/** @type {SocketFactory | null} */
let socketFactory = openSocket;
/** @type {{key: string, client: SocketClient} | null} */
let shared = null;
/** No socket is tried before this time (ms since the epoch): the last one failed. */
let retryAfter = 0;

/**
 * Replaces how the WebSocket client is made (tests); null: never use one, always poll.
 * Closes the current one.
 * @param {SocketFactory | null} factory
 */
export function setSocketFactory(factory) {
  closeLive();
  socketFactory = factory;
}

/** Closes the shared WebSocket (sign-out). The next watch opens a new one. */
export function closeLive() {
  const current = shared;
  shared = null;
  retryAfter = 0;
  if (current) {
    try {
      Promise.resolve(current.client.dispose()).catch(() => {});
    } catch {
      /* closing is best effort */
    }
  }
}

/**
 * The shared WebSocket client of `key` (another key's is closed first). Throws when none
 * can be made.
 * @param {string} key
 */
function socketFor(key) {
  if (shared && shared.key !== key) closeLive();
  if (!shared) {
    if (!socketFactory) throw new Error('no WebSocket client');
    shared = { key, client: socketFactory(key) };
  }
  return shared;
}

/** @param {unknown} errors GraphQL errors (a list), or anything else a sink receives */
function notFound(errors) {
  return Array.isArray(errors) && errors.some((e) => e?.extensions?.code === ErrorCode.NOT_FOUND);
}

/**
 * Starts watching the pool counts of a product: over the subscription when the WebSocket
 * works (an update at once, then one per change), else by polling. A poll happens one
 * interval after the start (the caller already has counts) unless the subscription answered
 * first; polls never overlap, and none is sent while the tab is hidden.
 * @param {import('./api.js').Client | Pick<import('./api.js').Client, 'request'>} client
 *   the API client (its `key()` is the key of the WebSocket; without one, only polling)
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
  /** Ends the subscription of the current attempt, while there is one. @type {(() => void) | undefined} */
  let unsubscribe;
  /** The subscription answered (and still runs): no polling. */
  let live = false;

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && !live) timer = setTimeout(tick, intervalMs);
  };

  const end = () => {
    stopped = true;
    clearTimeout(timer);
    inflight?.abort();
    unsubscribe?.();
  };

  const gone = () => {
    end();
    handlers.onGone?.();
  };

  /** Subscribes over the shared WebSocket, unless it failed lately. */
  function subscribe() {
    const key = 'key' in client ? client.key() : null;
    if (stopped || unsubscribe || !key || !socketFactory || Date.now() < retryAfter) return;
    /** @type {{key: string, client: SocketClient}} */
    let socket;
    try {
      socket = socketFor(key);
    } catch {
      retryAfter = Date.now() + SOCKET_RETRY_MS;
      return;
    }
    let active = true; // callbacks of an ended attempt are ignored
    /** @type {() => void} */
    let dispose = () => {};
    const stopAttempt = () => {
      if (!active) return;
      active = false;
      live = false;
      if (unsubscribe === stopAttempt) unsubscribe = undefined;
      dispose();
    };
    /** The socket let us down: poll, and leave it alone for a while. */
    const failed = () => {
      retryAfter = Date.now() + SOCKET_RETRY_MS;
      stopAttempt();
      schedule();
    };
    unsubscribe = stopAttempt;
    try {
      dispose = socket.client.subscribe(
        { query: POOL_COUNTS_SUBSCRIPTION, variables: { code } },
        {
          next(result) {
            if (!active || stopped) return;
            if (result.errors?.length) {
              if (notFound(result.errors)) gone();
              else failed();
              return;
            }
            const update = /** @type {any} */ (result.data)?.poolCounts;
            if (!update?.pool) {
              failed();
              return;
            }
            if (!live) {
              live = true; // polling stops; a poll in flight is dropped
              clearTimeout(timer);
              inflight?.abort();
            }
            handlers.onData(update.pool, update.lowThreshold, {
              code: update.productCode,
              lowThreshold: update.lowThreshold,
              pool: update.pool,
            });
          },
          error(error) {
            if (!active || stopped) return;
            if (notFound(error)) gone();
            else failed(); // the socket closed or failed, or another error
          },
          complete() {
            if (!active || stopped) return;
            // The server ends the subscription when the product stops being visible; an
            // end because our socket was closed (sign-out, another key) is not that.
            if (shared === socket) gone();
            else failed();
          },
        },
      );
    } catch {
      failed();
      return;
    }
    if (!active) dispose(); // it ended before subscribe() returned
  }

  /**
   * One poll: onData, onGone or onError.
   * @returns {Promise<boolean>} false when it was cut short (stopped, replaced, or the
   *   subscription took over), so that whoever cut it goes on
   */
  async function poll() {
    const controller = new AbortController();
    inflight?.abort();
    inflight = controller;
    try {
      const data = await client.request(PRODUCT_POOL_QUERY, { code }, { signal: controller.signal });
      if (stopped || controller.signal.aborted) return false;
      if (!data.product) {
        gone();
        return false;
      }
      handlers.onData(data.product.pool, data.product.lowThreshold, data.product);
    } catch (error) {
      if (stopped || isAbort(error)) return false;
      handlers.onError?.(/** @type {Error} */ (error));
      if (/** @type {any} */ (error)?.unauthenticated) end(); // the app is signing out
    } finally {
      if (inflight === controller) inflight = undefined;
    }
    return true;
  }

  async function tick() {
    if (stopped || live) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      schedule();
      return;
    }
    subscribe(); // again, once the socket's failure is a while ago
    if (await poll()) schedule();
  }

  subscribe();
  schedule();
  const stop = () => end();
  /**
   * Asks now with one query (a poll in flight is replaced); while polling, the interval
   * then starts again from here.
   */
  stop.refresh = async () => {
    if (stopped) return;
    if (live) {
      await poll();
      return;
    }
    clearTimeout(timer);
    if (await poll()) schedule();
  };
  return stop;
}

/**
 * Keeps the counts of a whole list live (the collapsed rows of the product list, where a
 * subscription per row would exceed the server's 10 per socket): `read` fetches the
 * products on screen with their pools every interval, as one query; polls never overlap and
 * none is sent while the tab is hidden. Failed reads are left to the next interval.
 * @param {(signal: AbortSignal) => Promise<PoolProduct[]>} read
 * @param {(products: PoolProduct[]) => void} onData
 * @param {{intervalMs?: number}} [options]
 * @returns {() => void} stop
 */
export function watchPools(read, onData, options = {}) {
  const intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
  let stopped = false;
  const controller = new AbortController();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const schedule = () => {
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  async function tick() {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return schedule();
    try {
      const products = await read(controller.signal);
      if (!stopped) onData(products);
    } catch {
      /* the next interval tries again; the rows keep their last counts */
    }
    schedule();
  }
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller.abort();
  };
}
