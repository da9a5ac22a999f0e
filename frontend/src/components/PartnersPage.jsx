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
import {
  ASSIGN_TO_PARTNER,
  CREATE_PARTNER_INVITATION,
  CREATE_PARTNERSHIP,
  isAbort,
  partnerCsvPath,
  PARTNER_INVITATIONS_QUERY,
  PARTNER_PRODUCTS_MAX_PAGES,
  PARTNER_PRODUCTS_PAGE,
  PARTNER_PRODUCTS_QUERY,
  PARTNERS_QUERY,
  REVOKE_PARTNER_INVITATION,
} from '../api.js';
import { formatCount, formatDateTime, partnerRoleLabel, parseCount, sourceLabel } from '../format.js';
import { canAdminister, canOperate } from '../roles.js';
import { onLinkClick, poolPath } from '../router.js';
import { useClient, useViewer } from './context.js';
import { DownloadLink } from './DownloadLink.jsx';
import { ActionError, Field, SuccessNote, useAction, useIdempotencyKey } from './Forms.jsx';
import { PlusIcon } from './icons.jsx';
import { RequestResult } from './RequestResult.jsx';
import { ErrorState } from './States.jsx';

/**
 * @typedef {{tenant: {id: string, name: string}, role: 'MAH' | 'CMO'}} Partner
 * @typedef {{id: string, code: string, expiresAt: string}} Invitation
 * @typedef {{id: string, createdAt: string, expiresAt: string}} OpenInvitation
 * @typedef {{id: string, code: string, name: string, requestCap?: number, owner: {id: string},
 *   pool: {available: number, assigned: number}}} Product
 */

/**
 * Every product visible to the caller, page by page (up to a limit).
 * @param {import('../api.js').Client} client
 * @param {AbortSignal} signal
 * @returns {Promise<{products: Product[], complete: boolean}>}
 */
export async function loadAllProducts(client, signal) {
  /** @type {Product[]} */
  const products = [];
  /** @type {string | null} */
  let after = null;
  for (let page = 0; page < PARTNER_PRODUCTS_MAX_PAGES; page++) {
    /** @type {any} */
    const data = await client.request(PARTNER_PRODUCTS_QUERY, { first: PARTNER_PRODUCTS_PAGE, after }, { signal });
    /** @type {{edges: {node: Product}[], pageInfo: {hasNextPage: boolean, endCursor: string | null}}} */
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
  const [partners, setPartners] = useState(/** @type {Partner[] | null} */ (null));
  const [products, setProducts] = useState(/** @type {Product[]} */ ([]));
  const [productsError, setProductsError] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [reload, setReload] = useState(0);
  const [productsVersion, setProductsVersion] = useState(0);
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

  useEffect(() => {
    const controller = new AbortController();
    client
      .request(PARTNERS_QUERY, {}, { signal: controller.signal })
      .then((data) => {
        setPartners(data.partners);
        setError(null);
      })
      .catch((err) => {
        if (!isAbort(err)) setError(err);
      });
    return () => controller.abort();
  }, [reload]);

  useEffect(() => {
    const controller = new AbortController();
    loadAllProducts(client, controller.signal)
      .then(({ products: all }) => {
        setProducts(all);
        setProductsError(null);
      })
      .catch((err) => {
        if (!isAbort(err)) setProductsError(err);
      });
    return () => controller.abort();
  }, [productsVersion]);

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
              setReload((n) => n + 1);
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
          <ErrorState error={error} title="The partners could not be loaded" onRetry={() => setReload((n) => n + 1)} />
        </div>
      ) : null}
      {productsError && partners && partners.length > 0 ? (
        <div class="card">
          <ErrorState
            error={productsError}
            title="The products could not be loaded"
            onRetry={() => setProductsVersion((n) => n + 1)}
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
            <CmoCard key={p.tenant.id} partner={p} products={own} onAssigned={() => setProductsVersion((n) => n + 1)} />
          ))}
        </section>
      ) : null}

      {mahs.length > 0 ? (
        <section class="partner-section" aria-labelledby="mah-title">
          <h2 class="section-title" id="mah-title">
            Marketing authorization holders
          </h2>
          {mahs.map((p) => (
            <MahCard key={p.tenant.id} partner={p} products={products.filter((x) => x.owner.id === p.tenant.id)} />
          ))}
        </section>
      ) : null}
    </section>
  );
}

/**
 * A CMO of the caller (an MAH): assign serials to it, export what it was assigned.
 * @param {{partner: Partner, products: Product[], onAssigned: () => void}} props
 */
export function CmoCard({ partner, products, onAssigned }) {
  const viewer = useViewer();
  const [exportCode, setExportCode] = useState('');
  const [saved, setSaved] = useState(/** @type {{name: string, lines: number} | null} */ (null));
  const base = `cmo-${partner.tenant.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
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
      <div class="partner-body">
        {canOperate(viewer.role) ? (
          <section class="partner-part" aria-labelledby={`${base}-assign`}>
            <h4 class="part-title" id={`${base}-assign`}>
              Assign serials
            </h4>
            <AssignForm partner={partner} products={products} idPrefix={`${base}-as`} onDone={onAssigned} />
          </section>
        ) : null}
        <section class="partner-part" aria-labelledby={`${base}-export`}>
          <h4 class="part-title" id={`${base}-export`}>
            Export what was assigned
          </h4>
          <div class="form-row">
            <div class="field field-grow">
              <label class="field-label" for={`${base}-export-product`}>
                Products to export
              </label>
              <select
                id={`${base}-export-product`}
                class="input select"
                value={exportCode}
                onChange={(e) => setExportCode(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
              >
                <option value="">All products</option>
                {products.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name} · {p.code}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="form-actions">
            <DownloadLink
              path={partnerCsvPath(partner.tenant.id, exportCode || undefined)}
              filename={`assigned-to-${slug(partner.tenant.name)}${exportCode ? `-${exportCode}` : ''}.csv`}
              onSaved={async (name, blob) => {
                const text = await blob.text();
                setSaved({ name, lines: text.split(/\r?\n/).filter((l) => l.trim() !== '').length });
              }}
            >
              Export CSV
            </DownloadLink>
          </div>
          {saved ? (
            <p class="field-hint" role="status">
              Saved {saved.name} ({formatCount(Math.max(0, saved.lines - 1))} rows).
            </p>
          ) : null}
        </section>
      </div>
    </article>
  );
}

/**
 * Assign N Available serials of one of the caller's products to a CMO.
 * @param {{partner: Partner, products: Product[], idPrefix: string, onDone?: () => void}} props
 */
export function AssignForm({ partner, products, idPrefix, onDone }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<import('./RequestResult.jsx').SerialRequest>} */ (useAction());
  const [code, setCode] = useState('');
  const [count, setCount] = useState('');
  const [errors, setErrors] = useState(/** @type {{code?: string | null, count?: string | null}} */ ({}));
  const codeRef = useRef(/** @type {HTMLSelectElement | null} */ (null));
  const countRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const chosen = products.find((p) => p.code === code);
  const idempotency = useIdempotencyKey();

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const parsed = parseCount(count, { min: 1, max: chosen?.requestCap, name: 'the number of serials' });
    const next = { code: code ? null : 'Choose a product.', count: parsed.error };
    setErrors(next);
    if (next.code) return codeRef.current?.focus();
    if (next.count) return countRef.current?.focus();
    const n = /** @type {number} */ (parsed.value);
    const idempotencyKey = idempotency.keyFor([code, partner.tenant.id, n]);
    const result = await action.run(async () => {
      const data = await client.request(ASSIGN_TO_PARTNER, {
        input: { productCode: code, partner: partner.tenant.id, count: n, idempotencyKey },
      });
      return data.assignSerialsToPartner;
    });
    if (result) {
      idempotency.succeeded();
      onDone?.();
    }
  }

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        <Field id={`${idPrefix}-product`} label="Product" error={errors.code} class="field-grow">
          {(describedBy, bad) => (
            <select
              ref={codeRef}
              id={`${idPrefix}-product`}
              class="input select"
              value={code}
              onChange={(e) => setCode(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            >
              <option value="">Choose a product…</option>
              {products.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.name} · {p.code}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={`${idPrefix}-count`}
          label="Number of serials"
          hint={chosen ? `${formatCount(chosen.pool.available)} available${chosen.requestCap ? ` · at most ${formatCount(chosen.requestCap)}` : ''}` : undefined}
          error={errors.count}
        >
          {(describedBy, bad) => (
            <input
              ref={countRef}
              id={`${idPrefix}-count`}
              class="input input-count"
              inputMode="numeric"
              autocomplete="off"
              value={count}
              onInput={(e) => setCount(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {action.busy ? 'Assigning…' : `Assign to ${partner.tenant.name}`}
        </button>
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title="No serials were assigned" /> : null}
        {action.result ? <RequestResult request={action.result} /> : null}
      </div>
    </form>
  );
}

/**
 * An MAH of the caller (a CMO): the products it assigned serials of.
 * @param {{partner: Partner, products: Product[]}} props
 */
export function MahCard({ partner, products }) {
  const base = `mah-${partner.tenant.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
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
      <div class="partner-body partner-body-single">
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
        ) : (
          <p class="empty-hint">No serials have been assigned to you yet.</p>
        )}
      </div>
    </article>
  );
}

/**
 * Admin, as the MAH: add a CMO partner with the invitation code its admin created.
 * @param {{onAdded: (partner: Partner) => void, onCancel: () => void}} props
 */
export function AddPartnerForm({ onAdded, onCancel }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<Partner>} */ (useAction());
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  const ref = useRef(/** @type {HTMLInputElement | null} */ (null));
  useEffect(() => ref.current?.focus(), []);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const v = code.trim();
    setInvalid(v ? null : 'Enter the invitation code.');
    if (!v) return ref.current?.focus();
    const partner = await action.run(async () => {
      const data = await client.request(CREATE_PARTNERSHIP, { input: { invitationCode: v } });
      return data.createPartnership;
    });
    if (partner) onAdded(partner);
  }

  return (
    <form id="add-partner" class="action-form create-form" onSubmit={submit} noValidate aria-labelledby="add-partner-title">
      <h2 class="action-title" id="add-partner-title">
        Add a CMO partner
      </h2>
      <div class="form-row">
        <Field
          id="cmo-invitation"
          label="Invitation code"
          hint="The CMO's admin creates it on their Partners page (Invite an MAH). It works once."
          error={invalid}
          class="field-grow"
        >
          {(describedBy, bad) => (
            <input
              ref={ref}
              id="cmo-invitation"
              class="input mono"
              autocomplete="off"
              spellcheck={false}
              placeholder="spi_…"
              value={code}
              onInput={(e) => setCode(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {action.busy ? 'Adding…' : 'Add partner'}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title="The partnership was not created" /> : null}
      </div>
    </form>
  );
}

/**
 * Admin, as the CMO: its invitations whose code still works, newest first, each with a
 * Revoke that asks first. Hidden while there are none (or they are loading); loaded apart
 * from the partners so that a failure of one does not hide the other.
 * @param {{version?: number, onEmptied?: () => void}} props version: bump to reload (after
 *   an invitation was created); onEmptied: the last one was revoked (the section goes)
 */
export function OpenInvitations({ version = 0, onEmptied }) {
  const client = useClient();
  const [invitations, setInvitations] = useState(/** @type {OpenInvitation[] | null} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [reload, setReload] = useState(0);
  const action = /** @type {import('./Forms.jsx').Action<{id: string}>} */ (useAction());
  const titleRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  // Set by a revoke: its button is gone with its row, so the focus goes elsewhere.
  const revoked = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    client
      .request(PARTNER_INVITATIONS_QUERY, {}, { signal: controller.signal })
      .then((data) => {
        setInvitations(data.partnerInvitations);
        setError(null);
      })
      .catch((err) => {
        if (!isAbort(err)) setError(err);
      });
    return () => controller.abort();
  }, [reload, version]);

  useEffect(() => {
    if (!revoked.current) return;
    revoked.current = false;
    if (invitations?.length) titleRef.current?.focus();
    else onEmptied?.();
  }, [invitations]);

  /** @param {string} id @returns {Promise<boolean>} whether it was revoked */
  async function revoke(id) {
    const done = await action.run(async () => {
      try {
        const data = await client.request(REVOKE_PARTNER_INVITATION, { id });
        return data.revokePartnerInvitation;
      } catch (err) {
        // Used, expired or revoked meanwhile: the list is stale, the error says why.
        if (/** @type {any} */ (err)?.code === 'NOT_FOUND') setReload((n) => n + 1);
        throw err;
      }
    });
    if (!done) return false;
    revoked.current = true;
    setInvitations((xs) => (xs || []).filter((x) => x.id !== id));
    return true;
  }

  const list = invitations || [];
  if (!error && !action.error && list.length === 0) return null;
  return (
    <section class="partner-section" aria-labelledby="invitations-title" data-testid="open-invitations">
      <h2 class="section-title" id="invitations-title" ref={titleRef} tabIndex={-1}>
        Open invitations
      </h2>
      <div class="card invitations-card">
        {error ? (
          <ErrorState error={error} title="The open invitations could not be loaded" onRetry={() => setReload((n) => n + 1)} />
        ) : null}
        {list.length > 0 ? (
          <div class="table-scroll" role="region" aria-label="Open invitation codes" tabIndex={0}>
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Valid until</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((inv) => (
                  <InvitationRow key={inv.id} invitation={inv} busy={action.busy} onRevoke={revoke} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {action.error ? (
          <div class="card-note">
            <ActionError error={action.error} title="The invitation was not revoked" />
          </div>
        ) : null}
      </div>
    </section>
  );
}

/**
 * One open invitation; Revoke turns into "Revoke? Yes / No" (the focus goes to No).
 * @param {{invitation: OpenInvitation, busy: boolean, onRevoke: (id: string) => Promise<boolean>}} props
 */
function InvitationRow({ invitation, busy, onRevoke }) {
  const [asking, setAsking] = useState(false);
  const [sent, setSent] = useState(false);
  const revokeRef = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const noRef = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const asked = useRef(false);
  const base = `invitation-${invitation.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  useEffect(() => {
    if (asking) noRef.current?.focus();
    else if (asked.current) revokeRef.current?.focus();
    asked.current = asking;
  }, [asking]);

  async function yes() {
    setSent(true);
    // Revoked, the row goes; refused, it shows Revoke again above the error.
    if (await onRevoke(invitation.id)) return;
    setSent(false);
    setAsking(false);
  }

  return (
    <tr data-id={invitation.id}>
      <th scope="row" id={`${base}-created`}>
        <time dateTime={invitation.createdAt}>{formatDateTime(invitation.createdAt)}</time>
      </th>
      <td>
        <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>
      </td>
      <td class="cell-actions">
        {asking ? (
          <span class="confirm">
            <span id={`${base}-ask`}>Revoke?</span>
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={yes}
              aria-describedby={`${base}-ask ${base}-created`}
            >
              {sent ? 'Revoking…' : 'Yes'}
            </button>
            <button
              ref={noRef}
              type="button"
              class="button"
              disabled={busy}
              onClick={() => setAsking(false)}
              aria-describedby={`${base}-ask ${base}-created`}
            >
              No
            </button>
          </span>
        ) : (
          <button ref={revokeRef} type="button" class="button" onClick={() => setAsking(true)} aria-describedby={`${base}-created`}>
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

/**
 * Admin, as the CMO: create a one-time invitation code for an MAH's admin. The code is
 * shown only here (the server keeps only its hash), read-only, with a Copy button.
 * @param {{onClose: () => void, onCreated?: () => void}} props
 */
export function InviteMahForm({ onClose, onCreated }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<Invitation>} */ (useAction());
  // How the code was copied: to the clipboard, or only selected (no clipboard access).
  const [copied, setCopied] = useState(/** @type {'clipboard' | 'selected' | null} */ (null));
  const createButton = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const codeRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const invitation = action.result;
  useEffect(() => createButton.current?.focus(), []);
  useEffect(() => {
    if (invitation) codeRef.current?.focus();
  }, [invitation]);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    setCopied(null);
    const created = await action.run(async () => {
      const data = await client.request(CREATE_PARTNER_INVITATION);
      return data.createPartnerInvitation;
    });
    if (created) onCreated?.();
  }

  async function copy() {
    if (!invitation) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(invitation.code);
      setCopied('clipboard');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select the code so
      // that the user copies it with the keyboard or the context menu.
      codeRef.current?.focus();
      codeRef.current?.select();
      setCopied('selected');
    }
  }

  return (
    <form id="invite-mah" class="action-form create-form" onSubmit={submit} noValidate aria-labelledby="invite-mah-title">
      <h2 class="action-title" id="invite-mah-title">
        Invite an MAH to make you its CMO
      </h2>
      <p class="form-note">
        Creates a one-time invitation code for the admin of a marketing authorization holder (MAH). When they enter it
        under Add a CMO partner on their Partners page, your tenant becomes their contract manufacturer (CMO) and can
        receive their serials.
      </p>
      {invitation ? (
        <>
          <SuccessNote>
            Invitation code created. Copy it now and give it to the MAH's admin: it is shown only now and works once.
          </SuccessNote>
          <div class="form-row">
            <Field
              id="invitation-code"
              label="Invitation code"
              hint={
                <>
                  Valid until <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>.
                </>
              }
              class="field-grow"
            >
              {(describedBy) => (
                <input
                  ref={codeRef}
                  id="invitation-code"
                  class="input mono"
                  readOnly
                  autocomplete="off"
                  spellcheck={false}
                  value={invitation.code}
                  aria-describedby={describedBy}
                  onFocus={(e) => /** @type {HTMLInputElement} */ (e.currentTarget).select()}
                />
              )}
            </Field>
            <div class="lookup-submit">
              <button type="button" class="button" onClick={copy}>
                {copied === 'clipboard' ? 'Copied' : 'Copy'}
              </button>
            </div>
          </div>
          <p class="field-hint" role="status" data-testid="copy-status">
            {copied === 'clipboard'
              ? 'The code is on the clipboard.'
              : copied === 'selected'
                ? 'The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.'
                : ''}
          </p>
        </>
      ) : null}
      <div class="form-actions">
        {invitation ? (
          <button type="button" class="button" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            <button ref={createButton} type="submit" class="button button-primary" disabled={action.busy}>
              {action.busy ? 'Creating…' : 'Create invitation code'}
            </button>
            <button type="button" class="button" onClick={onClose}>
              Cancel
            </button>
          </>
        )}
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title="No invitation was created" /> : null}
      </div>
    </form>
  );
}

/** @param {string} s */
function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'partner';
}
