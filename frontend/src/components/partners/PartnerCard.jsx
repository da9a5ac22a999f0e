// @ts-check
/** A partner's card: its name, role and tenant id over what the caller does with it. */
import { partnerRoleLabel } from '../../format.js';
import { EndPartnership } from './EndPartnership.jsx';

/**
 * @param {{partner: import('./types.js').Partner, base: string, single?: boolean, onEnded?: () => void,
 *   children: import('preact').ComponentChildren}} props base: the prefix of the ids inside
 *   (see domId); single: a body of one part; onEnded: after the caller ended the partnership
 */
export function PartnerCard({ partner, base, single = false, onEnded, children }) {
  return (
    <article class="card partner-card" aria-labelledby={`${base}-name`} data-tenant={partner.tenant.id} data-role={partner.role}>
      <header class="partner-head">
        <h3 class="partner-name" id={`${base}-name`}>
          {partner.tenant.name}
        </h3>
        <span class="partner-role">{partnerRoleLabel(partner.role)}</span>
        <span class="partner-id muted">
          Tenant <span class="mono">{partner.tenant.id}</span>
        </span>
      </header>
      <div class={`partner-body${single ? ' partner-body-single' : ''}`}>{children}</div>
      {partner.id ? <EndPartnership partner={partner} base={base} onEnded={onEnded} /> : null}
    </article>
  );
}
