// @ts-check
/** Display helpers shared by the pages. The UI is in English, so numbers use en-US grouping. */

const numberFormat = new Intl.NumberFormat('en-US');

/** @param {number | null | undefined} n */
export function formatCount(n) {
  return n == null ? '—' : numberFormat.format(n);
}

/** @param {number} part @param {number} whole */
export function formatPercent(part, whole) {
  if (!whole) return '0%';
  const p = (part / whole) * 100;
  if (p > 0 && p < 1) return '<1%';
  if (p < 100 && p > 99) return '>99%';
  return `${Math.round(p)}%`;
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/**
 * An RFC 3339 time as "YYYY-MM-DD HH:MM:SS" in the browser's time zone (unambiguous on a
 * shop floor, whatever the locale).
 * @param {string | null | undefined} iso
 */
export function formatDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** Labels of the SerialSource enum. */
export const SOURCE_LABELS = Object.freeze({
  SNM: 'SNM',
  SAP_ATTP: 'SAP ATTP',
  SAP_ICH: 'SAP ICH',
  TRACELINK: 'TraceLink',
  EXTERNAL: 'External (Manufacturer API)',
  PARTNER: 'Partner tenant',
});

/** @param {string} source */
export function sourceLabel(source) {
  return /** @type {Record<string, string>} */ (SOURCE_LABELS)[source] || source;
}

/** Labels of the ProductCodeSchema enum. */
export const SCHEMA_LABELS = Object.freeze({
  GTIN: 'GTIN',
  NTIN: 'NTIN',
  PPN: 'PPN',
  NDC: 'NDC',
});

/** @param {string} schema */
export function schemaLabel(schema) {
  return /** @type {Record<string, string>} */ (SCHEMA_LABELS)[schema] || schema;
}

/** @param {string} role */
export function roleLabel(role) {
  return { VIEWER: 'Viewer', OPERATOR: 'Operator', ADMIN: 'Admin' }[role] || role;
}

/** @param {string} status */
export function statusLabel(status) {
  return { AVAILABLE: 'Available', ASSIGNED: 'Assigned' }[status] || status;
}
