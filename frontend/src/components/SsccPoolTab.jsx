// @ts-check
/**
 * The SSCC pool tab: the tenant's SSCC pools (one per GS1 company prefix and extension
 * digit), each with its donut and counts. Admins create pools; operators generate SSCCs
 * (sequential: an SSCC's serial reference counts up) and request some for an order. Each
 * pool opens a paged list of its SSCCs.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CREATE_SSCC_POOL, SSCC_POOLS_QUERY } from '../api.js';
import { PoolDonut } from '../donut.jsx';
import { formatCount } from '../format.js';
import { canAdminister, canOperate } from '../roles.js';
import { useQuery } from '../use-query.js';
import { useClient, useViewer } from './context.js';
import { Field, FormEnd, SuccessNote, useAction } from './Forms.jsx';
import { GenerateForm } from './GenerateForm.jsx';
import { PlusIcon, WarningIcon } from './icons.jsx';
import { ReleaseForm } from './ReleaseForm.jsx';
import { RequestForm } from './RequestForm.jsx';
import { SsccList } from './SsccList.jsx';
import { ErrorState } from './States.jsx';

/**
 * @typedef {{code: string, companyPrefix: string, extensionDigit: number,
 *   pool: import('./ProductList.jsx').Pool}} SsccPool
 */

export function SsccPoolTab() {
  const client = useClient();
  const viewer = useViewer();
  const query = useQuery((signal) => client.request(SSCC_POOLS_QUERY, {}, { signal }), []);
  const pools = /** @type {SsccPool[] | null} */ (query.data?.ssccPools ?? null);
  const { error, loading, reload: refresh } = query;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState(/** @type {string | null} */ (null));
  const newButton = useRef(/** @type {HTMLButtonElement | null} */ (null));

  return (
    <div class="sscc-tab">
      <div class="card">
        <div class="toolbar">
          <p class="toolbar-text" role="status" data-testid="sscc-count">
            {pools ? `${formatCount(pools.length)} SSCC ${pools.length === 1 ? 'pool' : 'pools'}` : loading ? 'Loading SSCC pools…' : ''}
          </p>
          {canAdminister(viewer.role) ? (
            <button
              ref={newButton}
              type="button"
              class="button toolbar-end"
              aria-expanded={creating ? 'true' : 'false'}
              aria-controls={creating ? 'new-sscc-pool' : undefined}
              onClick={() => setCreating((c) => !c)}
            >
              <PlusIcon /> New SSCC pool
            </button>
          ) : null}
        </div>
        {creating ? (
          <CreateSsccPoolForm
            onCreated={(p) => {
              setCreated(p.code);
              setCreating(false);
              refresh();
              newButton.current?.focus();
            }}
            onCancel={() => {
              setCreating(false);
              newButton.current?.focus();
            }}
          />
        ) : null}
        {created ? (
          <div class="card-note">
            <SuccessNote>
              SSCC pool <span class="mono">{created}</span> created.
            </SuccessNote>
          </div>
        ) : null}
        {error ? <ErrorState error={error} title="The SSCC pools could not be loaded" onRetry={refresh} /> : null}
        {pools && pools.length === 0 ? (
          <div class="state">
            <p class="state-title">No SSCC pools yet</p>
            <p class="state-message">
              {canAdminister(viewer.role)
                ? 'Create one for a GS1 company prefix and an extension digit.'
                : 'An admin of your tenant creates them, one per GS1 company prefix and extension digit.'}
            </p>
          </div>
        ) : null}
      </div>
      {pools?.map((p) => (
        <SsccPoolCard key={p.code} pool={p} onChanged={refresh} highlight={p.code === created} />
      ))}
    </div>
  );
}

/**
 * @param {{pool: SsccPool, onChanged: () => void, highlight?: boolean}} props
 */
export function SsccPoolCard({ pool, onChanged, highlight = false }) {
  const viewer = useViewer();
  const [open, setOpen] = useState(/** @type {'generate' | 'request' | 'release' | null} */ (null));
  const [listing, setListing] = useState(false);
  const [listVersion, setListVersion] = useState(0);
  const panelRef = useRef(/** @type {HTMLElement | null} */ (null));
  const base = `sscc-${pool.code}`;
  const operate = canOperate(viewer.role);

  useEffect(() => {
    if (!open) return;
    const first = panelRef.current?.querySelector('input:not([type=radio]), textarea, select');
    /** @type {HTMLElement | null | undefined} */ (first)?.focus();
  }, [open]);

  const changed = () => {
    onChanged();
    setListVersion((n) => n + 1);
  };
  const actions = /** @type {const} */ ([
    ['generate', 'Generate'],
    ['request', 'Request for an order'],
    ['release', 'Release'],
  ]);

  return (
    <article class={`card sscc-card${highlight ? ' is-new' : ''}`} aria-labelledby={`${base}-title`} data-code={pool.code}>
      <div class="sscc-body">
        <div class="detail-info">
          <h2 class="detail-title" id={`${base}-title`}>
            SSCC pool <span class="mono">{pool.code}</span>
          </h2>
          <dl class="detail-list">
            <div>
              <dt>GS1 company prefix</dt>
              <dd class="mono">{pool.companyPrefix}</dd>
            </div>
            <div>
              <dt>Extension digit</dt>
              <dd class="mono">{pool.extensionDigit}</dd>
            </div>
            <div>
              <dt>Capacity</dt>
              <dd>{formatCount(10 ** Math.max(0, 16 - pool.companyPrefix.length))} SSCCs</dd>
            </div>
          </dl>
          {pool.pool.low ? (
            <p class="callout callout-warning">
              <WarningIcon /> Low pool: few SSCCs are available.
            </p>
          ) : null}
        </div>
        <PoolDonut pool={pool.pool} label={pool.code} kind="SSCC pool" noun="SSCCs" />
      </div>
      <div class="product-actions">
        <div class="action-bar" role="group" aria-label={`Actions on SSCC pool ${pool.code}`}>
          {operate
            ? actions.map(([a, label]) => (
                <button
                  key={a}
                  type="button"
                  class={`button action-toggle${open === a ? ' is-open' : ''}`}
                  aria-expanded={open === a ? 'true' : 'false'}
                  aria-controls={open === a ? `${base}-panel` : undefined}
                  data-action={a}
                  onClick={() => setOpen(open === a ? null : a)}
                >
                  {label}
                </button>
              ))
            : null}
          <button
            type="button"
            class={`button action-toggle${listing ? ' is-open' : ''}`}
            aria-expanded={listing ? 'true' : 'false'}
            aria-controls={listing ? `${base}-list` : undefined}
            onClick={() => setListing((l) => !l)}
          >
            {listing ? 'Hide SSCCs' : 'Show SSCCs'}
          </button>
        </div>
        {open ? (
          <section class="action-panel" id={`${base}-panel`} ref={panelRef} aria-label={{ generate: 'Generate SSCCs', request: 'Request SSCCs for an order', release: 'Release SSCCs' }[open]}>
            {open === 'generate' ? (
              <GenerateForm code={pool.code} idPrefix={`${base}-gen`} modes={['SEQUENTIAL']} noun="SSCCs" onDone={changed} />
            ) : null}
            {open === 'request' ? (
              <RequestForm code={pool.code} idPrefix={`${base}-req`} available={pool.pool.available} noun="SSCCs" onDone={changed} />
            ) : null}
            {open === 'release' ? <ReleaseForm code={pool.code} idPrefix={`${base}-rel`} noun="SSCCs" onDone={changed} /> : null}
          </section>
        ) : null}
        {listing ? (
          <div id={`${base}-list`}>
            <SsccList code={pool.code} version={listVersion} />
          </div>
        ) : null}
      </div>
    </article>
  );
}

/**
 * Admin: a new SSCC pool for a GS1 company prefix and an extension digit.
 * @param {{onCreated: (pool: SsccPool) => void, onCancel: () => void}} props
 */
export function CreateSsccPoolForm({ onCreated, onCancel }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<SsccPool>} */ (useAction());
  const [prefix, setPrefix] = useState('');
  const [digit, setDigit] = useState('0');
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  const prefixRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  useEffect(() => prefixRef.current?.focus(), []);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const p = prefix.trim();
    const problem = validPrefix(p);
    setInvalid(problem);
    if (problem) return prefixRef.current?.focus();
    const created = await action.run(async () => {
      const data = await client.request(CREATE_SSCC_POOL, { input: { companyPrefix: p, extensionDigit: Number(digit) } });
      return data.createSsccPool;
    });
    if (created) onCreated(created);
  }

  const digits = prefix.trim().length;
  return (
    <form id="new-sscc-pool" class="action-form create-form" onSubmit={submit} noValidate aria-labelledby="new-sscc-title">
      <h2 class="action-title" id="new-sscc-title">
        New SSCC pool
      </h2>
      <div class="form-row">
        <Field
          id="sscc-prefix"
          label="GS1 company prefix"
          hint={
            digits >= 6 && digits <= 12
              ? `6 to 12 digits · ${16 - digits}-digit serial reference, ${formatCount(10 ** (16 - digits))} SSCCs`
              : '6 to 12 digits'
          }
          error={invalid}
        >
          {(describedBy, bad) => (
            <input
              ref={prefixRef}
              id="sscc-prefix"
              class="input mono input-prefix"
              inputMode="numeric"
              autocomplete="off"
              maxLength={12}
              value={prefix}
              onInput={(e) => setPrefix(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
        <div class="field">
          <label class="field-label" for="sscc-digit">
            Extension digit
          </label>
          <select
            id="sscc-digit"
            class="input select"
            value={digit}
            onChange={(e) => setDigit(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
            aria-describedby="sscc-digit-hint"
          >
            {[...'0123456789'].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <p class="field-hint" id="sscc-digit-hint">
            The SSCC's first digit
          </p>
        </div>
      </div>
      <FormEnd action={action} label="Create SSCC pool" busyLabel="Creating…" errorTitle="The SSCC pool was not created" onCancel={onCancel} />
    </form>
  );
}

/**
 * @param {string} prefix
 * @returns {string | null} what is wrong, or null
 */
export function validPrefix(prefix) {
  if (!prefix) return 'Enter the GS1 company prefix.';
  if (!/^\d+$/.test(prefix)) return 'The company prefix has digits only.';
  if (prefix.length < 6 || prefix.length > 12) return `The company prefix has 6 to 12 digits, not ${prefix.length}.`;
  return null;
}
