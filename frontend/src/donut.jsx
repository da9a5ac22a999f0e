// @ts-check
/**
 * The pool donut: Available vs Assigned serials of one product. This is the one place the
 * chart is drawn (Chart.js, tree-shaken to the doughnut parts). The tooltip is HTML (so it
 * is styled like the app and can be tested), and the counts are also written out as a
 * legend, which is what screen readers read; the canvas itself is hidden from them.
 */
import { ArcElement, Chart, DoughnutController, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { formatCompact, formatCount, formatPercent } from './format.js';

Chart.register(DoughnutController, ArcElement, Tooltip);

/** Segment colours (≥ 3:1 against white and against each other's neighbour). */
export const DONUT_COLORS = Object.freeze({
  AVAILABLE: '#1b8a5a',
  ASSIGNED: '#3457a6',
  EMPTY: '#d9dee7',
});

/**
 * @typedef {{available: number, assigned: number, total: number, low?: boolean}} Pool
 * @typedef {{status: 'AVAILABLE' | 'ASSIGNED', label: string, count: number,
 *   percent: string, color: string}} LegendItem
 */

/**
 * The legend rows, in chart order.
 * @param {Pool} pool
 * @returns {LegendItem[]}
 */
export function donutLegend(pool) {
  const total = pool.available + pool.assigned;
  return [
    {
      status: 'AVAILABLE',
      label: 'Available',
      count: pool.available,
      percent: formatPercent(pool.available, total),
      color: DONUT_COLORS.AVAILABLE,
    },
    {
      status: 'ASSIGNED',
      label: 'Assigned',
      count: pool.assigned,
      percent: formatPercent(pool.assigned, total),
      color: DONUT_COLORS.ASSIGNED,
    },
  ];
}

/** Text of the hover tooltip, e.g. "Available: 12,345". @param {string} label @param {number} count */
export function tooltipText(label, count) {
  return `${label}: ${formatCount(count)}`;
}

/** @param {Pool} pool */
function chartData(pool) {
  const empty = pool.available + pool.assigned === 0;
  // A third, grey segment draws an empty ring when the pool has no serials at all.
  return [pool.available, pool.assigned, empty ? 1 : 0];
}

/**
 * Draws the donut into `canvas` and shows the hover tooltip in `tooltipEl`.
 * Returns a handle to update the counts in place (live refresh) and to destroy the chart.
 * Without a 2D context (e.g. a DOM emulator) nothing is drawn and the handle is inert.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLElement} tooltipEl
 * @param {Pool} pool
 */
export function drawDonut(canvas, tooltipEl, pool) {
  let ctx = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    ctx = null;
  }
  if (!ctx) return { update: (/** @type {Pool} */ _p) => {}, destroy: () => {} };

  const reduceMotion =
    typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

  const chart = new Chart(ctx, {
    type: 'doughnut',
    data: {
      labels: ['Available', 'Assigned', ''],
      datasets: [
        {
          data: chartData(pool),
          backgroundColor: [DONUT_COLORS.AVAILABLE, DONUT_COLORS.ASSIGNED, DONUT_COLORS.EMPTY],
          hoverBackgroundColor: [DONUT_COLORS.AVAILABLE, DONUT_COLORS.ASSIGNED, DONUT_COLORS.EMPTY],
          borderColor: '#ffffff',
          borderWidth: 2,
          hoverOffset: 6,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      cutout: '62%',
      layout: { padding: 8 },
      animation: reduceMotion ? false : { duration: 400 },
      events: ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'],
      plugins: {
        legend: { display: false },
        tooltip: {
          enabled: false,
          filter: (item) => item.dataIndex < 2,
          external: ({ chart: c, tooltip }) => showTooltip(c, tooltip, tooltipEl),
        },
      },
    },
  });

  return {
    /** @param {Pool} next */
    update(next) {
      chart.data.datasets[0].data = chartData(next);
      chart.update();
    },
    destroy() {
      chart.destroy();
      tooltipEl.hidden = true;
    },
  };
}

/**
 * @param {Chart} chart
 * @param {import('chart.js').TooltipModel<'doughnut'>} tooltip
 * @param {HTMLElement} el
 */
function showTooltip(chart, tooltip, el) {
  const point = tooltip.dataPoints?.[0];
  if (tooltip.opacity === 0 || !point) {
    el.hidden = true;
    return;
  }
  const status = point.dataIndex === 0 ? 'AVAILABLE' : 'ASSIGNED';
  el.dataset.status = status;
  el.textContent = tooltipText(String(point.label), Number(point.raw));
  el.style.setProperty('--swatch', status === 'AVAILABLE' ? DONUT_COLORS.AVAILABLE : DONUT_COLORS.ASSIGNED);
  el.hidden = false;
  // Position relative to the canvas wrapper (the tooltip's offset parent).
  const canvas = chart.canvas;
  el.style.left = `${canvas.offsetLeft + tooltip.caretX}px`;
  el.style.top = `${canvas.offsetTop + tooltip.caretY}px`;
}

/**
 * The donut with its legend.
 * @param {{pool: Pool, label: string, kind?: string, noun?: string}} props label names the
 *   product, e.g. its code; kind names the pool ("Serial number pool", "SSCC pool"); noun
 *   is what it counts ("serials", "SSCCs")
 */
export function PoolDonut({ pool, label, kind = 'Serial number pool', noun = 'serials' }) {
  const canvasRef = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const tooltipRef = useRef(/** @type {HTMLDivElement | null} */ (null));
  const chartRef = useRef(/** @type {ReturnType<typeof drawDonut> | null} */ (null));
  const firstPool = useRef(pool);

  useEffect(() => {
    if (!canvasRef.current || !tooltipRef.current) return undefined;
    const handle = drawDonut(canvasRef.current, tooltipRef.current, firstPool.current);
    chartRef.current = handle;
    return () => {
      handle.destroy();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.update(pool);
  }, [pool.available, pool.assigned]);

  const items = donutLegend(pool);
  const total = pool.available + pool.assigned;
  return (
    <figure class="donut" aria-label={`${kind} of ${label}`}>
      <div class="donut-chart">
        <canvas ref={canvasRef} aria-hidden="true" />
        <div class="donut-center" aria-hidden="true">
          {/* Compact ("1.04M") so that any pool up to billions fits the ring; exact in the title and legend. */}
          <span class="donut-total" title={`${formatCount(total)} ${noun}`} data-exact={total}>
            {formatCompact(total)}
          </span>
          <span class="donut-total-label">total</span>
        </div>
        <div ref={tooltipRef} class="donut-tooltip" aria-hidden="true" hidden />
      </div>
      <figcaption>
        <ul class="donut-legend">
          {items.map((item) => (
            <li key={item.status} data-status={item.status}>
              <span class="swatch" style={{ background: item.color }} aria-hidden="true" />
              <span class="legend-label">
                {item.label}:
              </span>{' '}
              <span class="legend-count">
                {formatCount(item.count)}
                <span class="visually-hidden">{` ${noun}`}</span>
              </span>{' '}
              <span class="legend-percent">({item.percent})</span>
            </li>
          ))}
          <li class="legend-total" data-status="TOTAL">
            <span class="swatch swatch-none" aria-hidden="true" />
            <span class="legend-label">
              Total:
            </span>{' '}
            <span class="legend-count">
              {formatCount(total)}
              <span class="visually-hidden">{` ${noun}`}</span>
            </span>
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
