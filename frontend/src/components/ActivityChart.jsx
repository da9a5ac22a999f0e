// @ts-check
/**
 * Serials received vs assigned per UTC day: an SVG bar chart that names itself and sums
 * itself up for screen readers, each bar with its numbers as a tooltip, and the same
 * figures as a table beneath.
 */
import { formatCompact, formatCount } from '../format.js';
import { niceMax } from '../dashboard.js';

const W = 720;
const H = 240;
const LEFT = 52;
const BOTTOM = 26;
const TOP = 24;

/** "Dec 2" of a YYYY-MM-DD day (UTC). @param {string} day */
const shortDay = (day) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * @param {{series: {day: string, received: number, assigned: number}[]}} props
 */
export function ActivityChart({ series }) {
  const received = series.reduce((s, d) => s + d.received, 0);
  const assigned = series.reduce((s, d) => s + d.assigned, 0);
  const top = niceMax(Math.max(0, ...series.map((d) => Math.max(d.received, d.assigned))));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT) / Math.max(1, series.length);
  const bar = Math.max(1, slot * 0.38);
  const y = (/** @type {number} */ n) => TOP + plotH - (n / top) * plotH;
  const first = series[0]?.day;
  const last = series.at(-1)?.day;
  const summary =
    `From ${first ? shortDay(first) : ''} to ${last ? shortDay(last) : ''} (UTC days): ` +
    `${formatCount(received)} ${received === 1 ? 'serial' : 'serials'} received, ${formatCount(assigned)} assigned.`;

  return (
    <figure class="activity-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="activity-title activity-desc">
        <title id="activity-title">Serials received and assigned per day</title>
        <desc id="activity-desc">{summary}</desc>
        {[0, 0.5, 1].map((f) => (
          <g key={f} class="axis">
            <line x1={LEFT} x2={W} y1={y(top * f)} y2={y(top * f)} />
            <text x={LEFT - 6} y={y(top * f) + 4} text-anchor="end">
              {formatCompact(top * f)}
            </text>
          </g>
        ))}
        {series.map((d, i) => {
          const x = LEFT + i * slot + (slot - 2 * bar) / 2;
          return (
            <g key={d.day} class="day" data-day={d.day}>
              <title>{`${shortDay(d.day)}: ${formatCount(d.received)} received, ${formatCount(d.assigned)} assigned`}</title>
              <rect class="bar-received" x={x} y={y(d.received)} width={bar} height={Math.max(0, y(0) - y(d.received))} />
              <rect class="bar-assigned" x={x + bar} y={y(d.assigned)} width={bar} height={Math.max(0, y(0) - y(d.assigned))} />
              {(series.length - 1 - i) % 7 === 0 ? (
                <text
                  class="axis-day"
                  x={i === series.length - 1 ? W : LEFT + i * slot + slot / 2}
                  y={H - 8}
                  text-anchor={i === series.length - 1 ? 'end' : 'middle'}
                >
                  {shortDay(d.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="chart-legend">
          <li>
            <span class="swatch swatch-received" aria-hidden="true" /> Received or generated: {formatCount(received)}
          </li>
          <li>
            <span class="swatch swatch-assigned" aria-hidden="true" /> Assigned (orders, lines, partners): {formatCount(assigned)}
          </li>
        </ul>
        <details class="chart-table">
          <summary>Show the figures as a table</summary>
          <table class="data-table">
            <caption class="visually-hidden">Serials received and assigned per UTC day</caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" class="num">
                  Received
                </th>
                <th scope="col" class="num">
                  Assigned
                </th>
              </tr>
            </thead>
            <tbody>
              {series.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td class="num">{formatCount(d.received)}</td>
                  <td class="num">{formatCount(d.assigned)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
