// @ts-check
/**
 * What an MAH assigned to one CMO, per product: how many serials the CMO holds of it (the
 * pool counters, never counted rows) and the last assignment (time and size), from the
 * MAH's own requests.
 */
import { PARTNER_ASSIGNMENTS_QUERY } from '../../api.js';
import { formatCount, formatDateTime } from '../../format.js';
import { useQuery } from '../../use-query.js';
import { useClient } from '../context.js';

/**
 * Per product, what the partner holds and the last assignment to it, most recent first.
 * @param {{poolStats: {count: number, product: {code: string, name: string} | null, partner: {id: string} | null}[],
 *   serialRequests: {edges: {node: {count: number, createdAt: string, partner: {id: string} | null, product: {code: string}}}[]}}} data
 * @param {string} partnerId
 */
export function assignedByProduct(data, partnerId) {
  /** @type {Map<string, {code: string, name: string, count: number, last: {at: string, count: number} | null}>} */
  const rows = new Map();
  for (const r of data.poolStats) {
    if (r.partner?.id !== partnerId || !r.product) continue;
    rows.set(r.product.code, { code: r.product.code, name: r.product.name, count: r.count, last: null });
  }
  // Requests come newest first: the first one of a product is its last assignment.
  for (const { node } of data.serialRequests.edges) {
    const row = rows.get(node.product.code);
    if (node.partner?.id === partnerId && row && !row.last) row.last = { at: node.createdAt, count: node.count };
  }
  return [...rows.values()].sort((a, b) => (b.last?.at ?? '').localeCompare(a.last?.at ?? '') || a.code.localeCompare(b.code));
}

/** @param {{partner: import('./types.js').Partner, base: string}} props */
export function AssignedSummary({ partner, base }) {
  const client = useClient();
  const query = useQuery((signal) => client.request(PARTNER_ASSIGNMENTS_QUERY, {}, { signal }), []);
  if (!query.data) return null; // the rest of the card works without it
  const rows = assignedByProduct(query.data, partner.tenant.id);
  return (
    <section class="partner-part partner-assigned" aria-labelledby={`${base}-assigned`}>
      <h4 class="part-title" id={`${base}-assigned`}>
        What you assigned
      </h4>
      {rows.length === 0 ? (
        <p class="empty-hint">Nothing assigned to {partner.tenant.name} yet.</p>
      ) : (
        <div class="table-scroll" role="region" aria-label={`Assigned to ${partner.tenant.name}`} tabIndex={0}>
          <table class="data-table" data-testid="assigned-summary">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" class="num">
                  Serials held
                </th>
                <th scope="col">Last assignment</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.code} data-code={r.code}>
                  <th scope="row">
                    <span class="mono">{r.code}</span> <span class="muted">{r.name}</span>
                  </th>
                  <td class="num">{formatCount(r.count)}</td>
                  <td>{r.last ? `${formatDateTime(r.last.at)} (${formatCount(r.last.count)})` : <span class="muted">earlier than the last 100 requests</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
