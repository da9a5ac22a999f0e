// @ts-check
/**
 * The Serial number pool tab: the tenant's products, searchable (server-side, debounced),
 * paged 50 at a time, each expandable into its details and pool donut.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PAGE_SIZE, PRODUCTS_QUERY } from '../api.js';
import { debounce, SEARCH_DEBOUNCE_MS } from '../debounce.js';
import { formatCount, schemaLabel, sourceLabel } from '../format.js';
import { Highlight } from '../highlight.jsx';
import { navigate, poolPath } from '../router.js';
import { useQuery } from '../use-query.js';
import { useClient } from './context.js';
import { ChevronIcon, ResetFilterIcon, SearchIcon, WarningIcon } from './icons.jsx';
import { ErrorState, Pager } from './States.jsx';
import { ProductDetail } from './ProductDetail.jsx';
import { POLL_INTERVAL_MS, watchPools } from '../live.js';

const COLUMNS = 6;

/**
 * @typedef {{available: number, assigned: number, total: number, low: boolean}} Pool
 * @typedef {{id: string, code: string, codeSchema: string, name: string, source: string,
 *   lowThreshold: number, requestCap?: number, replenishTo?: number | null,
 *   owner: {id: string, name: string}, pool: Pool}} Product
 * @typedef {{edges: {cursor: string, node: Product}[],
 *   pageInfo: {hasNextPage: boolean, endCursor: string | null}, totalCount: number}} ProductPage
 */

/**
 * @param {{initialSearch?: string, debounceMs?: number, intervalMs?: number}} props intervalMs:
 *   how often the counts of the rows on screen are read again
 */
export function ProductList({ initialSearch = '', debounceMs = SEARCH_DEBOUNCE_MS, intervalMs = POLL_INTERVAL_MS }) {
  const client = useClient();
  const [input, setInput] = useState(initialSearch);
  const [search, setSearch] = useState(initialSearch.trim());
  const searchRef = useRef(search);
  /** Cursor stack: cursors[i] is the `after` of page i (null for the first page). */
  const [cursors, setCursors] = useState(/** @type {(string | null)[]} */ ([null]));
  const page = cursors.length - 1;
  const [expanded, setExpanded] = useState(/** @type {Set<string>} */ (new Set()));
  const inputRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  /** @param {string} value */
  function applySearch(value) {
    const next = value.trim();
    if (next === searchRef.current) return;
    searchRef.current = next;
    setSearch(next);
    setCursors([null]);
    setExpanded(new Set());
    navigate(poolPath(next), { replace: true });
  }

  const debouncedSearch = useMemo(() => debounce(applySearch, debounceMs), [debounceMs]);
  useEffect(() => () => debouncedSearch.cancel(), [debouncedSearch]);

  const variables = { search: search || null, first: PAGE_SIZE, after: cursors[cursors.length - 1] };
  const query = useQuery(
    async (signal) => {
      const data = await client.request(PRODUCTS_QUERY, variables, { signal });
      return { page: /** @type {ProductPage} */ (data.products), search };
    },
    [search, cursors],
  );
  const { data: result, loading, error } = query;

  // Every row's count is live, collapsed ones too: the page is read again each interval
  // (an expanded row also has its own subscription, see ProductDetail).
  const [live, setLive] = useState(/** @type {Record<string, import('../live.js').PoolProduct>} */ ({}));
  useEffect(() => {
    setLive({});
    if (!result) return undefined;
    return watchPools(
      async (signal) => {
        const data = await client.request(PRODUCTS_QUERY, variables, { signal });
        return /** @type {ProductPage} */ (data.products).edges.map((e) => e.node);
      },
      (list) => setLive(Object.fromEntries(list.map((p) => [p.code, p]))),
      { intervalMs },
    );
  }, [result, intervalMs]);

  function resetFilters() {
    debouncedSearch.cancel();
    setInput('');
    applySearch('');
    inputRef.current?.focus();
  }

  /** @param {string} code */
  function toggle(code) {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(code)) next.delete(code);
      else next.add(code);
      return next;
    });
  }

  const data = result?.page;
  const shownSearch = result?.search ?? '';
  const edges = data?.edges ?? [];

  return (
    <div class="card">
      <div class="toolbar">
        <form class="search" role="search" onSubmit={(e) => (e.preventDefault(), debouncedSearch.flush())}>
          <label class="visually-hidden" for="product-search">
            Search products by product code or name
          </label>
          <span class="search-icon">
            <SearchIcon />
          </span>
          <input
            ref={inputRef}
            id="product-search"
            class="input search-input"
            type="search"
            placeholder="Search by product code or name"
            autocomplete="off"
            spellcheck={false}
            value={input}
            onInput={(e) => {
              const value = /** @type {HTMLInputElement} */ (e.currentTarget).value;
              setInput(value);
              debouncedSearch(value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && input) {
                e.preventDefault();
                resetFilters();
              }
            }}
          />
        </form>
        <button
          type="button"
          class="icon-button"
          aria-label="Reset filters"
          title="Reset filters"
          onClick={resetFilters}
          disabled={!input && !search}
        >
          <ResetFilterIcon />
        </button>
        {expanded.size > 0 ? (
          <button type="button" class="button" onClick={() => setExpanded(new Set())}>
            Collapse all
          </button>
        ) : null}
        <p class="result-count" role="status" aria-live="polite" data-testid="product-count">
          {data ? countText(data.totalCount, shownSearch) : ''}
        </p>
      </div>

      {error && !loading ? (
        <ErrorState
          error={error}
          title="The products could not be loaded"
          onRetry={query.reload}
        />
      ) : null}

      {!error || data ? (
        <div
          class={`table-scroll${loading && data ? ' is-refreshing' : ''}`}
          role="region"
          aria-labelledby="products-caption"
          tabIndex={0}
        >
          <table class="data-table products-table" aria-busy={loading ? 'true' : 'false'}>
            <caption id="products-caption" class="visually-hidden">
              Products and their serial number pools
            </caption>
            <thead>
              <tr>
                <th scope="col" class="col-expand">
                  <span class="visually-hidden">Details</span>
                </th>
                <th scope="col">Product code</th>
                <th scope="col" class="col-schema">
                  Product code schema
                </th>
                <th scope="col" class="col-name">
                  Product name
                </th>
                <th scope="col" class="col-source">
                  Source
                </th>
                <th scope="col" class="num">
                  Available
                </th>
              </tr>
            </thead>
            <tbody>
              {!data && loading ? (
                <tr class="state-row">
                  <td colSpan={COLUMNS}>
                    <span class="spinner" aria-hidden="true" /> Loading products…
                  </td>
                </tr>
              ) : null}
              {data && edges.length === 0 ? (
                <tr class="state-row">
                  <td colSpan={COLUMNS}>
                    {shownSearch ? (
                      <div class="empty">
                        <p>No products match “{shownSearch}”.</p>
                        <button type="button" class="button" onClick={resetFilters}>
                          Reset filters
                        </button>
                      </div>
                    ) : (
                      <p class="empty">No products are registered for your tenant yet.</p>
                    )}
                  </td>
                </tr>
              ) : null}
              {edges.map(({ node }) => (
                <ProductRow
                  key={node.id}
                  product={node}
                  query={shownSearch}
                  live={live[node.code]}
                  expanded={expanded.has(node.code)}
                  onToggle={() => toggle(node.code)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {data && (data.totalCount > edges.length || page > 0) ? (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          shown={edges.length}
          total={data.totalCount}
          noun="products"
          busy={loading}
          hasPrev={page > 0}
          hasNext={data.pageInfo.hasNextPage && !!data.pageInfo.endCursor}
          onPrev={() => {
            setExpanded(new Set());
            setCursors((c) => c.slice(0, -1));
          }}
          onNext={() => {
            setExpanded(new Set());
            setCursors((c) => [...c, data.pageInfo.endCursor]);
          }}
        />
      ) : null}
    </div>
  );
}

/**
 * "64 products", "1 product matches “amox”", "11 products match “amox”".
 * @param {number} n
 * @param {string} search
 */
export function countText(n, search) {
  const noun = n === 1 ? 'product' : 'products';
  if (!search) return `${formatCount(n)} ${noun}`;
  return `${formatCount(n)} ${noun} ${n === 1 ? 'matches' : 'match'} “${search}”`;
}

/**
 * @param {{product: Product, query: string, expanded: boolean, onToggle: () => void,
 *   live?: import('../live.js').PoolProduct}} props live: the row's latest counts from the list's poll
 */
function ProductRow({ product, query, expanded, onToggle, live }) {
  // Live counts (and limits): while expanded from the detail's watcher, else from the
  // list's poll; reset whenever the list brings fresh data.
  const [current, setCurrent] = useState(product);
  useEffect(() => {
    setCurrent(product);
  }, [product]);
  useEffect(() => {
    if (live && !expanded) setCurrent((c) => ({ ...c, pool: live.pool, lowThreshold: live.lowThreshold }));
  }, [live]);
  const { pool, lowThreshold } = current;

  const detailId = `detail-${product.id}`;
  const expandRef = useRef(/** @type {HTMLButtonElement | null} */ (null));
  return (
    <>
      <tr class={`product-row${expanded ? ' is-expanded' : ''}`} data-code={product.code}>
        <td class="col-expand">
          <button
            ref={expandRef}
            type="button"
            class="expand-button"
            aria-expanded={expanded ? 'true' : 'false'}
            aria-controls={expanded ? detailId : undefined}
            aria-label={`Expand ${product.code}`}
            title={expanded ? 'Hide details' : 'Show details'}
            onClick={onToggle}
          >
            <ChevronIcon class="chevron" />
          </button>
        </td>
        <th scope="row" class="code">
          <span class="code-text">
            <Highlight text={product.code} query={query} />
          </span>
          {/* On a phone the name column is hidden and the name shows under the code. */}
          <span class="name-inline">
            <Highlight text={product.name} query={query} />
          </span>
        </th>
        <td class="col-schema">
          <span class="schema-tag">{schemaLabel(product.codeSchema)}</span>
        </td>
        <td class="name col-name">
          <Highlight text={product.name} query={query} />
        </td>
        <td class="col-source" data-source={product.source}>
          {sourceLabel(product.source)}
        </td>
        <td class="num">
          <span class="pool-cell">
            {pool.low ? (
              <span class="badge badge-low" title={`Fewer than ${formatCount(lowThreshold)} serials available`}>
                <WarningIcon /> Low pool
              </span>
            ) : null}
            <span class="available-count">{formatCount(pool.available)}</span>
          </span>
        </td>
      </tr>
      {expanded ? (
        <tr
          class="detail-row"
          id={detailId}
          onKeyDown={(e) => {
            // Escape collapses the row (a confirmation inside handles its own Escape first).
            if (e.key !== 'Escape' || e.defaultPrevented) return;
            e.preventDefault();
            onToggle();
            expandRef.current?.focus();
          }}
        >
          <td colSpan={COLUMNS}>
            <ProductDetail product={current} onUpdate={(patch) => setCurrent((c) => ({ ...c, ...patch }))} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
