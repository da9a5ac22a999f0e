// @ts-check
/** Marks every case-insensitive occurrence of the search text inside a value. */

/**
 * Splits `text` into parts, flagging those that match `query` (case-insensitive, all
 * occurrences, no regular-expression semantics).
 * @param {string} text
 * @param {string} query
 * @returns {{text: string, match: boolean}[]}
 */
export function splitMatches(text, query) {
  const q = (query || '').trim();
  if (!q || !text) return [{ text: text || '', match: false }];
  const haystack = text.toLocaleLowerCase('en-US');
  const needle = q.toLocaleLowerCase('en-US');
  // Lower-casing must not change lengths, or offsets would drift; fall back to no marks.
  if (haystack.length !== text.length) return [{ text, match: false }];
  /** @type {{text: string, match: boolean}[]} */
  const parts = [];
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) break;
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts.length ? parts : [{ text, match: false }];
}

/**
 * @param {{text: string, query: string}} props
 */
export function Highlight({ text, query }) {
  const parts = splitMatches(text, query);
  return (
    <>
      {parts.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
    </>
  );
}
