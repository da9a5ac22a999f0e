// @ts-check
/** Generate new serials for an SNM product (or SSCCs for an SSCC pool). */
import { useRef, useState } from 'preact/hooks';
import { GENERATE_SERIALS } from '../api.js';
import { formatCount, parseCount } from '../format.js';
import { useClient } from './context.js';
import { CountField, FormEnd, SuccessNote, useAction } from './Forms.jsx';

/** Most serials one generation may make (the server's limit). */
export const MAX_GENERATE = 1_000_000;

const MODES = /** @type {const} */ ({
  RANDOM: { label: 'Random', hint: 'Cryptographically random: EU FMD compliant (guessing odds below 1 in 10,000).' },
  SEQUENTIAL: { label: 'Sequential', hint: 'Continues from the highest number: leaks production volumes, not for EU FMD.' },
});

/**
 * @typedef {{batchId: string | null, productCode: string, source: string, accepted: number,
 *   duplicates: number, replayed: boolean}} IntakeResult
 */

/**
 * @param {{code: string, idPrefix: string, onDone?: (result: IntakeResult) => void,
 *   modes?: ('RANDOM' | 'SEQUENTIAL')[], noun?: string}} props
 */
export function GenerateForm({ code, idPrefix, onDone, modes = ['RANDOM', 'SEQUENTIAL'], noun = 'serials' }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<IntakeResult>} */ (useAction());
  const [count, setCount] = useState('');
  const [mode, setMode] = useState(modes[0]);
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  const countRef = useRef(/** @type {HTMLInputElement | null} */ (null));

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    action.reset(); // a message belongs to the last action
    const parsed = parseCount(count, { min: 1, max: MAX_GENERATE, name: `the number of ${noun}` });
    setInvalid(parsed.error);
    if (parsed.value == null) {
      countRef.current?.focus();
      return;
    }
    const n = parsed.value;
    const result = await action.run(async () => {
      const data = await client.request(GENERATE_SERIALS, { input: { productCode: code, count: n, mode } });
      return data.generateSerials;
    });
    if (result) onDone?.(result);
  }

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <div class="form-row">
        <CountField
          id={`${idPrefix}-count`}
          label={`Number of ${noun}`}
          hint={`1 to ${formatCount(MAX_GENERATE)}`}
          error={invalid}
          value={count}
          onValue={setCount}
          inputRef={countRef}
        />
        {modes.length > 1 ? (
          <fieldset class="field choice-group">
            <legend class="field-label">Mode</legend>
            {modes.map((m) => (
              <label key={m} class="choice">
                <input type="radio" name={`${idPrefix}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
                <span>
                  <span class="choice-label">{MODES[m].label}</span>
                  <span class="choice-hint">{MODES[m].hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : (
          <p class="field-note">
            <span class="field-label">Mode</span>
            {MODES[modes[0]].label}: {MODES[modes[0]].hint}
          </p>
        )}
      </div>
      <FormEnd
        action={action}
        label={`Generate ${noun}`}
        busyLabel="Generating…"
        errorTitle={`The ${noun} were not generated`}
      >
        {action.result ? (
          <SuccessNote>
            Generated <strong>{formatCount(action.result.accepted)}</strong> {noun} ({MODES[mode].label.toLowerCase()}
            ); they are Available now.
          </SuccessNote>
        ) : null}
      </FormEnd>
    </form>
  );
}
