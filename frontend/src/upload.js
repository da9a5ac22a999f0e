// @ts-check
/**
 * Bulk upload of a CSV file of serials: counting its rows before it is sent, and the
 * progress shown while it goes (bytes sent by XHR, rows the server has read so far from
 * the intake progress endpoint, then the stored result).
 */
import { countOf, formatCount } from './format.js';

/** How often the intake progress endpoint is asked while an upload runs. */
export const PROGRESS_POLL_MS = 500;

/**
 * Counts the data rows of a CSV text fed in chunks: non-empty lines, without a header line
 * (`serial` or `value` as the first column, as the server reads it).
 */
export function createRowCounter() {
  let rows = 0;
  let lineHasContent = false;
  let firstLine = '';
  let inFirstLine = true;
  return {
    /** @param {string} chunk */
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 10 || c === 13) {
          if (lineHasContent) rows++;
          lineHasContent = false;
          if (inFirstLine && firstLine.trim() !== '') inFirstLine = false;
        } else {
          if (inFirstLine && firstLine.length < 200) firstLine += chunk[i];
          if (c !== 32 && c !== 9) lineHasContent = true;
        }
      }
    },
    /** @returns {{rows: number, header: boolean}} */
    end() {
      const total = rows + (lineHasContent ? 1 : 0);
      const head = firstLine.trim().split(',')[0].trim().replace(/^"|"$/g, '').toLowerCase();
      const header = head === 'serial' || head === 'value';
      return { rows: Math.max(0, total - (header ? 1 : 0)), header };
    },
  };
}

/**
 * Counts the data rows of a file without holding it in memory.
 * @param {Blob} file
 * @returns {Promise<{rows: number, header: boolean}>}
 */
export async function countFileRows(file) {
  const counter = createRowCounter();
  if (typeof file.stream !== 'function') {
    counter.push(await file.text());
    return counter.end();
  }
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    counter.push(value);
  }
  return counter.end();
}

/**
 * @typedef {object} UploadState
 * @property {number} sent bytes sent so far
 * @property {number} size bytes of the file
 * @property {number | null} rows data rows of the file (null while unknown)
 * @property {number | null} rowsRead rows the server has read (intake endpoint; null while unknown)
 * @property {boolean} stored the server answered with the result
 */

/**
 * The progress bar of an upload: sending counts for up to 90 %, the rows the server has
 * read for up to 99 %, and only the stored result makes it 100 %; while the last rows are
 * committed it says how many are being stored.
 * @param {UploadState} s
 * @returns {{percent: number, phase: 'sending' | 'storing' | 'stored', label: string}}
 */
export function uploadProgress(s) {
  if (s.stored) {
    return { percent: 100, phase: 'stored', label: s.rows != null ? `Stored · ${formatCount(s.rows)} rows` : 'Stored' };
  }
  const bytes = s.size > 0 ? Math.min(1, s.sent / s.size) : 0;
  const rowsFrac = s.rows && s.rowsRead != null ? Math.min(1, s.rowsRead / s.rows) : 0;
  const percent = Math.min(99, Math.floor(Math.max(90 * bytes, 99 * rowsFrac)));
  if (bytes < 1) {
    return { percent, phase: 'sending', label: `Sending · ${formatBytes(s.sent)} of ${formatBytes(s.size)}` };
  }
  if (s.rows != null && s.rowsRead != null && s.rowsRead >= s.rows) {
    // Every row is read; the database is committing them, which takes a while for millions.
    return { percent, phase: 'storing', label: `Storing ${countOf(s.rows, 'serials')}…` };
  }
  const read =
    s.rowsRead != null
      ? ` · ${formatCount(s.rowsRead)}${s.rows != null ? ` of ${formatCount(s.rows)}` : ''} rows read`
      : '';
  return { percent, phase: 'storing', label: `Storing${read}` };
}

/** @param {number} n bytes */
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
