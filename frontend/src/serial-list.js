// @ts-check
/**
 * Lists of serials typed or pasted by a user (Release): one serial per line. A pasted CSV
 * export (a header naming a `serial` column, e.g. a request's serials.csv) works too: the
 * serial column is taken from each line.
 */

/** Most serials one release may take (the server's limit). */
export const MAX_RELEASE = 100_000;

/**
 * @typedef {object} SerialList
 * @property {string[]} values distinct serials in the order given
 * @property {number} duplicates lines repeating an earlier serial (dropped)
 * @property {number} blank empty lines (ignored)
 * @property {string | null} header the CSV header line that was skipped, if any
 */

/**
 * @param {string} text
 * @returns {SerialList}
 */
export function parseSerialList(text) {
  const lines = text.split(/\r\n|\n|\r/);
  /** @type {string[]} */
  const values = [];
  const seen = new Set();
  let duplicates = 0;
  let blank = 0;
  /** @type {string | null} */
  let header = null;
  let column = -1;
  let first = true;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      blank++;
      continue;
    }
    if (first) {
      first = false;
      const fields = splitCsvLine(line).map((f) => f.trim().toLowerCase());
      const at = fields.findIndex((f) => f === 'serial' || f === 'value' || f === 'serial number');
      // A lone "serial" line is a header too (the one-column export).
      if (at >= 0 && (fields.length > 1 || fields[0] === 'serial' || fields[0] === 'serial number')) {
        header = raw;
        column = at;
        continue;
      }
    }
    const value = column >= 0 ? (splitCsvLine(line)[column] ?? '').trim() : line;
    if (!value) {
      blank++;
      continue;
    }
    if (seen.has(value)) {
      duplicates++;
      continue;
    }
    seen.add(value);
    values.push(value);
  }
  // The final newline of a pasted list is not a blank line worth mentioning.
  if (lines.length > 0 && lines[lines.length - 1].trim() === '') blank--;
  return { values, duplicates, blank: Math.max(0, blank), header };
}

/**
 * Splits one CSV line into fields (RFC 4180 quotes: "a,b" and "" inside quotes).
 * @param {string} line
 * @returns {string[]}
 */
export function splitCsvLine(line) {
  /** @type {string[]} */
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

/**
 * "3 serials", "3 serials · 1 duplicate dropped · header skipped".
 * @param {SerialList} list
 */
export function describeSerialList(list) {
  const n = list.values.length;
  const parts = [`${new Intl.NumberFormat('en-US').format(n)} ${n === 1 ? 'serial' : 'serials'}`];
  if (list.duplicates) parts.push(`${list.duplicates} ${list.duplicates === 1 ? 'duplicate' : 'duplicates'} dropped`);
  if (list.header) parts.push('CSV header skipped');
  return parts.join(' · ');
}
