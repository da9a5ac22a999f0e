// @ts-check
/**
 * Filters by a range of days (YYYY-MM-DD, both included), as the audit trail and the pack
 * events list offer them: the browser's local days, sent to the server as a time range.
 */

/** Local midnight of a YYYY-MM-DD day, or null. @param {string | null | undefined} s */
export function localDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(y, mo, d);
  // new Date() rolls 2026-02-31 over into March: such a day is not one.
  return date.getFullYear() === y && date.getMonth() === mo && date.getDate() === d ? date : null;
}

/** The day from an address, or '' when it is not a real YYYY-MM-DD date. @param {string | null} v */
export const dayParam = (v) => (v && localDay(v) ? v : '');

/**
 * The time range of a range of days: `from` is the start of its day and `to` the start of
 * the day after (the servers' `to` is exclusive), both in UTC; an empty day is left out.
 * @param {string} from
 * @param {string} to
 * @returns {{from?: string, to?: string}}
 */
export function dayRange(from, to) {
  /** @type {{from?: string, to?: string}} */
  const range = {};
  const start = localDay(from);
  if (start) range.from = start.toISOString();
  const end = localDay(to);
  if (end) {
    end.setDate(end.getDate() + 1);
    range.to = end.toISOString();
  }
  return range;
}
