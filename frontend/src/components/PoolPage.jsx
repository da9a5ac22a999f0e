// @ts-check
/**
 * SN/SSCC pool: the Serial number pool, SSCC pool and Pack history tabs. Each tab has its
 * own address (so it survives a reload and the back button); the tab list follows the
 * ARIA tabs pattern (arrow keys, Home/End move between tabs, Enter or Space opens one).
 */
import { useEffect, useRef } from 'preact/hooks';
import { navigate, TAB_PATHS } from '../router.js';
import { PackHistoryTab } from './PackHistoryTab.jsx';
import { ProductList } from './ProductList.jsx';
import { SsccPoolTab } from './SsccPoolTab.jsx';

/** @type {{id: import('../router.js').PoolTab, label: string}[]} */
export const TABS = [
  { id: 'sn', label: 'Serial number pool' },
  { id: 'sscc', label: 'SSCC pool' },
  { id: 'pack', label: 'Pack history' },
];

/**
 * @param {{tab: import('../router.js').PoolTab, params: URLSearchParams}} props
 */
export function PoolPage({ tab, params }) {
  const headingRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const tabRefs = useRef(/** @type {(HTMLButtonElement | null)[]} */ ([]));
  // After sign-in or a navigation the focused control is gone: start again at the title.
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) headingRef.current?.focus();
  }, []);

  /** @param {KeyboardEvent} event @param {number} index */
  function onKeyDown(event, index) {
    const last = TABS.length - 1;
    const to = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[
      event.key
    ];
    if (to === undefined) return;
    event.preventDefault();
    tabRefs.current[to]?.focus();
  }

  return (
    <section class="page" aria-labelledby="page-title">
      <h1 class="page-title" id="page-title" ref={headingRef} tabIndex={-1}>
        SN/SSCC pool
      </h1>
      <div class="tabs" role="tablist" aria-label="SN/SSCC pool">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            class="tab"
            aria-selected={t.id === tab ? 'true' : 'false'}
            aria-controls={t.id === tab ? `panel-${t.id}` : undefined}
            tabIndex={t.id === tab ? 0 : -1}
            onKeyDown={(e) => onKeyDown(e, i)}
            onClick={() => navigate(TAB_PATHS[t.id])}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'sn' ? <ProductList /> : null}
        {tab === 'sscc' ? <SsccPoolTab /> : null}
        {tab === 'pack' ? (
          <PackHistoryTab productCode={params.get('product') || ''} serial={params.get('serial') || ''} />
        ) : null}
      </div>
    </section>
  );
}
