// @ts-check
/**
 * CSV files the web app writes itself (the product list, a filtered serials table): RFC 4180
 * quoting, CRLF line ends, every page of a list read before the file is saved.
 */
import { utcDate } from './format.js';

/**
 * One cell. Text that a spreadsheet would run as a formula (=, +, -, an at sign, a tab or a carriage
 * return first: serials of GS1 set 82 may begin with + or -) gets a leading single quote,
 * as the server's CSV exports do (pool.CSVWriter, after OWASP's advice on CSV injection).
 * @param {unknown} v
 */
function field(v) {
  let s = v == null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * @param {string[]} header
 * @param {unknown[][]} rows
 */
export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/**
 * "products-2026-12-02.csv": a file named by what it holds and the UTC day it was made
 * (exports are in UTC, and say so in their times).
 * @param {string} what
 * @param {Date} [now]
 */
export function csvFilename(what, now = new Date()) {
  return `${what}-${utcDate(now)}.csv`;
}

/**
 * Reads every page of a Relay connection, in order.
 * @template N
 * @param {(after: string | null) => Promise<{edges: {node: N}[], pageInfo: {hasNextPage: boolean, endCursor: string | null}}>} readPage
 * @param {(read: number) => void} [onProgress] called after each page with how many were read
 * @returns {Promise<N[]>}
 */
export async function readAll(readPage, onProgress) {
  /** @type {N[]} */
  const all = [];
  let after = /** @type {string | null} */ (null);
  for (;;) {
    const conn = await readPage(after);
    for (const e of conn.edges) all.push(e.node);
    onProgress?.(all.length);
    if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) return all;
    after = conn.pageInfo.endCursor;
  }
}
