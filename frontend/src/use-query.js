// @ts-check
/**
 * The one way a component reads from the API: `useQuery` runs a read when its arguments
 * change, aborts the one before (and the last on unmount), and keeps loading / error /
 * data; `usePagedList` reads a Relay connection page by page on top of it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from './api.js';

/**
 * @template T
 * @typedef {object} Query
 * @property {T | null} data the last answer; kept while the next read runs (and when it
 *   fails), so a list does not blank out while it refreshes
 * @property {boolean} loading
 * @property {any} error the ApiError of the last read, or null
 * @property {() => void} reload reads again with the same arguments
 * @property {(update: (data: T | null) => T | null) => void} setData changes the answer
 *   in place (after an action whose effect is known, such as a removed row)
 */

/**
 * @template T
 * @param {(signal: AbortSignal) => Promise<T>} read called with the current render's
 *   values; a read whose signal was aborted is never applied, even if it answers
 * @param {unknown[]} deps what the read depends on: a change reads again
 * @param {{skip?: boolean}} [options] skip: nothing to read (the state is emptied)
 * @returns {Query<T>}
 */
export function useQuery(read, deps, { skip = false } = {}) {
  const current = useRef(read);
  current.current = read;
  const [asked, setAsked] = useState(0);
  const args = [...deps, skip, asked];
  // The arguments of the read under way: from the render that changes them the query is
  // loading, not still showing the answer to the old ones as if it were final.
  const started = useRef(/** @type {unknown[] | null} */ (null));
  const pending = !skip && !sameArgs(started.current, args);
  const [state, setState] = useState(() => ({
    data: /** @type {T | null} */ (null),
    loading: !skip,
    error: /** @type {any} */ (null),
  }));

  useEffect(() => {
    started.current = args;
    if (skip) {
      setState({ data: null, loading: false, error: null });
      return undefined;
    }
    const controller = new AbortController();
    const stale = () => controller.signal.aborted;
    setState((s) => ({ ...s, loading: true, error: null }));
    current.current(controller.signal).then(
      (data) => {
        if (!stale()) setState({ data, loading: false, error: null });
      },
      (error) => {
        if (!stale() && !isAbort(error)) setState((s) => ({ ...s, loading: false, error }));
      },
    );
    return () => controller.abort();
  }, args);

  return {
    ...state,
    loading: state.loading || pending,
    reload: () => setAsked((n) => n + 1),
    setData: (update) => setState((s) => ({ ...s, data: update(s.data) })),
  };
}

/** @param {unknown[] | null} a @param {unknown[]} b */
function sameArgs(a, b) {
  return !!a && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * @template N
 * @typedef {{edges: {node: N}[], pageInfo: {hasNextPage: boolean, endCursor: string | null}}} Connection
 */

/**
 * @template N
 * @typedef {object} PagedList
 * @property {N[] | null} nodes every node read so far, null before the first page came
 * @property {boolean} hasNext
 * @property {boolean} more whether pages after the first were read
 * @property {boolean} loading
 * @property {any} error the ApiError of the last read, or null
 * @property {() => void} loadMore reads the page after the last one and appends it
 * @property {() => void} retry reads the page that failed again
 */

/**
 * A Relay connection read page by page, each appended to the ones before ("Load more").
 * @template N
 * @param {(after: string | null, signal: AbortSignal) => Promise<Connection<N>>} readPage
 * @param {string} key what the list depends on (its filters): a new key starts again at
 *   the first page
 * @returns {PagedList<N>}
 */
export function usePagedList(readPage, key) {
  // The page asked for belongs to one key: a new key starts again at the first page.
  const [ask, setAsk] = useState(() => ({ key, after: /** @type {string | null} */ (null) }));
  const after = ask.key === key ? ask.after : null;
  /** @type {Query<{nodes: N[], more: boolean, hasNext: boolean, endCursor: string | null}>} */
  const query = useQuery(
    (signal) =>
      readPage(after, signal).then((conn) => {
        const page = conn.edges.map((e) => e.node);
        return {
          nodes: after ? [...(query.data?.nodes || []), ...page] : page,
          more: !!after,
          hasNext: conn.pageInfo.hasNextPage && !!conn.pageInfo.endCursor,
          endCursor: conn.pageInfo.endCursor,
        };
      }),
    [key, after],
  );
  const data = query.data;

  return {
    nodes: data?.nodes ?? null,
    hasNext: data?.hasNext ?? false,
    more: data?.more ?? false,
    loading: query.loading,
    error: query.error,
    loadMore() {
      if (!query.loading && data?.hasNext) setAsk({ key, after: data.endCursor });
    },
    retry: query.reload,
  };
}
