// @ts-check
/**
 * A download as a real link: its address works on its own (a new tab, a copied link) with
 * the session cookie. A plain click fetches the file here and saves it from a Blob, so that
 * it gets its name and a failure is said beside the link; a modified click is the browser's.
 */
import { useState } from 'preact/hooks';
import { isAbort } from '../api.js';
import { saveBlob } from '../files.js';
import { useClient } from './context.js';
import { DownloadIcon } from './icons.jsx';

/**
 * @param {{path: string, filename: string, children: import('preact').ComponentChildren,
 *   class?: string, onSaved?: (filename: string, blob: Blob) => void}} props
 */
export function DownloadLink({ path, filename, children, class: cls = 'button', onSaved }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  /** @param {MouseEvent} event */
  async function download(event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const { blob, filename: suggested } = await client.get(path, { as: 'blob' });
      const name = suggested || filename;
      saveBlob(blob, name);
      onSaved?.(name, blob);
    } catch (err) {
      if (!isAbort(err)) setError(/** @type {Error} */ (err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span class="download">
      <a class={cls} href={path} download={filename} onClick={download} aria-busy={busy ? 'true' : undefined}>
        <DownloadIcon />
        {children}
        {busy ? <span class="visually-hidden"> (downloading)</span> : null}
      </a>
      {/* Only while there is one: an empty alert beside every link would be one more "alert" on the page. */}
      {error ? (
        <span class="download-error" role="alert">
          Download failed: {error}
        </span>
      ) : null}
    </span>
  );
}
