// @ts-check

/** Search input debounce: the server is asked only once typing pauses this long. */
export const SEARCH_DEBOUNCE_MS = 250;

/**
 * Wraps `fn` so that it runs once calls have stopped for `delayMs`, with the last
 * arguments. `cancel()` drops a pending call; `flush()` runs it now.
 * @template {unknown[]} A
 * @param {(...args: A) => void} fn
 * @param {number} [delayMs]
 */
export function debounce(fn, delayMs = SEARCH_DEBOUNCE_MS) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {A | undefined} */
  let pending;
  /** @param {A} args */
  const debounced = (...args) => {
    pending = args;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const a = /** @type {A} */ (pending);
      pending = undefined;
      fn(...a);
    }, delayMs);
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    pending = undefined;
  };
  debounced.flush = () => {
    clearTimeout(timer);
    if (pending) {
      const a = pending;
      pending = undefined;
      fn(...a);
    }
  };
  return debounced;
}
