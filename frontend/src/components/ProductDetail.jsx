// @ts-check
/**
 * The expanded row of a product: its details and the pool donut, refreshed live, the
 * operator actions the viewer's role allows (each refreshes the counts at once), and the
 * product's recent requests.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PoolDonut } from '../donut.jsx';
import { domId, formatCount, formatTime, schemaLabel, sourceLabel } from '../format.js';
import { watchPool, POLL_INTERVAL_MS } from '../live.js';
import { onLinkClick, serialsPath } from '../router.js';
import { useClient } from './context.js';
import { ProductActions } from './ProductActions.jsx';
import { RecentRequests } from './RecentRequests.jsx';

/**
 * @typedef {import('./ProductList.jsx').Product} Product
 * @typedef {import('./ProductList.jsx').Pool} Pool
 */

/**
 * @param {{product: Product, onUpdate: (patch: Partial<Product>) => void, intervalMs?: number}} props
 *   product: the row's current data (live counts and limits included)
 */
export function ProductDetail({ product, onUpdate, intervalMs = POLL_INTERVAL_MS }) {
  const client = useClient();
  const [updatedAt, setUpdatedAt] = useState(() => new Date());
  const [liveError, setLiveError] = useState('');
  const [gone, setGone] = useState(false);
  const [requests, setRequests] = useState(0);
  const watcher = useRef(/** @type {ReturnType<typeof watchPool> | null} */ (null));

  useEffect(() => {
    const stop = watchPool(
      client,
      product.code,
      {
        onData(next, threshold, fresh) {
          /** @type {Partial<Product>} */
          const patch = { pool: next, lowThreshold: threshold };
          // A poll brings the limits too; a subscription update only counts and threshold.
          if (fresh && typeof fresh.requestCap === 'number') patch.requestCap = fresh.requestCap;
          if (fresh && 'replenishTo' in fresh) patch.replenishTo = fresh.replenishTo;
          onUpdate(patch);
          setUpdatedAt(new Date());
          setLiveError('');
        },
        onError(error) {
          setLiveError(error.message);
        },
        onGone() {
          setGone(true);
        },
      },
      { intervalMs },
    );
    watcher.current = stop;
    return () => {
      stop();
      watcher.current = null;
    };
  }, [product.code, intervalMs]);

  const { pool, lowThreshold } = product;
  const titleId = `detail-title-${product.id}`;
  return (
    <div class="detail" aria-labelledby={titleId} role="group">
      <div class="detail-info">
        <h2 class="detail-title" id={titleId}>
          {product.name}
        </h2>
        <dl class="detail-list">
          <div>
            <dt>Product code</dt>
            <dd class="mono">{product.code}</dd>
          </div>
          <div>
            <dt>Product code schema</dt>
            <dd>{schemaLabel(product.codeSchema)}</dd>
          </div>
          <div>
            <dt>Owner</dt>
            <dd>{product.owner.name}</dd>
          </div>
          <div>
            <dt>Source</dt>
            <dd>{sourceLabel(product.source)}</dd>
          </div>
          <div>
            <dt>Low-pool threshold</dt>
            <dd data-testid="low-threshold">{formatCount(lowThreshold)}</dd>
          </div>
          <div>
            <dt>Total serials</dt>
            <dd>{formatCount(pool.total)}</dd>
          </div>
          {product.requestCap != null ? (
            <div>
              <dt>Cap per request</dt>
              <dd data-testid="request-cap">{formatCount(product.requestCap)}</dd>
            </div>
          ) : null}
          {product.requestCap != null ? (
            <div>
              <dt>Replenishment</dt>
              <dd data-testid="replenish-to">{product.replenishTo ? `up to ${formatCount(product.replenishTo)}` : 'Off'}</dd>
            </div>
          ) : null}
        </dl>
        {pool.low ? (
          <p class="callout callout-warning">
            Low pool: fewer than {formatCount(lowThreshold)} serials are available.
          </p>
        ) : null}
        {gone ? (
          <p class="callout callout-error">This product is no longer visible to your tenant.</p>
        ) : null}
        <div class="detail-actions">
          <a class="button button-primary" href={serialsPath(product.code)} onClick={onLinkClick}>
            Show serials
          </a>
          <p class="live-note">
            {liveError ? (
              <span class="live-error">Live update failed: {liveError} Retrying…</span>
            ) : (
              <>
                <span class="live-dot" aria-hidden="true" />
                Live · updated <time dateTime={updatedAt.toISOString()}>{formatTime(updatedAt)}</time>
              </>
            )}
          </p>
        </div>
      </div>
      <PoolDonut pool={pool} label={product.code} />
      <ProductActions
        product={product}
        onChanged={() => watcher.current?.refresh()}
        onLimits={(p) =>
          onUpdate({
            requestCap: p.requestCap,
            lowThreshold: p.lowThreshold,
            replenishTo: p.replenishTo,
            ...(p.pool ? { pool: p.pool } : {}),
          })
        }
        onRequested={() => setRequests((n) => n + 1)}
      />
      <RecentRequests code={product.code} idPrefix={domId('recent', product.id)} version={requests} />
    </div>
  );
}
