// @ts-check
/** The SSCCs of one SSCC pool: a paged table with a pool status filter. */
import { useState } from 'preact/hooks';
import { PAGE_SIZE, SSCCS_QUERY } from '../api.js';
import { useQuery } from '../use-query.js';
import { useClient } from './context.js';
import { PackBadge } from './PackHistoryTab.jsx';
import { countFor, SerialTable, StatusFilter, TIME_COLUMNS } from './SerialTable.jsx';
import { ErrorState, Pager } from './States.jsx';

/** After value and status. @type {import('./SerialTable.jsx').Column[]} */
const COLUMNS = [{ title: 'Container status', cell: (node) => (node.packStatus ? <PackBadge status={node.packStatus} /> : '—') }, ...TIME_COLUMNS];

/**
 * @param {{code: string, version?: number}} props version: bump to reload (after an action)
 */
export function SsccList({ code, version = 0 }) {
  const client = useClient();
  const [status, setStatus] = useState(/** @type {string} */ (''));
  const [cursors, setCursors] = useState(/** @type {(string | null)[]} */ ([null]));
  const page = cursors.length - 1;
  const query = useQuery(
    (signal) => client.request(SSCCS_QUERY, { code, status: status || null, first: PAGE_SIZE, after: cursors[page] }, { signal }),
    [code, status, cursors, version],
  );
  const { loading, error } = query;
  const data = query.data?.ssccPool ?? null;
  const edges = /** @type {{node: import('./SerialTable.jsx').PoolItem}[]} */ (data?.ssccs.edges ?? []);
  const pool = data?.pool;
  return (
    <div class="sscc-list">
      <div class="toolbar toolbar-inset">
        <StatusFilter
          name={`sscc-status-${code}`}
          legend="Pool status of the SSCCs"
          status={status}
          pool={pool}
          onChange={(s) => {
            setStatus(s);
            setCursors([null]);
          }}
        />
      </div>
      {error && !loading ? (
        <ErrorState error={error} title="The SSCCs could not be loaded" onRetry={query.reload} />
      ) : (
        <SerialTable
          code={code}
          nodes={data ? edges.map((e) => e.node) : null}
          loading={loading}
          status={status}
          noun="SSCCs"
          valueTitle="SSCC"
          columns={COLUMNS}
          label={`SSCCs of pool ${code}`}
          class="sscc-table"
          empty="This pool has no SSCCs yet."
        />
      )}
      {data && (page > 0 || data.ssccs.pageInfo.hasNextPage) ? (
        <Pager
          page={page}
          pageSize={PAGE_SIZE}
          shown={edges.length}
          total={countFor(pool, status)}
          noun="SSCCs"
          busy={loading}
          hasPrev={page > 0}
          hasNext={data.ssccs.pageInfo.hasNextPage && !!data.ssccs.pageInfo.endCursor}
          onPrev={() => setCursors((c) => c.slice(0, -1))}
          onNext={() => setCursors((c) => [...c, data.ssccs.pageInfo.endCursor])}
        />
      ) : null}
    </div>
  );
}
