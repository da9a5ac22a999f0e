// @ts-check
/**
 * The serials of one product: a paged table, filtered by pool status and searched by the
 * start of a serial, its view (and page) in the address, exported as CSV.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { EXPORT_PAGE_SIZE, PRODUCT_SERIALS_QUERY } from '../api.js';
import { readAll, toCsv } from '../csv.js';
import { debounce, SEARCH_DEBOUNCE_MS } from '../debounce.js';
import { PACK_STATUSES, schemaLabel, sourceLabel, statusLabel } from '../format.js';
import { serialsView, serialsViewPath } from '../list-state.js';
import { navigate, onLinkClick, POOL_PATH, useLocation } from '../router.js';
import { useQuery } from '../use-query.js';
import { PackBadge } from './PackHistoryTab.jsx';
import { useClient } from './context.js';
import { ExportButton } from './ExportButton.jsx';
import { SearchIcon } from './icons.jsx';
import { PageSizeSelect } from './ProductList.jsx';
import { countFor, SerialTable, StatusFilter, TIME_COLUMNS } from './SerialTable.jsx';
import { ErrorState, Pager } from './States.jsx';

/**
 * @typedef {{id: string, value: string, status: string, source: string,
 *   receivedAt: string, assignedAt: string | null, packStatus?: string,
 *   decommissionReason?: string | null}} Serial
 */

/** After value and status. @type {import('./SerialTable.jsx').Column[]} */
const COLUMNS = [
  { title: 'Source', cell: (node) => sourceLabel(node.source), attrs: (node) => ({ 'data-source': node.source }) },
  ...TIME_COLUMNS,
  {
    title: 'Pack status',
    cell: (node) => (node.packStatus ? <PackBadge status={node.packStatus} reason={node.decommissionReason} /> : <span class="muted">—</span>),
  },
];

/** The CSV of a filtered serials table: times in UTC (RFC 3339, "Z"). */
export const SERIAL_CSV_HEADER = Object.freeze([
  'serial', 'pool_status', 'source', 'received_at_utc', 'assigned_at_utc', 'pack_status', 'decommission_reason',
]);

/** @param {Serial} s */
export const serialCsvRow = (s) => [
  s.value, s.status, s.source, s.receivedAt, s.assignedAt, s.packStatus, s.decommissionReason,
];

/**
 * @typedef {{serialCursors?: (string | null)[]}} PageHistory the `after` of each page before
 *   this one, kept with the history entry (Previous); a copied link has none
 */

/**
 * @param {{code: string, debounceMs?: number}} props
 */
export function SerialsPage({ code, debounceMs = SEARCH_DEBOUNCE_MS }) {
  const client = useClient();
  const { params } = useLocation();
  const view = serialsView(params);
  const viewRef = useRef(view);
  viewRef.current = view;
  const viewKey = serialsViewPath(code, view);
  const before = /** @type {PageHistory | null} */ (history.state)?.serialCursors;
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const [input, setInput] = useState(view.search);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    setInput((current) => (current.trim() === view.search ? current : view.search));
  }, [view.search]);

  /**
   * A new filter, search or page size starts at the first page.
   * @param {Partial<import('../list-state.js').SerialsView>} change
   * @param {{replace?: boolean, state?: PageHistory}} [options]
   */
  function show(change, options = {}) {
    navigate(serialsViewPath(code, { ...viewRef.current, after: null, page: 0, ...change }), options);
  }

  const debouncedSearch = useMemo(
    () =>
      debounce((/** @type {string} */ value) => {
        if (value.trim() !== viewRef.current.search) show({ search: value.trim() }, { replace: true });
      }, debounceMs),
    [debounceMs],
  );
  useEffect(() => () => debouncedSearch.cancel(), [debouncedSearch]);

  /** @param {string | null} after @param {number} first @param {AbortSignal} [signal] */
  const read = (after, first, signal) =>
    client.request(
      PRODUCT_SERIALS_QUERY,
      { code, status: view.status || null, search: view.search || undefined, first, after },
      { signal },
    );
  const query = useQuery((signal) => read(view.after, view.size, signal), [viewKey]);
  const { loading, error } = query;
  const product = query.data?.product ?? null;
  const notFound = !!query.data && !product;
  const page = view.page;

  const pool = product?.pool;
  const edges = /** @type {{node: Serial}[]} */ (product?.serials.edges ?? []);

  return (
    <section class="page" aria-labelledby="serials-title">
      <p class="breadcrumb">
        <a href={POOL_PATH} onClick={onLinkClick}>
          SN/SSCC pool
        </a>
        <span aria-hidden="true"> / </span>
        <a href={POOL_PATH} onClick={onLinkClick}>
          Serial number pool
        </a>
        <span aria-hidden="true"> / </span>
        <span>Serials</span>
      </p>
      <h1 class="page-title" id="serials-title" ref={headingRef} tabIndex={-1}>
        Serials of {product ? product.name : <span class="mono">{code}</span>}
      </h1>
      {product ? (
        <p class="page-subtitle">
          <span class="mono">{product.code}</span> · {schemaLabel(product.codeSchema)} ·{' '}
          {sourceLabel(product.source)} · owner {product.owner.name}
        </p>
      ) : null}

      {notFound && !loading ? (
        <div class="card">
          <div class="state" role="alert">
            <p class="state-title">Product not found</p>
            <p class="state-message">
              No product <span class="mono">{code}</span> is visible to your tenant.
            </p>
            <a class="button" href={POOL_PATH} onClick={onLinkClick}>
              Back to the serial number pool
            </a>
          </div>
        </div>
      ) : (
        <div class="card">
          <div class="toolbar">
            <form class="search" role="search" onSubmit={(e) => (e.preventDefault(), debouncedSearch.flush())}>
              <label class="visually-hidden" for="serial-search">
                Search serials by their start
              </label>
              <span class="search-icon">
                <SearchIcon />
              </span>
              <input
                id="serial-search"
                class="input search-input mono"
                type="search"
                placeholder="Serial starts with…"
                autocomplete="off"
                spellcheck={false}
                maxLength={20}
                value={input}
                onInput={(e) => {
                  const value = /** @type {HTMLInputElement} */ (e.currentTarget).value;
                  setInput(value);
                  debouncedSearch(value);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Escape' && input) {
                    e.preventDefault();
                    debouncedSearch.cancel();
                    setInput('');
                    show({ search: '' }, { replace: true });
                  }
                }}
              />
            </form>
            <StatusFilter
              name="serial-status"
              legend="Pool status"
              status={view.status}
              pool={pool}
              onChange={(status) => show({ status }, { replace: true })}
            />
            <ExportButton
              label="Export CSV"
              noun="serials"
              name={`serials-${code}${view.status ? `-${view.status.toLowerCase()}` : ''}`}
              read={(onProgress) =>
                readAll(async (after) => (await read(after, EXPORT_PAGE_SIZE)).product.serials, onProgress).then((nodes) =>
                  toCsv([...SERIAL_CSV_HEADER], nodes.map(serialCsvRow)),
                )
              }
            />
          </div>

          {error && !loading ? (
            <ErrorState error={error} title="The serials could not be loaded" onRetry={query.reload} />
          ) : (
            <SerialTable
              code={code}
              nodes={product ? edges.map((e) => e.node) : null}
              loading={loading}
              status={view.status}
              noun="serials"
              valueTitle="Serial number"
              columns={COLUMNS}
              label={{ id: 'serials-caption', text: `Serial numbers${view.status ? ` with status ${statusLabel(view.status)}` : ''}` }}
              empty={view.search ? `No serials start with “${view.search}”.` : 'This pool has no serials yet.'}
              linkTitle="Pack history"
            />
          )}

          {product ? (
            <div class="list-footer">
              {page > 0 || product.serials.pageInfo.hasNextPage ? (
                <Pager
                  page={page}
                  pageSize={view.size}
                  shown={edges.length}
                  total={view.search ? null : countFor(pool, view.status)}
                  noun="serials"
                  busy={loading}
                  hasPrev={page > 0}
                  hasNext={product.serials.pageInfo.hasNextPage && !!product.serials.pageInfo.endCursor}
                  prevLabel={before?.length === page ? 'Previous' : 'First page'}
                  onPrev={() =>
                    before?.length === page
                      ? show({ after: before[page - 1], page: page - 1 }, { state: { serialCursors: before.slice(0, -1) } })
                      : show({})
                  }
                  onNext={() =>
                    show(
                      { after: product.serials.pageInfo.endCursor, page: page + 1 },
                      { state: { serialCursors: [...(before?.length === page ? before : []), view.after] } },
                    )
                  }
                />
              ) : null}
              <PageSizeSelect id="serial-page-size" value={view.size} onChange={(size) => show({ size })} />
            </div>
          ) : null}
          <PackStatusLegend />
        </div>
      )}
    </section>
  );
}

/** What each pack status means, under the table that shows them. */
export function PackStatusLegend() {
  return (
    <dl class="pack-legend" aria-label="Pack status" data-testid="pack-legend">
      {PACK_STATUSES.map(([status, label, meaning]) => (
        <div key={status}>
          <dt>{label}</dt>
          <dd>{meaning}</dd>
        </div>
      ))}
    </dl>
  );
}

