// @ts-check
/**
 * A CSV export the web app writes itself: reads every page of a list (saying how far it
 * got), then saves the file, named by what it holds and the UTC day.
 */
import { useState } from 'preact/hooks';
import { csvFilename } from '../csv.js';
import { saveBlob } from '../files.js';
import { formatCount } from '../format.js';
import { DownloadIcon } from './icons.jsx';

/**
 * @param {{label: string, noun: string, name: string, read: (onProgress: (n: number) => void) => Promise<string>}} props
 *   noun: the plural noun of the rows ("products"); name: the file's, before its date;
 *   read: the CSV text, reporting how many rows it has read so far
 */
export function ExportButton({ label, noun, name: fileName, read }) {
  const [state, setState] = useState(
    /** @type {{status: 'idle'} | {status: 'reading', n: number} | {status: 'saved', name: string} | {status: 'failed', message: string}} */ ({
      status: 'idle',
    }),
  );

  async function run() {
    setState({ status: 'reading', n: 0 });
    try {
      const text = await read((n) => setState({ status: 'reading', n }));
      const name = csvFilename(fileName);
      saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), name);
      setState({ status: 'saved', name });
    } catch (err) {
      setState({ status: 'failed', message: /** @type {Error} */ (err).message });
    }
  }

  return (
    <span class="export">
      <button type="button" class="button" onClick={run} disabled={state.status === 'reading'} data-testid={`export-${noun}`}>
        <DownloadIcon />
        {label}
      </button>
      <span class="export-status" role="status">
        {state.status === 'reading' ? `Reading ${noun}… ${formatCount(state.n)} so far` : null}
        {state.status === 'saved' ? `Saved ${state.name} (dated in UTC)` : null}
      </span>
      {state.status === 'failed' ? (
        <span class="download-error" role="alert">
          Export failed: {state.message}
        </span>
      ) : null}
    </span>
  );
}
