// @ts-check
/** An MAH of the caller (a CMO): the products it assigned serials of, with their counts, and what it received in all. */
import { domId, formatCount, plural, sourceLabel } from '../../format.js';
import { onLinkClick, poolPath } from '../../router.js';
import { PartnerCard } from './PartnerCard.jsx';

/**
 * An MAH of the caller (a CMO): the products it assigned serials of.
 * @param {{partner: import('./types.js').Partner, products: import('./types.js').Product[], onEnded?: () => void}} props
 */
export function MahCard({ partner, products, onEnded }) {
  const base = domId('mah', partner.tenant.id);
  return (
    <PartnerCard partner={partner} base={base} single onEnded={onEnded}>
      <p class="partner-note">
        Serials {partner.tenant.name} assigns to you arrive in your Serial number pool as Available, with source{' '}
        {sourceLabel('PARTNER')}. You see only the serials assigned to you.
      </p>
      {products.length > 0 ? (
        <div class="table-scroll" role="region" aria-label={`Products from ${partner.tenant.name}`} tabIndex={0}>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Product code</th>
                <th scope="col">Product name</th>
                <th scope="col" class="num">
                  Available
                </th>
                <th scope="col" class="num">
                  Assigned
                </th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.code} data-code={p.code}>
                  <th scope="row" class="mono">
                    <a href={poolPath(p.code)} onClick={onLinkClick}>
                      {p.code}
                    </a>
                  </th>
                  <td>{p.name}</td>
                  <td class="num">{formatCount(p.pool.available)}</td>
                  <td class="num">{formatCount(p.pool.assigned)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {products.length > 0 ? (
        <p class="partner-note" data-testid="received">
          Received from {partner.tenant.name}: {plural(products.reduce((n, p) => n + p.pool.available + p.pool.assigned, 0), 'serial')} of{' '}
          {plural(products.length, 'product')}.
        </p>
      ) : (
        <p class="empty-hint">No serials have been assigned to you yet.</p>
      )}
    </PartnerCard>
  );
}
