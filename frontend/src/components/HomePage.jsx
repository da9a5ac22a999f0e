// @ts-check
/**
 * The home dashboard: pool health across the products (empty and low pools first), days of
 * supply at the recent rate of assignment, and serials received vs assigned over the last
 * 30 days, each product a link into the product list. Counts are live like the list's.
 */
import { useEffect, useState } from 'preact/hooks';
import { DASHBOARD_ACTIVITY_QUERY, EXPORT_PAGE_SIZE, PRODUCTS_QUERY } from '../api.js';
import { readAll } from '../csv.js';
import {
  activityRanges, activitySeries, CHART_DAYS, daysOfSupplyText, poolHealth, RATE_WINDOW_DAYS, rateText,
} from '../dashboard.js';
import { formatCount, plural } from '../format.js';
import { productViewPath } from '../list-state.js';
import { POLL_INTERVAL_MS, watchPools } from '../live.js';
import { onLinkClick } from '../router.js';
import { useQuery } from '../use-query.js';
import { ActivityChart } from './ActivityChart.jsx';
import { useClient } from './context.js';
import { WarningIcon } from './icons.jsx';
import { ErrorState } from './States.jsx';

/** Products shown under pool health; the rest are a click away in the list. */
export const HEALTH_ROWS = 12;

const STATE_LABELS = { empty: 'Empty', low: 'Low', ok: 'OK' };

/** @param {{intervalMs?: number, now?: () => Date}} props */
export function HomePage({ intervalMs = POLL_INTERVAL_MS, now = () => new Date() }) {
  const client = useClient();
  const [ranges] = useState(() => activityRanges(now()));

  /** Every product, fewest Available first (the server's order; health sorts them again). */
  const readProducts = (/** @type {AbortSignal} */ signal) =>
    readAll(
      async (after) =>
        (
          await client.request(
            PRODUCTS_QUERY,
            { orderBy: { field: 'AVAILABLE', direction: 'ASC' }, first: EXPORT_PAGE_SIZE, after },
            { signal },
          )
        ).products,
    );
  const products = useQuery(readProducts, []);
  const activity = useQuery((signal) => client.request(DASHBOARD_ACTIVITY_QUERY, ranges, { signal }), []);

  // Live: the products' counts are read again each interval.
  const [live, setLive] = useState(/** @type {any[] | null} */ (null));
  useEffect(() => {
    if (!products.data) return undefined;
    return watchPools(readProducts, setLive, { intervalMs });
  }, [products.data, intervalMs]);

  const list = live ?? products.data;
  const health = list && activity.data ? poolHealth(list, activity.data.recent) : null;
  const empty = health?.filter((h) => h.state === 'empty').length ?? 0;
  const low = health?.filter((h) => h.state === 'low').length ?? 0;
  const error = products.error || activity.error;

  return (
    <section class="page" aria-labelledby="home-title">
      <h1 class="page-title" id="home-title" tabIndex={-1}>
        Home
      </h1>
      {error ? (
        <div class="card">
          <ErrorState
            error={error}
            title="The dashboard could not be loaded"
            onRetry={() => (products.reload(), activity.reload())}
          />
        </div>
      ) : null}
      {!health && !error ? (
        <div class="card state" role="status">
          <span class="spinner" aria-hidden="true" /> Loading the dashboard…
        </div>
      ) : null}
      {health && activity.data ? (
        <>
          <div class="home-tiles" data-testid="home-tiles">
            <a class="home-tile" href={productViewPath({ sort: 'available' })} onClick={onLinkClick}>
              <span class="home-tile-count">{formatCount(health.length)}</span> {health.length === 1 ? 'product' : 'products'}
            </a>
            <p class={`home-tile${empty ? ' is-alert' : ''}`} data-testid="empty-pools">
              <span class="home-tile-count">{formatCount(empty)}</span> empty {empty === 1 ? 'pool' : 'pools'}
            </p>
            <p class={`home-tile${low ? ' is-warning' : ''}`} data-testid="low-pools">
              <span class="home-tile-count">{formatCount(low)}</span> low {low === 1 ? 'pool' : 'pools'}
            </p>
          </div>

          <div class="card">
            <div class="card-head">
              <h2 class="section-title" id="health-title">
                Pool health
              </h2>
              <p class="muted">
                Empty and low pools first. Days of supply: Available ÷ the serials assigned per day over the last{' '}
                {RATE_WINDOW_DAYS} days.
              </p>
            </div>
            {health.length === 0 ? (
              <p class="empty">No products are registered for your tenant yet.</p>
            ) : (
              <table class="data-table health-table stacked" aria-labelledby="health-title">
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">Pool</th>
                    <th scope="col" class="num">
                      Available
                    </th>
                    <th scope="col" class="num">
                      Assigned lately
                    </th>
                    <th scope="col" class="num">
                      Days of supply
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {health.slice(0, HEALTH_ROWS).map((h) => (
                    <tr key={h.product.code} data-code={h.product.code} data-state={h.state}>
                      <th scope="row">
                        <a href={productViewPath({ search: h.product.code })} onClick={onLinkClick}>
                          <span class="mono">{h.product.code}</span>
                          <span class="health-name">{h.product.name}</span>
                        </a>
                      </th>
                      <td data-label="Pool">
                        <span class={`badge health-${h.state}`}>
                          {h.state === 'ok' ? null : <WarningIcon />} {STATE_LABELS[h.state]}
                        </span>
                      </td>
                      <td data-label="Available" class="num">
                        <span>
                          <span class="available-count">{formatCount(h.product.pool.available)}</span>
                          {h.state !== 'ok' ? <span class="muted"> (low below {formatCount(h.product.lowThreshold)})</span> : null}
                        </span>
                      </td>
                      <td data-label="Assigned lately" class="num">
                        {rateText(h.perDay)}
                      </td>
                      <td data-label="Days of supply" class="num days-of-supply">
                        {daysOfSupplyText(h.daysOfSupply)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {health.length > HEALTH_ROWS ? (
              <p class="card-foot">
                <a href={productViewPath({ sort: 'available' })} onClick={onLinkClick}>
                  All {plural(health.length, 'product')}, fewest available first
                </a>
              </p>
            ) : null}
          </div>

          <div class="card">
            <div class="card-head">
              <h2 class="section-title">Received vs assigned, last {CHART_DAYS} days</h2>
            </div>
            <ActivityChart series={activitySeries(activity.data.daily, ranges.chartFrom, CHART_DAYS)} />
          </div>
        </>
      ) : null}
    </section>
  );
}
