// @ts-check
/**
 * The API key of the browser session. It lives in sessionStorage only: it is gone when the
 * browser session ends and is never written to localStorage or a cookie.
 */

const STORAGE_KEY = 'serialpool.apiKey';

/** @returns {Storage | null} */
function storage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled by the browser
  }
}

/** @returns {string | null} */
export function loadKey() {
  return storage()?.getItem(STORAGE_KEY) || null;
}

/** @param {string} key */
export function saveKey(key) {
  storage()?.setItem(STORAGE_KEY, key);
}

export function clearKey() {
  storage()?.removeItem(STORAGE_KEY);
}
