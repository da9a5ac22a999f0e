import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.js';
import { POLL_INTERVAL_MS, SOCKET_RETRY_MS, closeLive, setSocketFactory, watchPool } from './live.js';

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

describe('watchPool', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls product.pool every 5 s until stopped', async () => {
    expect(POLL_INTERVAL_MS).toBe(5000);
    let available = 100;
    const request = vi.fn(async () => ({
      product: { id: 'p', code: 'C', lowThreshold: 50, pool: { available: available--, assigned: 0, total: 0, low: false } },
    }));
    const onData = vi.fn();
    const stop = watchPool({ request }, 'C', { onData });

    expect(request).not.toHaveBeenCalled(); // the caller already has counts
    await vi.advanceTimersByTimeAsync(5000);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request.mock.calls[0][1]).toEqual({ code: 'C' });
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 100 }), 50, expect.objectContaining({ code: 'C' }));

    await vi.advanceTimersByTimeAsync(5000);
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 99 }), 50, expect.anything());

    stop();
    await vi.advanceTimersByTimeAsync(20000);
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('keeps polling after an error, stops when signed out or when the product is gone', async () => {
    const onError = vi.fn();
    const request = vi
      .fn()
      .mockRejectedValueOnce(new ApiError('boom', { code: 'INTERNAL' }))
      .mockResolvedValueOnce({ product: null });
    const onGone = vi.fn();
    watchPool({ request }, 'C', { onData: vi.fn(), onError, onGone }, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(onError).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1000);
    expect(onGone).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(5000);
    expect(request).toHaveBeenCalledTimes(2);

    const unauth = vi.fn().mockRejectedValue(new ApiError('revoked', { code: 'UNAUTHENTICATED' }));
    watchPool({ request: unauth }, 'C', { onData: vi.fn(), onError: vi.fn() }, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(unauth).toHaveBeenCalledTimes(1);
    await flushPromises;
  });

  it('refresh() asks at once and goes on with the interval from there', async () => {
    let available = 10;
    const request = vi.fn(async () => ({
      product: { id: 'p', code: 'C', lowThreshold: 5, pool: { available: available, assigned: 0, total: available, low: false } },
    }));
    const onData = vi.fn();
    const stop = watchPool({ request }, 'C', { onData }, { intervalMs: 5000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(request).not.toHaveBeenCalled();
    available = 7; // an action changed the pool
    await stop.refresh();
    expect(request).toHaveBeenCalledTimes(1);
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 7 }), 5, expect.anything());
    // The next poll is a full interval after the refresh, not at the old schedule (t=5000).
    await vi.advanceTimersByTimeAsync(2500);
    expect(request).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2500);
    expect(request).toHaveBeenCalledTimes(2);
    stop();
    await stop.refresh(); // a stopped watcher stays stopped
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('a refresh replaces a poll still in flight (its answer is dropped)', async () => {
    /** @type {((v: any) => void)[]} */
    const pending = [];
    const request = vi.fn(
      (_q, vars, opts) =>
        new Promise((resolve, reject) => {
          pending.push(resolve);
          opts.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const onData = vi.fn();
    const onError = vi.fn();
    const stop = watchPool({ request }, 'C', { onData, onError }, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(request).toHaveBeenCalledTimes(1);
    const refreshed = stop.refresh();
    expect(request).toHaveBeenCalledTimes(2);
    pending[1]({ product: { id: 'p', code: 'C', lowThreshold: 1, pool: { available: 3, assigned: 0, total: 3, low: false } } });
    await refreshed;
    expect(onData).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled(); // the aborted poll is not an error
    stop();
  });
});

/**
 * A fake graphql-ws client factory: the test drives each subscription's sink.
 * @param {{throws?: boolean}} [options]
 */
function fakeSockets(options = {}) {
  /** @type {{key: string, payload: any, sink: any, disposed: boolean}[]} */
  const subs = [];
  /** @type {{key: string, disposed: boolean}[]} */
  const clients = [];
  const factory = vi.fn((/** @type {string} */ key) => {
    if (options.throws) throw new Error('WebSocket implementation missing');
    const client = {
      key,
      disposed: false,
      subscribe(/** @type {any} */ payload, /** @type {any} */ sink) {
        const sub = { key, payload, sink, disposed: false };
        subs.push(sub);
        return () => {
          sub.disposed = true;
        };
      },
      dispose() {
        client.disposed = true;
      },
    };
    clients.push(client);
    return client;
  });
  return { factory, subs, clients };
}

const update = (available, code = 'C') => ({
  data: { poolCounts: { productCode: code, lowThreshold: 50, pool: { available, assigned: 10, total: available + 10, low: false } } },
});
const polled = (available) => ({
  product: { id: 'p', code: 'C', lowThreshold: 50, requestCap: 100, replenishTo: null, pool: { available, assigned: 0, total: available, low: false } },
});
const notFoundError = [{ message: 'no product C', extensions: { code: 'NOT_FOUND' } }];

describe('watchPool over the poolCounts subscription', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    setSocketFactory(null);
    vi.useRealTimers();
  });

  it('subscribes over one shared socket per key, delivers each update to onData, and does not poll', async () => {
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    const request = vi.fn(async () => polled(1));
    const onData = vi.fn();
    const stop = watchPool({ request, key: () => 'k1' }, 'C', { onData });

    expect(sockets.factory).toHaveBeenCalledWith('k1');
    expect(sockets.subs).toHaveLength(1);
    const [sub] = sockets.subs;
    expect(sub.payload.query).toMatch(/subscription PoolCounts\(\$code: String!\)\s*{\s*poolCounts\(productCode: \$code\)/);
    expect(sub.payload.variables).toEqual({ code: 'C' });

    sub.sink.next(update(100));
    expect(onData).toHaveBeenLastCalledWith(
      { available: 100, assigned: 10, total: 110, low: false },
      50,
      expect.objectContaining({ code: 'C', lowThreshold: 50 }),
    );
    sub.sink.next(update(90));
    expect(onData).toHaveBeenCalledTimes(2);
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 90 }), 50, expect.anything());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(request).not.toHaveBeenCalled(); // live: no polling

    // A second watcher shares the socket; another key gets its own and closes the first.
    const stop2 = watchPool({ request, key: () => 'k1' }, 'D', { onData: vi.fn() });
    expect(sockets.factory).toHaveBeenCalledTimes(1);
    expect(sockets.subs[1].payload.variables).toEqual({ code: 'D' });
    stop2();
    expect(sockets.subs[1].disposed).toBe(true);
    expect(sub.disposed).toBe(false);

    stop();
    expect(sub.disposed).toBe(true);
    sub.sink.next(update(80)); // late: ignored
    expect(onData).toHaveBeenCalledTimes(2);

    watchPool({ request, key: () => 'k2' }, 'C', { onData: vi.fn() })();
    expect(sockets.factory).toHaveBeenLastCalledWith('k2');
    expect(sockets.clients[0].disposed).toBe(true);
    closeLive(); // sign-out
    expect(sockets.clients[1].disposed).toBe(true);
  });

  it('refresh() asks once with a query while the subscription runs, and polling does not start', async () => {
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    const request = vi.fn(async () => polled(7));
    const onData = vi.fn();
    const stop = watchPool({ request, key: () => 'k' }, 'C', { onData });
    sockets.subs[0].sink.next(update(8));
    await stop.refresh();
    expect(request).toHaveBeenCalledTimes(1);
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 7 }), 50, expect.objectContaining({ requestCap: 100 }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(request).toHaveBeenCalledTimes(1);
    stop();
  });

  it('NOT_FOUND (in a result or as an error) or the end of the subscription → onGone, and nothing more', async () => {
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    const request = vi.fn(async () => polled(1));

    // gqlgen sends a resolver's NOT_FOUND as a result with errors, then complete.
    const gone1 = vi.fn();
    const onData1 = vi.fn();
    watchPool({ request, key: () => 'k' }, 'C', { onData: onData1, onGone: gone1 });
    sockets.subs[0].sink.next({ errors: notFoundError, data: null });
    sockets.subs[0].sink.complete();
    expect(gone1).toHaveBeenCalledOnce();
    expect(onData1).not.toHaveBeenCalled();
    expect(sockets.subs[0].disposed).toBe(true);

    const gone2 = vi.fn();
    watchPool({ request, key: () => 'k' }, 'C', { onData: vi.fn(), onGone: gone2 });
    sockets.subs[1].sink.error(notFoundError);
    expect(gone2).toHaveBeenCalledOnce();

    // The product stopped being visible while watched: the server completes.
    const gone3 = vi.fn();
    const onData3 = vi.fn();
    watchPool({ request, key: () => 'k' }, 'C', { onData: onData3, onGone: gone3 });
    sockets.subs[2].sink.next(update(5));
    sockets.subs[2].sink.complete();
    expect(onData3).toHaveBeenCalledOnce();
    expect(gone3).toHaveBeenCalledOnce();

    await vi.advanceTimersByTimeAsync(120_000);
    expect(request).not.toHaveBeenCalled(); // gone: no polling
    expect(sockets.subs).toHaveLength(3); // and no new subscription
  });

  it('falls back to polling when the socket fails, and tries it again only after a minute', async () => {
    expect(SOCKET_RETRY_MS).toBe(60_000);
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    let available = 100;
    const request = vi.fn(async () => polled(available--));
    const onData = vi.fn();
    const onError = vi.fn();
    const onGone = vi.fn();
    const stop = watchPool({ request, key: () => 'k' }, 'C', { onData, onError, onGone });

    // The connection fails before the ack (a proxy refusing the upgrade): graphql-ws
    // reports the close event.
    sockets.subs[0].sink.error({ code: 1006, reason: '', wasClean: false });
    expect(sockets.subs[0].disposed).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(request).toHaveBeenCalledTimes(1);
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 100 }), 50, expect.anything());
    await vi.advanceTimersByTimeAsync(50_000); // t = 55 s: polls every 5 s, no new socket
    expect(request).toHaveBeenCalledTimes(11);
    expect(sockets.subs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000); // t = 60 s: the socket again
    expect(sockets.subs).toHaveLength(2);
    expect(sockets.factory).toHaveBeenCalledTimes(1); // the same (lazy) client reconnects

    // It works this time: polling stops.
    sockets.subs[1].sink.next(update(42));
    expect(onData).toHaveBeenLastCalledWith(expect.objectContaining({ available: 42 }), 50, expect.anything());
    const polls = request.mock.calls.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(request).toHaveBeenCalledTimes(polls);

    // The socket closes later (server restart): polling again.
    sockets.subs[1].sink.error({ code: 1001, reason: 'Going Away', wasClean: true });
    await vi.advanceTimersByTimeAsync(5000);
    expect(request).toHaveBeenCalledTimes(polls + 1);
    expect(onError).not.toHaveBeenCalled();
    expect(onGone).not.toHaveBeenCalled();
    stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(request).toHaveBeenCalledTimes(polls + 1);
    expect(sockets.subs).toHaveLength(2);
  });

  it('polls when no socket can be made, on errors other than NOT_FOUND, and until a slow socket answers', async () => {
    // The WebSocket client cannot be constructed.
    const broken = fakeSockets({ throws: true });
    setSocketFactory(broken.factory);
    const request = vi.fn(async () => polled(3));
    const stop1 = watchPool({ request, key: () => 'k' }, 'C', { onData: vi.fn() });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(request).toHaveBeenCalledTimes(3);
    expect(broken.factory).toHaveBeenCalledOnce(); // not tried again within the minute
    stop1();

    // The server refuses the subscription for another reason (a limit, say).
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    request.mockClear();
    const onGone = vi.fn();
    const stop2 = watchPool({ request, key: () => 'k' }, 'C', { onData: vi.fn(), onGone });
    sockets.subs[0].sink.next({ errors: [{ message: 'too many', extensions: { code: 'RATE_LIMITED' } }] });
    sockets.subs[0].sink.complete();
    expect(onGone).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(request).toHaveBeenCalledTimes(2);
    stop2();

    // A socket that never answers (no ack) leaves the polling on; its first update stops it.
    setSocketFactory(sockets.factory);
    request.mockClear();
    const stop3 = watchPool({ request, key: () => 'k' }, 'C', { onData: vi.fn() });
    expect(sockets.subs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(request).toHaveBeenCalledTimes(2);
    sockets.subs[1].sink.next(update(1));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(request).toHaveBeenCalledTimes(2);
    stop3();
  });

  it('a subscription ended by sign-out (its socket closed) is not taken for a product gone', async () => {
    const sockets = fakeSockets();
    setSocketFactory(sockets.factory);
    const onGone = vi.fn();
    const request = vi.fn(async () => polled(1));
    const stop = watchPool({ request, key: () => 'k' }, 'C', { onData: vi.fn(), onGone });
    sockets.subs[0].sink.next(update(5));
    closeLive();
    sockets.subs[0].sink.complete(); // graphql-ws completes the subscriptions of a disposed client
    expect(onGone).not.toHaveBeenCalled();
    stop();
  });
});
