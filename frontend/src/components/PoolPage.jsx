// @ts-check
import { useEffect, useRef } from 'preact/hooks';
import { ProductList } from './ProductList.jsx';

/**
 * SN/SSCC pool. Only the Serial number pool tab exists today; SSCC pool and Pack history
 * are shown disabled until their APIs exist.
 * @param {{initialSearch: string}} props
 */
export function PoolPage({ initialSearch }) {
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  // After sign-in or a navigation the focused control is gone: start again at the title.
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) headingRef.current?.focus();
  }, []);
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 class="page-title" id="page-title" ref={headingRef} tabIndex={-1}>
        SN/SSCC pool
      </h1>
      <div class="tabs" role="tablist" aria-label="SN/SSCC pool">
        <button type="button" role="tab" id="tab-sn" class="tab" aria-selected="true" aria-controls="panel-sn">
          Serial number pool
        </button>
        <button type="button" role="tab" class="tab" aria-selected="false" aria-disabled="true" disabled title="Not available yet">
          SSCC pool
        </button>
        <button type="button" role="tab" class="tab" aria-selected="false" aria-disabled="true" disabled title="Not available yet">
          Pack history
        </button>
      </div>
      <div class="tab-panel" role="tabpanel" id="panel-sn" aria-labelledby="tab-sn">
        <ProductList initialSearch={initialSearch} />
      </div>
    </section>
  );
}
