// @ts-check
/**
 * Upload a CSV file of serials into a product's pool (bulk endpoint, streamed, all or
 * nothing). The bar shows bytes sent (XHR upload progress), then rows the server has read
 * (intake progress endpoint, by the upload's idempotency key), then the stored result.
 * The key stays with the file until it is stored, so trying again never stores twice.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { intakePath, isAbort, uploadPath } from '../api.js';
import { newIdempotencyKey } from '../files.js';
import { formatCount, sourceLabel } from '../format.js';
import { uploadSourcesFor } from '../roles.js';
import { countFileRows, formatBytes, PROGRESS_POLL_MS, uploadProgress } from '../upload.js';
import { useClient } from './context.js';
import { ActionError, SuccessNote, useReveal } from './Forms.jsx';
import { UploadIcon } from './icons.jsx';

/**
 * @typedef {{batchId: string | null, productCode: string, source: string, accepted: number,
 *   duplicates: number, replayed: boolean}} IntakeResult
 * @typedef {import('../upload.js').UploadState} UploadState
 */

/**
 * @param {{product: {code: string, source: string}, idPrefix: string,
 *   onDone?: (result: IntakeResult) => void, pollMs?: number}} props
 */
export function UploadForm({ product, idPrefix, onDone, pollMs = PROGRESS_POLL_MS }) {
  const client = useClient();
  const sources = uploadSourcesFor(product.source);
  const [source, setSource] = useState(sources[0]);
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [rows, setRows] = useState(/** @type {number | null} */ (null));
  const [header, setHeader] = useState(false);
  const [invalid, setInvalid] = useState('');
  const [state, setState] = useState(/** @type {UploadState | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {any} */ (null));
  const [result, setResult] = useState(/** @type {IntakeResult | null} */ (null));
  const keyRef = useRef(/** @type {string | null} */ (null));
  const abortRef = useRef(/** @type {AbortController | null} */ (null));
  const maxPercent = useRef(0);
  const fileRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  useEffect(() => () => abortRef.current?.abort(), []);

  /** @param {Event} event */
  async function choose(event) {
    const input = /** @type {HTMLInputElement} */ (event.currentTarget);
    const f = input.files?.[0] || null;
    setFile(f);
    setRows(null);
    setHeader(false);
    setInvalid('');
    setError(null);
    setResult(null);
    setState(null);
    keyRef.current = null; // a new file is a new delivery
    if (!f) return;
    try {
      const counted = await countFileRows(f);
      setRows(counted.rows);
      setHeader(counted.header);
    } catch {
      setRows(null);
    }
  }

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    setError(null); // a message belongs to the last action
    setResult(null);
    if (!file) {
      setInvalid('Choose a CSV file of serials.');
      fileRef.current?.focus();
      return;
    }
    if (rows === 0) {
      setInvalid('The file has no serials.');
      fileRef.current?.focus();
      return;
    }
    setInvalid('');
    setBusy(true);
    maxPercent.current = 0;
    const key = (keyRef.current ||= newIdempotencyKey());
    const controller = new AbortController();
    abortRef.current = controller;
    /** @type {UploadState} */
    let s = { sent: 0, size: file.size, rows, rowsRead: null, stored: false };
    const update = (/** @type {Partial<UploadState>} */ patch) => {
      s = { ...s, ...patch };
      setState(s);
    };
    update({});

    // Rows read so far, while the body streams in (unknown until the server has started).
    let polling = true;
    const poll = async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, pollMs));
        if (!polling) break;
        try {
          const p = await client.get(intakePath(key), { signal: controller.signal, silentAuth: true });
          if (polling && typeof p?.rowsRead === 'number') update({ rowsRead: p.rowsRead });
        } catch {
          /* not started yet, or gone: the upload's own answer decides */
        }
      }
    };
    poll();

    try {
      const res = await client.upload(uploadPath(product.code, source), file, {
        headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': key },
        signal: controller.signal,
        onProgress: (loaded, total) => update({ sent: loaded, size: total || s.size }),
      });
      polling = false;
      update({ sent: s.size, stored: true, rowsRead: res.accepted ?? s.rowsRead, rows: res.accepted ?? s.rows });
      setResult(res);
      keyRef.current = null; // stored: the next upload is a new delivery
      onDone?.(res);
    } catch (err) {
      polling = false;
      if (isAbort(err)) {
        setState(null);
        setError({ message: 'The upload was cancelled; nothing was stored.', code: '' });
      } else {
        setError(err);
        // A rejected batch is final (its bar goes; the error says why); a lost connection
        // keeps the bar where it stopped and may be retried with the same key.
        if (/** @type {any} */ (err).code !== 'NETWORK') {
          keyRef.current = null;
          setState(null);
        }
      }
    } finally {
      polling = false;
      abortRef.current = null;
      setBusy(false);
    }
  }

  const progress = state ? uploadProgress(state) : null;
  if (progress) {
    progress.percent = Math.max(maxPercent.current, progress.percent);
    maxPercent.current = progress.percent;
  }
  const fileId = `${idPrefix}-file`;
  const sourceId = `${idPrefix}-source`;
  const failed = !!error && !busy;

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        <div class="field field-grow">
          <label class="field-label" for={fileId}>
            CSV file of serials
          </label>
          <input
            ref={fileRef}
            id={fileId}
            class="input input-file"
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            onChange={choose}
            disabled={busy}
            aria-describedby={`${fileId}-hint${invalid ? ` ${fileId}-error` : ''}`}
            aria-invalid={invalid ? 'true' : undefined}
          />
          <p class="field-hint" id={`${fileId}-hint`}>
            {file ? (
              <span data-testid="upload-file-info">
                {file.name} · {formatBytes(file.size)}
                {rows != null ? ` · ${formatCount(rows)} ${rows === 1 ? 'serial' : 'serials'}` : ''}
                {header ? ' (header skipped)' : ''}
              </span>
            ) : (
              <>
                One serial per line, or a header <code>serial</code> (TraceLink: <code>serial,91,92</code>).
              </>
            )}
          </p>
          {invalid ? (
            <p class="field-error" id={`${fileId}-error`}>
              {invalid}
            </p>
          ) : null}
        </div>
        <div class="field">
          <label class="field-label" for={sourceId}>
            Source
          </label>
          <select
            id={sourceId}
            class="input select"
            value={source}
            onChange={(e) => setSource(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
            disabled={busy}
            aria-describedby={`${sourceId}-hint`}
          >
            {sources.map((s) => (
              <option key={s} value={s}>
                {sourceLabel(s)}
              </option>
            ))}
          </select>
          <p class="field-hint" id={`${sourceId}-hint`}>
            {source === 'EXTERNAL' ? 'Already used elsewhere: they arrive Assigned.' : 'They arrive Available.'}
          </p>
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          <UploadIcon />
          {busy ? 'Uploading…' : 'Upload'}
        </button>
        {busy ? (
          <button type="button" class="button" onClick={() => abortRef.current?.abort()}>
            Cancel
          </button>
        ) : null}
      </div>
      {progress ? <ProgressBar percent={progress.percent} phase={progress.phase} label={failed ? 'Stopped' : progress.label} failed={failed} /> : null}
      <div class="form-feedback">
        {error && !busy ? <ActionError error={error} title="Nothing was stored" /> : null}
        {result ? (
          <SuccessNote>
            {result.replayed ? 'Already stored earlier: ' : 'Stored '}
            <strong>{formatCount(result.accepted)}</strong> {result.accepted === 1 ? 'serial' : 'serials'} from{' '}
            {sourceLabel(result.source)}
            {result.batchId ? (
              <>
                {' '}
                (batch <span class="mono">{result.batchId}</span>)
              </>
            ) : null}
            ; {result.source === 'EXTERNAL' ? 'they are Assigned.' : 'they are Available.'}
          </SuccessNote>
        ) : null}
      </div>
    </form>
  );
}

/**
 * The upload's progress bar with its text (percent and phase), announced as a progressbar.
 * @param {{percent: number, phase: string, label: string, failed: boolean}} props
 */
export function ProgressBar({ percent, phase, label, failed }) {
  const ref = useReveal();
  return (
    <div class={`upload-progress${failed ? ' is-failed' : ''}`} data-phase={phase} ref={ref}>
      <div
        class="progress"
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% · ${label}`}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p class="progress-label" data-testid="upload-progress-label">
        <span class="progress-percent">{percent}%</span> · {label}
      </p>
    </div>
  );
}
