// @ts-check
/** A CMO of the caller (an MAH): assign serials to it, export as CSV what it was assigned. */
import { useState } from 'preact/hooks';
import { partnerCsvPath } from '../../api.js';
import { domId, formatCount } from '../../format.js';
import { canOperate } from '../../roles.js';
import { useViewer } from '../context.js';
import { DownloadLink } from '../DownloadLink.jsx';
import { AssignForm } from './AssignForm.jsx';
import { AssignedSummary } from './AssignedSummary.jsx';
import { PartnerCard } from './PartnerCard.jsx';

/**
 * A CMO of the caller (an MAH): assign serials to it, export what it was assigned.
 * @param {{partner: import('./types.js').Partner, products: import('./types.js').Product[], onAssigned: () => void,
 *   onEnded?: () => void}} props
 */
export function CmoCard({ partner, products, onAssigned, onEnded }) {
  const viewer = useViewer();
  const [exportCode, setExportCode] = useState('');
  const [saved, setSaved] = useState(/** @type {{name: string, lines: number} | null} */ (null));
  const base = domId('cmo', partner.tenant.id);
  return (
    <PartnerCard partner={partner} base={base} onEnded={onEnded}>
      <AssignedSummary partner={partner} base={base} />
      {canOperate(viewer.role) && !partner.endedAt ? (
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
    </PartnerCard>
  );
}

/** @param {string} s */
function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'partner';
}
