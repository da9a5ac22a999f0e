// @ts-check
/**
 * The operator actions of an expanded product, as far as the viewer's role and the
 * product allow: Generate (SNM), Request for an order, Release, Upload CSV, and the admin's
 * Limits. One panel is open at a time (disclosure buttons); every success asks the caller
 * to refresh the pool counts at once.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { domId } from '../format.js';
import { productActions } from '../roles.js';
import { useViewer } from './context.js';
import { GenerateForm } from './GenerateForm.jsx';
import { LimitsForm } from './LimitsForm.jsx';
import { ReleaseForm } from './ReleaseForm.jsx';
import { RequestForm } from './RequestForm.jsx';
import { UploadForm } from './UploadForm.jsx';

/** @type {Record<import('../roles.js').ProductAction, {label: string, title: string}>} */
export const ACTION_LABELS = Object.freeze({
  generate: { label: 'Generate', title: 'Generate serials' },
  request: { label: 'Request for an order', title: 'Request serials for an order' },
  release: { label: 'Release', title: 'Release serials back to the pool' },
  upload: { label: 'Upload CSV', title: 'Upload a CSV file of serials' },
  limits: { label: 'Limits', title: 'Limits of this product' },
});

/**
 * @param {{product: import('./ProductList.jsx').Product, onChanged: () => void,
 *   onLimits: (product: any) => void, onRequested?: () => void}} props onRequested: after a
 *   request for an order (beside onChanged)
 */
export function ProductActions({ product, onChanged, onLimits, onRequested }) {
  const viewer = useViewer();
  const actions = productActions(viewer, product);
  const [open, setOpen] = useState(/** @type {import('../roles.js').ProductAction | null} */ (null));
  const panelRef = useRef(/** @type {HTMLElement | null} */ (null));
  const base = domId('act', product.id);

  // Opening a panel moves the focus to its first field.
  useEffect(() => {
    if (!open) return;
    const first = panelRef.current?.querySelector('input:not([type=radio]), textarea, select');
    /** @type {HTMLElement | null | undefined} */ (first)?.focus();
  }, [open]);

  if (actions.length === 0) return null;
  const panelId = `${base}-panel`;
  return (
    <div class="product-actions">
      <div class="action-bar" role="group" aria-label={`Actions on ${product.code}`}>
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            class={`button action-toggle${open === a ? ' is-open' : ''}`}
            aria-expanded={open === a ? 'true' : 'false'}
            aria-controls={open === a ? panelId : undefined}
            data-action={a}
            onClick={() => setOpen(open === a ? null : a)}
          >
            {ACTION_LABELS[a].label}
          </button>
        ))}
      </div>
      {open ? (
        <section class="action-panel" id={panelId} ref={panelRef} aria-labelledby={`${panelId}-title`} data-action={open}>
          <h3 class="action-title" id={`${panelId}-title`}>
            {ACTION_LABELS[open].title}
          </h3>
          {open === 'generate' ? <GenerateForm code={product.code} idPrefix={`${base}-gen`} onDone={onChanged} /> : null}
          {open === 'request' ? (
            <RequestForm
              code={product.code}
              idPrefix={`${base}-req`}
              requestCap={product.requestCap}
              available={product.pool.available}
              onDone={() => {
                onChanged();
                onRequested?.();
              }}
            />
          ) : null}
          {open === 'release' ? <ReleaseForm code={product.code} idPrefix={`${base}-rel`} onDone={onChanged} /> : null}
          {open === 'upload' ? <UploadForm product={product} idPrefix={`${base}-up`} onDone={onChanged} /> : null}
          {open === 'limits' ? (
            <LimitsForm
              product={{
                code: product.code,
                requestCap: product.requestCap ?? 500_000,
                lowThreshold: product.lowThreshold,
                replenishTo: product.replenishTo ?? null,
              }}
              idPrefix={`${base}-lim`}
              onSaved={(p) => {
                onLimits(p);
                onChanged();
              }}
            />
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
