// @ts-check
/**
 * The home dashboard's figures: pool health across products (empty and low pools first),
 * days of supply at the recent rate of assignment, and serials received vs assigned per
 * day, from `poolActivity` (audit-trail buckets, UTC days).
 */
import { formatCount } from './format.js';

/** The window the rate of assignment is taken over. */
export const RATE_WINDOW_DAYS = 7;
/** The days the chart of received vs assigned covers (today included). */
export const CHART_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Kinds of activity that bring serials into a pool, and that hand them out. */
const RECEIVING = new Set(['RECEIVED', 'GENERATED']);
const ASSIGNING = new Set(['ASSIGNED', 'ASSIGNED_TO_PARTNER']);

/**
 * The ranges the dashboard asks poolActivity for, as of `now`: the rate window (the last
 * 7 × 24 hours) and the chart's (from the UTC midnight CHART_DAYS - 1 days ago).
 * @param {Date} now
 */
export function activityRanges(now) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    to: now.toISOString(),
    rateFrom: new Date(now.getTime() - RATE_WINDOW_DAYS * DAY_MS).toISOString(),
    chartFrom: new Date(today - (CHART_DAYS - 1) * DAY_MS).toISOString(),
  };
}

/**
 * @typedef {{code: string, name: string, lowThreshold: number, replenishTo?: number | null,
 *   pool: {available: number, assigned: number, total: number, low: boolean}}} HealthProduct
 * @typedef {{kind: string, count: number, product?: {code: string} | null, bucket?: string}} ActivityRow
 * @typedef {'empty' | 'low' | 'ok'} PoolState
 * @typedef {{product: HealthProduct, state: PoolState, perDay: number, daysOfSupply: number | null}} PoolHealth
 */

/** @type {Record<PoolState, number>} */
const STATE_RANK = { empty: 0, low: 1, ok: 2 };

/**
 * Each product's pool health, the ones that need attention first: empty pools, then low
 * ones (below the product's low threshold), then by days of supply (fewest first; pools
 * nobody used lately last), then the most used, then by code. An empty pool has none.
 * @param {HealthProduct[]} products
 * @param {ActivityRow[]} recent poolActivity over the rate window, grouped by KIND and PRODUCT
 * @returns {PoolHealth[]}
 */
export function poolHealth(products, recent) {
  /** @type {Map<string, number>} */
  const assigned = new Map();
  for (const row of recent) {
    if (!row.product || !ASSIGNING.has(row.kind)) continue;
    assigned.set(row.product.code, (assigned.get(row.product.code) || 0) + row.count);
  }
  return products
    .map((product) => {
      const perDay = (assigned.get(product.code) || 0) / RATE_WINDOW_DAYS;
      /** @type {PoolState} */
      const state = product.pool.available === 0 ? 'empty' : product.pool.low ? 'low' : 'ok';
      const days = state === 'empty' ? 0 : perDay > 0 ? product.pool.available / perDay : null;
      return { product, state, perDay, daysOfSupply: days };
    })
    .sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        (a.daysOfSupply ?? Infinity) - (b.daysOfSupply ?? Infinity) ||
        b.perDay - a.perDay ||
        (a.product.code < b.product.code ? -1 : a.product.code > b.product.code ? 1 : 0),
    );
}

/**
 * Days of supply in words: "no recent use", "none left", "less than a day", "1 day", "12 days".
 * @param {number | null} days
 */
export function daysOfSupplyText(days) {
  if (days == null) return 'no recent use';
  if (days === 0) return 'none left';
  if (days < 1) return 'less than a day';
  const n = Math.floor(days);
  return `${formatCount(n)} ${n === 1 ? 'day' : 'days'}`;
}

/**
 * The rate of assignment in words: "12 a day", "0.4 a day", "none".
 * @param {number} perDay
 */
export function rateText(perDay) {
  if (perDay === 0) return 'none';
  return `${perDay >= 10 ? formatCount(Math.round(perDay)) : String(Math.round(perDay * 10) / 10)} a day`;
}

/**
 * Serials received (received or generated) and assigned (to orders, lines or partners) per
 * UTC day from `from`, every day present (zero when nothing happened).
 * @param {ActivityRow[]} rows poolActivity by DAY, grouped by KIND
 * @param {string} from RFC 3339, a UTC midnight
 * @param {number} days
 * @returns {{day: string, received: number, assigned: number}[]}
 */
export function activitySeries(rows, from, days) {
  const start = new Date(from).getTime();
  const series = Array.from({ length: days }, (_, i) => ({
    day: new Date(start + i * DAY_MS).toISOString().slice(0, 10),
    received: 0,
    assigned: 0,
  }));
  const at = new Map(series.map((d, i) => [d.day, i]));
  for (const row of rows) {
    const i = at.get(new Date(/** @type {string} */ (row.bucket)).toISOString().slice(0, 10));
    if (i === undefined) continue;
    if (RECEIVING.has(row.kind)) series[i].received += row.count;
    else if (ASSIGNING.has(row.kind)) series[i].assigned += row.count;
  }
  return series;
}

/**
 * A round top for a chart's axis: 1, 2 or 5 times a power of ten, at least n (1 for nothing).
 * @param {number} n
 */
export function niceMax(n) {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n) ?? 10 * p;
}
