// @ts-check
/** Shared loading / error / pager pieces. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from '../api.js';
import { formatCount } from '../format.js';

/**
 * @param {{error: {message: string, code?: string}, onRetry?: () => void, title?: string}} props
 */
export function ErrorState({ error, onRetry, title = 'Something went wrong' }) {
  return (
    <div class="state state-error" role="alert">
      <p class="state-title">{title}</p>
      <p class="state-message">
        {error.message}
        {error.code ? <span class="error-code"> ({error.code})</span> : null}
      </p>
      {onRetry ? (
        <button type="button" class="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/**
 * Previous / next paging over Relay cursors.
 * @param {{page: number, pageSize: number, shown: number, total?: number | null,
 *   noun: string, hasPrev: boolean, hasNext: boolean, busy?: boolean,
 *   onPrev: () => void, onNext: () => void}} props
 */
export function Pager({ page, pageSize, shown, total, noun, hasPrev, hasNext, busy, onPrev, onNext }) {
  const from = shown === 0 ? 0 : page * pageSize + 1;
  const to = page * pageSize + shown;
  return (
    <nav class="pager" aria-label={`Pages of ${noun}`}>
      <p class="pager-range">
        {shown === 0
          ? `No ${noun}`
          : `Showing ${formatCount(from)}–${formatCount(to)}${total != null ? ` of ${formatCount(total)}` : ''} ${noun}`}
      </p>
      <div class="pager-buttons">
        <button type="button" class="button" onClick={onPrev} disabled={!hasPrev || busy}>
          Previous
        </button>
        <button type="button" class="button" onClick={onNext} disabled={!hasNext || busy}>
          Next
        </button>
      </div>
    </nav>
  );
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
  const read = useRef(readPage);
  read.current = readPage;
  // The page asked for; `n` makes a retry of the same page a new ask.
  const [ask, setAsk] = useState(() => ({ key, after: /** @type {string | null} */ (null), n: 0 }));
  const after = ask.key === key ? ask.after : null;
  const [state, setState] = useState(() => ({
    nodes: /** @type {N[] | null} */ (null),
    hasNext: false,
    more: false,
    endCursor: /** @type {string | null} */ (null),
    loading: true,
    error: /** @type {any} */ (null),
  }));

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    read
      .current(after, controller.signal)
      .then((conn) => {
        const page = conn.edges.map((e) => e.node);
        setState((s) => ({
          nodes: after ? [...(s.nodes || []), ...page] : page,
          more: !!after,
          hasNext: conn.pageInfo.hasNextPage && !!conn.pageInfo.endCursor,
          endCursor: conn.pageInfo.endCursor,
          loading: false,
          error: null,
        }));
      })
      .catch((err) => {
        if (isAbort(err)) return;
        setState((s) => ({ ...s, loading: false, error: err }));
      });
    return () => controller.abort();
  }, [key, ask]);

  return {
    nodes: state.nodes,
    hasNext: state.hasNext,
    more: state.more,
    loading: state.loading,
    error: state.error,
    loadMore() {
      if (!state.loading && state.hasNext) setAsk((a) => ({ key, after: state.endCursor, n: a.n }));
    },
    retry() {
      setAsk((a) => ({ key, after, n: a.n + 1 }));
    },
  };
}

/**
 * How many of a {@link usePagedList} are shown, and a button that appends the next page.
 * Hidden while everything fits on the first page.
 * @param {{list: PagedList<any>, noun: string, label?: string}} props label: "Load more" by default
 */
export function LoadMore({ list, noun, label = 'Load more' }) {
  const countRef = useRef(/** @type {HTMLParagraphElement | null} */ (null));
  const clicked = useRef(false);
  const shown = list.nodes?.length ?? 0;
  // The last page took the button away: the focus goes to the count instead of the page top.
  useEffect(() => {
    if (list.loading) return;
    if (clicked.current && !list.hasNext) countRef.current?.focus();
    clicked.current = false;
  }, [list.loading, list.hasNext]);
  if (shown === 0 || (!list.hasNext && !list.more)) return null;
  return (
    <div class="load-more">
      <p class="load-more-count" role="status" ref={countRef} tabIndex={-1}>
        {list.hasNext ? `Showing ${formatCount(shown)} ${noun}` : `All ${formatCount(shown)} ${noun} shown`}
      </p>
      {list.hasNext ? (
        <button
          type="button"
          class="button"
          onClick={() => {
            clicked.current = true;
            list.loadMore();
          }}
          disabled={list.loading}
        >
          {list.loading ? 'Loading…' : label}
        </button>
      ) : null}
    </div>
  );
}
