import { afterEach, describe, expect, it } from 'vitest';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { ApiError } from './api.js';
import { flush, mount, unmountAll } from './test-utils.jsx';
import { usePagedList, useQuery } from './use-query.js';

/** A read whose answers the test gives, one pending promise per call. */
function reads() {
  /** @type {{arg: any, signal: AbortSignal, resolve: (v: any) => void, reject: (e: any) => void}[]} */
  const calls = [];
  return {
    calls,
    /** @param {any} arg */
    read: (arg) => (/** @type {AbortSignal} */ signal) =>
      new Promise((resolve, reject) => {
        calls.push({ arg, signal, resolve, reject });
      }),
  };
}

/**
 * Renders useQuery and keeps its latest result in `seen.current`; the read's arguments
 * live in the host's state, so that `setProps` changes them as a parent would.
 */
function probe(read, initial) {
  const seen = { current: /** @type {any} */ (null), renders: /** @type {any[]} */ ([]) };
  function Probe({ arg, skip }) {
    seen.current = useQuery(read(arg), [arg], { skip });
    seen.renders.push({ arg, loading: seen.current.loading, data: seen.current.data });
    return null;
  }
  let setProps;
  function Host() {
    const [props, set] = useState(initial);
    setProps = set;
    return <Probe {...props} />;
  }
  return { seen, Host, setProps: (p) => act(() => setProps(p)) };
}

describe('useQuery', () => {
  afterEach(unmountAll);

  it('is loading from the first render, then holds the answer', async () => {
    const r = reads();
    const { seen, Host } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    expect(seen.current).toMatchObject({ data: null, loading: true, error: null });
    expect(r.calls.map((c) => c.arg)).toEqual(['a']);
    r.calls[0].resolve({ answer: 1 });
    await flush();
    expect(seen.current).toMatchObject({ data: { answer: 1 }, loading: false, error: null });
  });

  it('no render shows the answer to the old arguments as final for the new ones', async () => {
    const r = reads();
    const { seen, Host, setProps } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    r.calls[0].resolve('answer to a');
    await flush();
    setProps({ arg: 'b' });
    await flush();
    const early = seen.renders.filter((x) => x.arg === 'b');
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((x) => x.loading)).toBe(true);
  });

  it('aborts the read under way when the arguments change, and ignores its late answer', async () => {
    const r = reads();
    const { seen, Host, setProps } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    setProps({ arg: 'b' });
    // From the render that changed them, the old answer is not final.
    expect(seen.current.loading).toBe(true);
    await flush();
    expect(r.calls.map((c) => c.arg)).toEqual(['a', 'b']);
    expect(r.calls[0].signal.aborted).toBe(true);
    expect(r.calls[1].signal.aborted).toBe(false);
    r.calls[1].resolve('answer to b');
    await flush();
    // The read of 'a' ignored its signal and answered last: still b's answer.
    r.calls[0].resolve('stale answer to a');
    await flush();
    expect(seen.current).toMatchObject({ data: 'answer to b', loading: false });
  });

  it('ignores a late failure of a superseded read too', async () => {
    const r = reads();
    const { seen, Host, setProps } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    setProps({ arg: 'b' });
    await flush();
    r.calls[1].resolve('b');
    r.calls[0].reject(new ApiError('too late', { code: 'UNAVAILABLE' }));
    await flush();
    expect(seen.current).toMatchObject({ data: 'b', error: null, loading: false });
  });

  it('aborts on unmount', async () => {
    const r = reads();
    const { Host } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    unmountAll();
    expect(r.calls[0].signal.aborted).toBe(true);
  });

  it('keeps the error, and the last answer beside it; reload reads again and clears it', async () => {
    const r = reads();
    const { seen, Host } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    r.calls[0].resolve('first');
    await flush();
    seen.current.reload();
    await flush();
    expect(r.calls).toHaveLength(2);
    expect(seen.current.loading).toBe(true);
    const failure = new ApiError('database unavailable', { code: 'UNAVAILABLE' });
    r.calls[1].reject(failure);
    await flush();
    expect(seen.current).toMatchObject({ data: 'first', loading: false, error: failure });
    act(() => seen.current.reload());
    expect(seen.current.error).toBeNull(); // a new read starts clean
    await flush();
    expect(r.calls.map((c) => c.arg)).toEqual(['a', 'a', 'a']);
    r.calls[2].resolve('again');
    await flush();
    expect(seen.current).toMatchObject({ data: 'again', loading: false, error: null });
  });

  it('an aborted read is no error', async () => {
    const r = reads();
    const { seen, Host } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    r.calls[0].reject(new DOMException('The operation was aborted.', 'AbortError'));
    await flush();
    expect(seen.current.error).toBeNull();
  });

  it('skips: no read and an empty state, until there is something to read', async () => {
    const r = reads();
    const { seen, Host, setProps } = probe(r.read, { arg: 'a', skip: true });
    mount(<Host />);
    await flush();
    expect(r.calls).toHaveLength(0);
    expect(seen.current).toMatchObject({ data: null, loading: false, error: null });
    setProps({ arg: 'a', skip: false });
    expect(seen.current.loading).toBe(true);
    await flush();
    expect(r.calls).toHaveLength(1);
  });

  it('setData changes the answer in place', async () => {
    const r = reads();
    const { seen, Host } = probe(r.read, { arg: 'a' });
    mount(<Host />);
    r.calls[0].resolve([1, 2, 3]);
    await flush();
    act(() => seen.current.setData((xs) => xs.filter((x) => x !== 2)));
    expect(seen.current.data).toEqual([1, 3]);
    expect(r.calls).toHaveLength(1);
  });
});

describe('usePagedList (on useQuery)', () => {
  afterEach(unmountAll);

  /** @param {string[]} values @param {boolean} hasNextPage */
  const conn = (values, hasNextPage) => ({
    edges: values.map((v) => ({ node: v })),
    pageInfo: { hasNextPage, endCursor: values.at(-1) ?? null },
  });

  it('appends the next page, starts again for a new key, and retries the page that failed', async () => {
    /** @type {{after: string | null, signal: AbortSignal, resolve: (v: any) => void, reject: (e: any) => void}[]} */
    const calls = [];
    const seen = { current: /** @type {any} */ (null) };
    let setKey;
    function List() {
      const [key, set] = useState('k1');
      setKey = set;
      seen.current = usePagedList((after, signal) => new Promise((resolve, reject) => calls.push({ after, signal, resolve, reject })), key);
      return null;
    }
    mount(<List />);
    calls[0].resolve(conn(['a', 'b'], true));
    await flush();
    expect(seen.current).toMatchObject({ nodes: ['a', 'b'], hasNext: true, more: false, loading: false });

    act(() => seen.current.loadMore());
    await flush();
    expect(calls[1].after).toBe('b');
    calls[1].reject(new ApiError('database unavailable', { code: 'UNAVAILABLE' }));
    await flush();
    expect(seen.current.error.code).toBe('UNAVAILABLE');
    expect(seen.current.nodes).toEqual(['a', 'b']);
    act(() => seen.current.retry());
    await flush();
    expect(calls[2].after).toBe('b');
    calls[2].resolve(conn(['c'], false));
    await flush();
    expect(seen.current).toMatchObject({ nodes: ['a', 'b', 'c'], hasNext: false, more: true, error: null });

    act(() => setKey('k2'));
    await flush();
    expect(calls[3].after).toBeNull();
    calls[3].resolve(conn(['x'], false));
    await flush();
    expect(seen.current).toMatchObject({ nodes: ['x'], more: false });
  });
});
