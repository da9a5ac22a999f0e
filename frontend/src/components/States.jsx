// @ts-check
/** Shared loading / error / pager pieces. */
import { useEffect, useRef } from 'preact/hooks';
import { formatCount } from '../format.js';

/**
 * @param {{error: {message: string, code?: string}, onRetry?: () => void, title?: string}} props
 */
export function ErrorState({ error, onRetry, title = 'Something went wrong' }) {
  return (
    <div class="state state-error" role="alert" data-code={error.code || undefined}>
      <p class="state-title">{title}</p>
      <p class="state-message">{error.message}</p>
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
 *   noun: string, hasPrev: boolean, hasNext: boolean, busy?: boolean, prevLabel?: string,
 *   onPrev: () => void, onNext: () => void}} props prevLabel: "Previous" unless the button
 *   goes elsewhere ("First page" where the page before is not known)
 */
export function Pager({ page, pageSize, shown, total, noun, hasPrev, hasNext, busy, prevLabel = 'Previous', onPrev, onNext }) {
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
          {prevLabel}
        </button>
        <button type="button" class="button" onClick={onNext} disabled={!hasNext || busy}>
          Next
        </button>
      </div>
    </nav>
  );
}

/**
 * How many of a paged list (`usePagedList`) are shown, and a button that appends the next page.
 * Hidden while everything fits on the first page.
 * @param {{list: import('../use-query.js').PagedList<any>, noun: string, label?: string}} props label: "Load more" by default
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
