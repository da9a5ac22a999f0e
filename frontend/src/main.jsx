// @ts-check
import { render } from 'preact';
import { App } from './components/App.jsx';
import { REAUTH_FAILED, REAUTH_MESSAGE } from './components/SignatureDialog.jsx';
import './styles.css';

/**
 * The window a signature opened to sign in again at the provider comes back here: it
 * tells the app that opened it how that went, and closes.
 * @returns {boolean} whether this window was such a one
 */
function reportReauthentication() {
  const q = new URLSearchParams(window.location.search);
  const opener = window.opener;
  if (!opener || (!q.has('reauthenticated') && !q.has('sso_error'))) return false;
  const message = q.has('reauthenticated')
    ? { type: REAUTH_MESSAGE }
    : { type: REAUTH_FAILED, code: q.get('sso_error'), reason: q.get('sso_reason') };
  opener.postMessage(message, window.location.origin);
  window.close();
  return true;
}

if (!reportReauthentication()) render(<App />, /** @type {HTMLElement} */ (document.getElementById('app')));
