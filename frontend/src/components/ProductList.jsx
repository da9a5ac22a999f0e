// @ts-check
/**
 * The Serial number pool tab: the tenant's products, searchable (server-side, debounced),
 * filtered by source and code schema, sorted by any column (by the server, so paging stays
 * right), paged, exported as CSV, each expandable into its details and pool donut.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { EXPORT_PAGE_SIZE, PRODUCTS_QUERY } from '../api.js';
import { readAll, toCsv } from '../csv.js';
import { debounce, SEARCH_DEBOUNCE_MS } from '../debounce.js';
import { formatCount, schemaLabel, SCHEMA_LABELS, sourceLabel, SOURCE_LABELS } from '../format.js';
import { Highlight } from '../highlight.jsx';
import { PAGE_SIZES, productArgs, productView, productViewPath } from '../list-state.js';
import { navigate, useLocation } from '../router.js';
import { useQuery } from '../use-query.js';
import { useClient } from './context.js';
import { ExportButton } from './ExportButton.jsx';
import { ChevronIcon, ResetFilterIcon, SearchIcon, WarningIcon } from './icons.jsx';
import { ErrorState, Pager } from './States.jsx';
import { ProductDetail } from './ProductDetail.jsx';
import { POLL_INTERVAL_MS, watchPools } from '../live.js';

const COLUMNS = 6;

/** The orders of the "Sort by" select (for a phone, where most columns are hidden). */
const SORT_CHOICES = [
  ['code', 'Product code, ascending'],
  ['code:desc', 'Product code, descending'],
  ['schema', 'Code schema, A–Z'],
  ['schema:desc', 'Code schema, Z–A'],
  ['name', 'Name, A–Z'],
  ['name:desc', 'Name, Z–A'],
  ['source', 'Source, A–Z'],
  ['source:desc', 'Source, Z–A'],
  ['available', 'Available, fewest first'],
  ['available:desc', 'Available, most first'],
];

/**
 * @typedef {{available: number, assigned: number, total: number, low: boolean}} Pool
 * @typedef {{id: string, code: string, codeSchema: string, name: string, source: string,
 *   lowThreshold: number, requestCap?: number, replenishTo?: number | null,
 *   owner: {id: string, name: string}, pool: Pool}} Product
 * @typedef {{edges: {cursor: string, node: Product}[],
 *   pageInfo: {hasNextPage: boolean, endCursor: string | null}, totalCount: number}} ProductPage
 */

/**
 * @param {{debounceMs?: number, intervalMs?: number}} props intervalMs: how often the counts
 *   of the rows on screen are read again
 */
export function ProductList({ debounceMs = SEARCH_DEBOUNCE_MS, intervalMs = POLL_INTERVAL_MS }) {
  const client = useClient();
  // The view (search, filters, order, page size, page) is the address's: reload, back and
  // forward and a copied link all restore it.
  const { params } = useLocation();
  const view = productView(params);
  const viewRef = useRef(view);
  viewRef.current = view;
  const [input, setInput] = useState(view.search);
  const [expanded, setExpanded] = useState(/** @type {Set<string>} */ (new Set()));
  const inputRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const viewKey = productViewPath(view);

  // Back/forward to another search: the box shows it.
  useEffect(() => {
    setInput((current) => (current.trim() === view.search ? current : view.search));
  }, [view.search]);
  useEffect(() => setExpanded(new Set()), [viewKey]);

  /**
   * A new view starts at its first page; `push` keeps the one before in the history.
   * @param {Partial<import('../list-state.js').ProductView>} change
   */
  function show(change, push = true) {
    const next = { ...viewRef.current, after: null, before: null, page: 0, ...change };
    navigate(productViewPath(next), { replace: !push });
  }

  /** @param {string} value */
  function applySearch(value) {
    const next = value.trim();
    if (next === viewRef.current.search) return;
    show({ search: next }, false);
  }

  const debouncedSearch = useMemo(() => debounce(applySearch, debounceMs), [debounceMs]);
  useEffect(() => () => debouncedSearch.cancel(), [debouncedSearch]);

  const { variables, reverse } = productArgs(view);
  /** @param {AbortSignal} signal */
  async function readPage(signal) {
    const data = await client.request(PRODUCTS_QUERY, variables, { signal });
    const page = /** @type {ProductPage} */ (data.products);
    return reverse ? { ...page, edges: [...page.edges].reverse() } : page;
  }
  const query = useQuery(async (signal) => ({ page: await readPage(signal), view }), [viewKey]);
  const { data: result, loading, error } = query;

  // A page read backwards that reaches the start is the first page: show it as such (full).
  useEffect(() => {
    if (result && reverse && !result.page.pageInfo.hasNextPage) show({}, false);
  }, [result]);

  // Every row's count is live, collapsed ones too: the page is read again each interval
  // (an expanded row also has its own subscription, see ProductDetail).
  const [live, setLive] = useState(/** @type {Record<string, import('../live.js').PoolProduct>} */ ({}));
  useEffect(() => {
    setLive({});
    if (!result) return undefined;
    return watchPools(
      async (signal) => (await readPage(signal)).edges.map((e) => e.node),
      (list) => setLive(Object.fromEntries(list.map((p) => [p.code, p]))),
      { intervalMs },
    );
  }, [result, intervalMs]);

  function resetFilters() {
    debouncedSearch.cancel();
    setInput('');
    show({ search: '', source: '', schema: '' }, false);
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
  const shown = result?.view ?? view;
  const shownSearch = shown.search;
  const filtered = !!(shown.search || shown.source || shown.schema);
  const edges = data?.edges ?? [];
  const page = shown.page;
  const hasPrev = reverse ? !!data?.pageInfo.hasNextPage : !!(shown.after || shown.before);
  const hasNext = reverse ? edges.length > 0 : !!(data?.pageInfo.hasNextPage && data.pageInfo.endCursor);

  /** @param {import('../list-state.js').ProductSort} sort */
  function sortBy(sort) {
    show({ sort, desc: view.sort === sort ? !view.desc : false });
  }

  /** @param {import('../list-state.js').ProductSort} sort @param {string} title @param {string} [cls] */
  const header = (sort, title, cls) => (
    <th scope="col" class={cls} aria-sort={view.sort === sort ? (view.desc ? 'descending' : 'ascending') : undefined}>
      <button type="button" class="sort-button" data-sort={sort} onClick={() => sortBy(sort)}>
        {title}
        <span class="sort-mark" aria-hidden="true">
          {view.sort === sort ? (view.desc ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );

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
        <ListFilter
          id="product-source"
          label="Source"
          value={view.source}
          options={SOURCE_LABELS}
          onChange={(source) => show({ source })}
        />
        <ListFilter
          id="product-schema"
          label="Code schema"
          value={view.schema}
          options={SCHEMA_LABELS}
          onChange={(schema) => show({ schema })}
        />
        <span class="list-filter sort-select">
          <label for="product-sort">Sort by</label>
          <select
            id="product-sort"
            class="input"
            value={`${view.sort}${view.desc ? ':desc' : ''}`}
            onChange={(e) => {
              const [sort, dir] = /** @type {HTMLSelectElement} */ (e.currentTarget).value.split(':');
              show({ sort: /** @type {import('../list-state.js').ProductSort} */ (sort), desc: dir === 'desc' });
            }}
          >
            {SORT_CHOICES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label="Reset filters"
          title="Reset filters"
          onClick={resetFilters}
          disabled={!input && !view.search && !view.source && !view.schema}
        >
          <ResetFilterIcon />
        </button>
        {expanded.size > 0 ? (
          <button type="button" class="button" onClick={() => setExpanded(new Set())}>
            Collapse all
          </button>
        ) : null}
        <ProductExport view={view} />
        <p class="result-count" role="status" aria-live="polite" data-testid="product-count">
          {data ? countText(data.totalCount, shownSearch, filtered && !shownSearch) : ''}
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
                {header('code', 'Product code')}
                {header('schema', 'Product code schema', 'col-schema')}
                {header('name', 'Product name', 'col-name')}
                {header('source', 'Source', 'col-source')}
                {header('available', 'Available', 'num')}
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
                    {filtered ? (
                      <div class="empty">
                        <p>{shownSearch ? `No products match “${shownSearch}”.` : 'No products match these filters.'}</p>
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

      {data ? (
        <div class="list-footer">
          {data.totalCount > edges.length || page > 0 || hasPrev ? (
            <Pager
              page={page}
              pageSize={shown.size}
              shown={edges.length}
              total={data.totalCount}
              noun="products"
              busy={loading}
              hasPrev={hasPrev}
              hasNext={hasNext}
              onPrev={() =>
                page <= 1 || !edges.length
                  ? show({ page: 0 })
                  : show({ before: edges[0].cursor, page: page - 1 })
              }
              onNext={() => show({ after: edges[edges.length - 1].cursor, page: page + 1 })}
            />
          ) : null}
          <PageSizeSelect id="product-page-size" value={view.size} onChange={(size) => show({ size })} />
        </div>
      ) : null}
    </div>
  );
}

/**
 * A select of one filter: "All" or one of the options.
 * @param {{id: string, label: string, value: string, options: Readonly<Record<string, string>>,
 *   onChange: (value: string) => void}} props
 */
export function ListFilter({ id, label, value, options, onChange }) {
  return (
    <span class="list-filter">
      <label for={id}>{label}</label>
      <select id={id} class="input" value={value} onChange={(e) => onChange(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
        <option value="">All</option>
        {Object.entries(options).map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/**
 * How many rows a page shows.
 * @param {{id: string, value: number, onChange: (size: number) => void}} props
 */
export function PageSizeSelect({ id, value, onChange }) {
  return (
    <span class="list-filter page-size">
      <label for={id}>Rows per page</label>
      <select id={id} class="input" value={String(value)} onChange={(e) => onChange(Number(/** @type {HTMLSelectElement} */ (e.currentTarget).value))}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The product list as CSV: every product of the view's filters, in its order. */
export const PRODUCT_CSV_HEADER = Object.freeze([
  'product_code', 'code_schema', 'name', 'source', 'owner', 'available', 'assigned', 'total', 'low_threshold', 'low_pool',
]);

/** @param {Product} p */
export const productCsvRow = (p) => [
  p.code, p.codeSchema, p.name, p.source, p.owner.name, p.pool.available, p.pool.assigned, p.pool.total, p.lowThreshold, p.pool.low,
];

/** @param {{view: import('../list-state.js').ProductView}} props */
function ProductExport({ view }) {
  const client = useClient();
  return (
    <ExportButton
      label="Export CSV"
      noun="products"
      name="products"
      read={(onProgress) =>
        readAll(async (after) => {
          const { variables } = productArgs({ ...view, after: null, before: null, size: EXPORT_PAGE_SIZE });
          const data = await client.request(PRODUCTS_QUERY, { ...variables, after });
          return /** @type {ProductPage} */ (data.products);
        }, onProgress).then((nodes) => toCsv([...PRODUCT_CSV_HEADER], nodes.map(productCsvRow)))
      }
    />
  );
}

/**
 * "64 products", "1 product matches “amox”", "11 products match “amox”", "3 products match
 * the filters".
 * @param {number} n
 * @param {string} search
 * @param {boolean} [filtered] other filters than the search narrow the list
 */
export function countText(n, search, filtered = false) {
  const noun = n === 1 ? 'product' : 'products';
  if (!search) return filtered ? `${formatCount(n)} ${noun} ${n === 1 ? 'matches' : 'match'} the filters` : `${formatCount(n)} ${noun}`;
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
