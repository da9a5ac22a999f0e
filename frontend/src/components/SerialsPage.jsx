// @ts-check
/**
 * The serials of one product: a paged table, filtered by pool status.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PAGE_SIZE, PRODUCT_SERIALS_QUERY } from '../api.js';
import { PACK_STATUSES, schemaLabel, sourceLabel, statusLabel } from '../format.js';
import { navigate, onLinkClick, POOL_PATH, serialsPath } from '../router.js';
import { useQuery } from '../use-query.js';
import { PackBadge } from './PackHistoryTab.jsx';
import { useClient } from './context.js';
import { countFor, POOL_STATUSES, SerialTable, StatusFilter, TIME_COLUMNS } from './SerialTable.jsx';
import { ErrorState, Pager } from './States.jsx';

/** @type {readonly (string | null)[]} */
const FIRST_PAGE = Object.freeze([null]);

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

/**
 * @param {{code: string, status: string}} props status: '' (all), AVAILABLE or ASSIGNED
 */
export function SerialsPage({ code, status: statusParam }) {
  const client = useClient();
  const status = POOL_STATUSES.includes(/** @type {any} */ (statusParam)) ? statusParam : '';
  // Paging belongs to one status filter: a new filter starts again at the first page.
  const [paging, setPaging] = useState(() => ({ status, cursors: FIRST_PAGE }));
  const cursors = paging.status === status ? paging.cursors : FIRST_PAGE;
  const page = cursors.length - 1;
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const query = useQuery(
    (signal) =>
      client.request(PRODUCT_SERIALS_QUERY, { code, status: status || null, first: PAGE_SIZE, after: cursors[page] }, { signal }),
    [code, status, cursors],
  );
  const { loading, error } = query;
  const product = query.data?.product ?? null;
  const notFound = !!query.data && !product;

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
            <StatusFilter
              name="serial-status"
              legend="Pool status"
              status={status}
              pool={pool}
              onChange={(s) => navigate(serialsPath(code, s), { replace: true })}
            />
          </div>

          {error && !loading ? (
            <ErrorState error={error} title="The serials could not be loaded" onRetry={query.reload} />
          ) : (
            <SerialTable
              code={code}
              nodes={product ? edges.map((e) => e.node) : null}
              loading={loading}
              status={status}
              noun="serials"
              valueTitle="Serial number"
              columns={COLUMNS}
              label={{ id: 'serials-caption', text: `Serial numbers${status ? ` with status ${statusLabel(status)}` : ''}` }}
              empty="This pool has no serials yet."
              linkTitle="Pack history"
            />
          )}

          {product && (page > 0 || product.serials.pageInfo.hasNextPage) ? (
            <Pager
              page={page}
              pageSize={PAGE_SIZE}
              shown={edges.length}
              total={countFor(pool, status)}
              noun="serials"
              busy={loading}
              hasPrev={page > 0}
              hasNext={product.serials.pageInfo.hasNextPage && !!product.serials.pageInfo.endCursor}
              onPrev={() => setPaging({ status, cursors: cursors.slice(0, -1) })}
              onNext={() => setPaging({ status, cursors: [...cursors, product.serials.pageInfo.endCursor] })}
            />
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

