import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.js';
import { POLL_INTERVAL_MS, watchPool } from './live.js';

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
