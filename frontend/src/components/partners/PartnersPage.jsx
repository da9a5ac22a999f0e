// @ts-check
/**
 * Partners. An MAH sees its contract manufacturers (CMOs): it assigns them serials of its
 * products and exports, as CSV, what it assigned. A CMO sees the MAH(s) that assign
 * serials to it, and the products it received from each (only what was assigned to it).
 * A partnership needs the CMO's consent: its admin creates a one-time invitation code
 * (Invite an MAH) and gives it out of band to the MAH's admin, who enters it (Add a CMO
 * partner). A tenant can be both MAH and CMO, so every admin is offered both. Its admins
 * also see the invitations still open, and may revoke one (a code given to the wrong person).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PARTNER_PRODUCTS_MAX_PAGES, PARTNER_PRODUCTS_PAGE, PARTNER_PRODUCTS_QUERY, PARTNERS_QUERY } from '../../api.js';
import { partnerRoleLabel } from '../../format.js';
import { canAdminister } from '../../roles.js';
import { useQuery } from '../../use-query.js';
import { useClient, useViewer } from '../context.js';
import { SuccessNote } from '../Forms.jsx';
import { PlusIcon } from '../icons.jsx';
import { ErrorState } from '../States.jsx';
import { AddPartnerForm } from './AddPartnerForm.jsx';
import { CmoCard } from './CmoCard.jsx';
import { InviteMahForm } from './InviteMahForm.jsx';
import { MahCard } from './MahCard.jsx';
import { OpenInvitations } from './OpenInvitations.jsx';

/** @typedef {import('./types.js').Partner} Partner */

/**
 * Every product visible to the caller, page by page (up to a limit).
 * @param {import('../../api.js').Client} client
 * @param {AbortSignal} signal
 * @returns {Promise<{products: import('./types.js').Product[], complete: boolean}>}
 */
export async function loadAllProducts(client, signal) {
  /** @type {import('./types.js').Product[]} */
  const products = [];
  /** @type {string | null} */
  let after = null;
  for (let page = 0; page < PARTNER_PRODUCTS_MAX_PAGES; page++) {
    /** @type {any} */
    const data = await client.request(PARTNER_PRODUCTS_QUERY, { first: PARTNER_PRODUCTS_PAGE, after }, { signal });
    /** @type {{edges: {node: import('./types.js').Product}[], pageInfo: {hasNextPage: boolean, endCursor: string | null}}} */
    const conn = data.products;
    products.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) return { products, complete: true };
    after = conn.pageInfo.endCursor;
  }
  return { products, complete: false };
}

export function PartnersPage() {
  const client = useClient();
  const viewer = useViewer();
  const partnersQuery = useQuery((signal) => client.request(PARTNERS_QUERY, {}, { signal }), []);
  const partners = /** @type {Partner[] | null} */ (partnersQuery.data?.partners ?? null);
  const error = partnersQuery.error;
  const productsQuery = useQuery((signal) => loadAllProducts(client, signal), []);
  const products = productsQuery.data?.products ?? [];
  const [invitationsVersion, setInvitationsVersion] = useState(0);
  // The open admin panel: add a CMO (as the MAH) or invite an MAH (as the CMO).
  const [panel, setPanel] = useState(/** @type {'add' | 'invite' | null} */ (null));
  const [added, setAdded] = useState(/** @type {Partner | null} */ (null));
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const addButton = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const inviteButton = useRef(/** @type {HTMLButtonElement | null} */ (null));

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const cmos = (partners || []).filter((p) => p.role === 'CMO');
  const mahs = (partners || []).filter((p) => p.role === 'MAH');
  const own = products.filter((p) => p.owner.id === viewer.tenant.id);
  const admin = canAdminister(viewer.role);
  // A CMO that only receives (no products of its own, no CMOs) has no one to add.
  const mayAdd = admin && !!partners && (own.length > 0 || cmos.length > 0 || mahs.length === 0);

  /** Closes the panel and gives the focus back to the button that opened it. */
  function closePanel() {
    (panel === 'invite' ? inviteButton : addButton).current?.focus();
    setPanel(null);
  }

  return (
    <section class="page" aria-labelledby="partners-title">
      <h1 class="page-title" id="partners-title" ref={headingRef} tabIndex={-1}>
        Partners
      </h1>
      <p class="page-subtitle">
        {mahs.length && !cmos.length
          ? 'The marketing authorization holders that assign serials to you. You see only the serials assigned to you.'
          : 'Contract manufacturers you assign serials to, and what you assigned them.'}
      </p>

      {admin ? (
        <div class="page-actions action-bar">
          {mayAdd ? (
            <button
              ref={addButton}
              type="button"
              class="button"
              aria-expanded={panel === 'add' ? 'true' : 'false'}
              aria-controls={panel === 'add' ? 'add-partner' : undefined}
              onClick={() => {
                setAdded(null); // a new partner, a new note
                setPanel((x) => (x === 'add' ? null : 'add'));
              }}
            >
              <PlusIcon /> Add a CMO partner
            </button>
          ) : null}
          <button
            ref={inviteButton}
            type="button"
            class="button"
            aria-expanded={panel === 'invite' ? 'true' : 'false'}
            aria-controls={panel === 'invite' ? 'invite-mah' : undefined}
            onClick={() => setPanel((x) => (x === 'invite' ? null : 'invite'))}
          >
            <PlusIcon /> Invite an MAH
          </button>
        </div>
      ) : null}
      {panel === 'add' && mayAdd ? (
        <div class="card">
          <AddPartnerForm
            onAdded={(p) => {
              setAdded(p);
              partnersQuery.reload();
              closePanel();
            }}
            onCancel={closePanel}
          />
        </div>
      ) : null}
      {panel === 'invite' && admin ? (
        <div class="card">
          <InviteMahForm onClose={closePanel} onCreated={() => setInvitationsVersion((n) => n + 1)} />
        </div>
      ) : null}
      {added ? (
        <SuccessNote>
          {added.tenant.name} is now your partner ({partnerRoleLabel(added.role).toLowerCase()}).
        </SuccessNote>
      ) : null}
      {admin ? <OpenInvitations version={invitationsVersion} onEmptied={() => headingRef.current?.focus()} /> : null}

      {error ? (
        <div class="card">
          <ErrorState error={error} title="The partners could not be loaded" onRetry={partnersQuery.reload} />
        </div>
      ) : null}
      {productsQuery.error && partners && partners.length > 0 ? (
        <div class="card">
          <ErrorState
            error={productsQuery.error}
            title="The products could not be loaded"
            onRetry={productsQuery.reload}
          />
        </div>
      ) : null}
      {!partners && !error ? (
        <p class="empty-hint" role="status">
          <span class="spinner" aria-hidden="true" /> Loading partners…
        </p>
      ) : null}
      {partners && partners.length === 0 ? (
        <div class="card">
          <div class="state">
            <p class="state-title">No partnerships yet</p>
            <p class="state-message">
              {admin
                ? 'Add a contract manufacturer with the invitation code its admin gives you, to assign serials to it; or invite a marketing authorization holder, to receive serials from it as its contract manufacturer.'
                : 'An admin of your tenant sets up partnerships.'}
            </p>
          </div>
        </div>
      ) : null}

      {cmos.length > 0 ? (
        <section class="partner-section" aria-labelledby="cmo-title">
          <h2 class="section-title" id="cmo-title">
            Contract manufacturers
          </h2>
          {cmos.map((p) => (
            <CmoCard key={p.tenant.id} partner={p} products={own} onAssigned={productsQuery.reload} onEnded={partnersQuery.reload} />
          ))}
        </section>
      ) : null}

      {mahs.length > 0 ? (
        <section class="partner-section" aria-labelledby="mah-title">
          <h2 class="section-title" id="mah-title">
            Marketing authorization holders
          </h2>
          {mahs.map((p) => (
            <MahCard key={p.tenant.id} partner={p} products={products.filter((x) => x.owner.id === p.tenant.id)} onEnded={partnersQuery.reload} />
          ))}
        </section>
      ) : null}
    </section>
  );
}
