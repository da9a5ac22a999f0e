// @ts-check
/**
 * Pieces shared by the action forms: the async action hook, the error callout with the
 * refused rows of a batch (`extensions.rows`), and the success note. Errors and results
 * are announced (role=alert / role=status); the row table itself is not read out in full.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { isAbort, newIdempotencyKey } from '../api.js';
import { formatCount, plural } from '../format.js';
import { signatureError } from './SignatureDialog.jsx';

/**
 * @template T
 * @typedef {object} Action
 * @property {boolean} busy
 * @property {any} error the ApiError of the last run, or null
 * @property {T | null} result the value of the last successful run
 * @property {(fn: () => Promise<T>) => Promise<T | undefined>} run
 * @property {() => void} reset
 */

/**
 * Runs one async action at a time and keeps its busy / error / result state.
 * @template T
 * @returns {Action<T>}
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {any} */ (null));
  const [result, setResult] = useState(/** @type {T | null} */ (null));
  const running = useRef(false);
  return {
    busy,
    error,
    result,
    async run(fn) {
      if (running.current) return undefined;
      running.current = true;
      setBusy(true);
      setError(null);
      setResult(null);
      try {
        const value = await fn();
        setResult(value);
        return value;
      } catch (err) {
        if (!isAbort(err)) setError(err);
        return undefined;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    reset() {
      setError(null);
      setResult(null);
    },
  };
}

/**
 * One idempotency key per intended action: the same ask submitted again after a failure
 * (timeout, network error, UNAVAILABLE) reuses its key, so the server acts once even if the
 * first call did; a success (`succeeded()`) or a changed ask takes a new key.
 * @returns {{keyFor: (ask: unknown[]) => string, isRetry: (ask: unknown[]) => boolean, succeeded: () => void}}
 */
export function useIdempotencyKey() {
  const pending = useRef(/** @type {{ask: string, key: string} | null} */ (null));
  return {
    /** The same ask again after a failure: its key makes the server act at most once. */
    isRetry(ask) {
      return pending.current?.ask === JSON.stringify(ask);
    },
    keyFor(ask) {
      const a = JSON.stringify(ask);
      if (pending.current?.ask !== a) pending.current = { ask: a, key: newIdempotencyKey() };
      return pending.current.key;
    },
    succeeded() {
      pending.current = null;
    },
  };
}

/**
 * A ref whose element is scrolled into view when it appears, so that the outcome of an
 * action below the fold is seen (it is announced to screen readers either way).
 */
export function useReveal() {
  const ref = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return ref;
}

/**
 * The error of an action in plain words: the server's message (which names the rule
 * broken; its machine code stays out of the text), or for a refused batch what was refused,
 * then the refused rows.
 * @param {{error: {message: string, code?: string, rows?: import('../api.js').RowError[], total?: number},
 *   title?: string}} props
 */
export function ActionError({ error: raw, title }) {
  const error = signatureError(raw);
  const rows = error.rows || [];
  const total = Math.max(error.total ?? rows.length, rows.length);
  const ref = useReveal();
  return (
    <div class="action-error" data-testid="action-error" data-code={error.code || undefined} ref={ref}>
      <div class="callout callout-error" role="alert">
        {title ? <p class="callout-title">{title}</p> : null}
        <p class="callout-message">{rows.length > 0 ? refusedMessage(rows, total) : error.message}</p>
      </div>
      {rows.length > 0 ? <RowErrors rows={rows} total={total} /> : null}
    </div>
  );
}

/**
 * What a refused batch says: the one refused serial and why, or how many were refused.
 * @param {import('../api.js').RowError[]} rows
 * @param {number} total
 */
export function refusedMessage(rows, total) {
  if (total === 1) {
    const r = rows[0];
    const what = r.value === '' ? `The empty line ${formatCount(r.row)}` : `“${r.value}” (line ${formatCount(r.row)})`;
    return `${what} was refused: ${r.reason.replace(/\.$/, '')}. Nothing was changed.`;
  }
  return `${plural(total, 'line')} were refused. Nothing was changed.`;
}

/**
 * The refused rows of a batch: line, serial and reason (the rule's code is in data-code).
 * @param {{rows: import('../api.js').RowError[], total: number}} props
 */
export function RowErrors({ rows, total }) {
  return (
    <div class="row-errors">
      {total > 1 ? <p class="row-errors-summary">{rowErrorSummary(rows.length, total)}</p> : null}
      <div class="table-scroll row-errors-scroll" role="region" aria-label="Refused rows" tabIndex={0}>
        <table class="data-table row-errors-table">
          <thead>
            <tr>
              <th scope="col" class="num">
                Line
              </th>
              <th scope="col">Serial</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.row}-${i}`} data-code={r.code}>
                <td class="num">{formatCount(r.row)}</td>
                <th scope="row" class="mono serial-value">
                  {r.value === '' ? <span class="muted">(empty)</span> : r.value}
                </th>
                <td class="reason">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * "1 row was refused", "3 rows were refused", "250 rows were refused; the first 100 are listed".
 * @param {number} listed
 * @param {number} total
 */
export function rowErrorSummary(listed, total) {
  const n = Math.max(total, listed);
  const head = `${formatCount(n)} ${n === 1 ? 'row was' : 'rows were'} refused; nothing was changed.`;
  return n > listed ? `${head} The first ${formatCount(listed)} are listed.` : head;
}

/**
 * A success note, announced politely.
 * @param {{children: import('preact').ComponentChildren}} props
 */
export function SuccessNote({ children }) {
  const ref = useReveal();
  return (
    <div class="callout callout-success" role="status" data-testid="action-success" ref={ref}>
      {children}
    </div>
  );
}

/**
 * A labelled form field with hint and error wired by id.
 * @param {{id: string, label: string, hint?: import('preact').ComponentChildren, error?: string | null,
 *   children: (describedBy: string | undefined, invalid: boolean) => import('preact').ComponentChildren,
 *   class?: string}} props
 */
export function Field({ id, label, hint, error, children, class: cls }) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${cls ? ` ${cls}` : ''}`}>
      <label class="field-label" for={id}>
        {label}
      </label>
      {children(ids, !!error)}
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A field for a whole number (how many serials, a limit): typed as text so that "1,000"
 * parses (see parseCount), with the numeric keypad on phones.
 * @param {{id: string, label: string, hint?: import('preact').ComponentChildren, error?: string | null,
 *   value: string, onValue: (value: string) => void, inputRef?: import('preact').Ref<HTMLInputElement>}} props
 */
export function CountField({ id, label, hint, error, value, onValue, inputRef }) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(describedBy, bad) => (
        <input
          ref={inputRef}
          id={id}
          class="input input-count"
          inputMode="numeric"
          autocomplete="off"
          value={value}
          onInput={(e) => onValue(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
          aria-describedby={describedBy}
          aria-invalid={bad ? 'true' : undefined}
        />
      )}
    </Field>
  );
}

/**
 * The end of an action form: its submit button (with another label while the action
 * runs), a Cancel where the form is a panel that closes, then the outcome: the error of
 * the last run, or the caller's note of its result (children).
 * @param {{action: Action<any>, label: string, busyLabel: string, errorTitle: string,
 *   onCancel?: () => void, children?: import('preact').ComponentChildren}} props
 */
export function FormEnd({ action, label, busyLabel, errorTitle, onCancel, children }) {
  return (
    <>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {action.busy ? busyLabel : label}
        </button>
        {onCancel ? (
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title={errorTitle} /> : null}
        {children}
      </div>
    </>
  );
}

/** Requests and assignments of more serials than this ask to be confirmed first. */
export const CONFIRM_ABOVE = 10_000;

/**
 * A confirmation before an irreversible or large action: what is about to happen (title
 * and children), the confirming button (focused, so Enter confirms) and Back (Escape).
 * @param {{title: string, confirmLabel: string, onConfirm: () => void, onCancel: () => void,
 *   children?: import('preact').ComponentChildren}} props
 */
export function Confirm({ title, confirmLabel, onConfirm, onCancel, children }) {
  const id = useId();
  const button = useRef(/** @type {HTMLButtonElement | null} */ (null));
  useEffect(() => {
    button.current?.focus();
    button.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <div
      class="confirm-panel callout callout-warning"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      data-testid="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <p class="callout-title" id={`${id}-title`}>
        {title}
      </p>
      {children}
      <div class="form-actions">
        <button ref={button} type="button" class="button button-primary" onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          Back
        </button>
      </div>
    </div>
  );
}

