// @ts-check
/**
 * Release Assigned serials back to Available, all or nothing: paste them one per line. A
 * refusal lists every refused serial and the rule (external, has pack events, …). The
 * orders holding them lose them, so a release is confirmed first.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { RELEASE_SERIALS } from '../api.js';
import { countOf, formatCount } from '../format.js';
import { describeSerialList, MAX_RELEASE, parseSerialList } from '../serial-list.js';
import { useClient } from './context.js';
import { Confirm, Field, FormEnd, SuccessNote, useAction } from './Forms.jsx';
import { emptySignature, SignatureDialog, signatureInput, signatureProblem, usedSignature } from './SignatureDialog.jsx';

/**
 * @param {{code: string, idPrefix: string, onDone?: (released: number) => void, noun?: string}} props
 */
export function ReleaseForm({ code, idPrefix, onDone, noun = 'serials' }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<number>} */ (useAction());
  const [text, setText] = useState('');
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  const areaRef = useRef(/** @type {HTMLTextAreaElement | null} */ (null));
  const list = useMemo(() => parseSerialList(text), [text]);
  const [confirming, setConfirming] = useState(/** @type {string[] | null} */ (null));
  const [signature, setSignature] = useState(emptySignature);
  const [unsigned, setUnsigned] = useState(/** @type {string | null} */ (null));

  /** @param {Event} event */
  function submit(event) {
    event.preventDefault();
    action.reset(); // a message belongs to the last action
    const problem =
      list.values.length === 0
        ? `Enter the ${noun} to release, one per line.`
        : list.values.length > MAX_RELEASE
          ? `At most ${formatCount(MAX_RELEASE)} ${noun} can be released at once; this list has ${formatCount(list.values.length)}.`
          : null;
    setInvalid(problem);
    if (problem) return areaRef.current?.focus();
    setUnsigned(null);
    setConfirming(list.values);
  }

  /** @param {string[]} values */
  async function release(values) {
    const problem = signatureProblem(signature);
    setUnsigned(problem);
    if (problem) return;
    setConfirming(null);
    setSignature(usedSignature); // a password or re-authentication serves one signature
    const released = await action.run(async () => {
      const data = await client.request(RELEASE_SERIALS, { input: { productCode: code, serials: values }, signature: signatureInput(signature) });
      return data.releaseSerials.released;
    });
    if (released != null) {
      setText('');
      onDone?.(released);
    }
  }

  return (
    <form class="action-form" onSubmit={submit} noValidate>
      <Field
        id={`${idPrefix}-serials`}
        label={`${noun[0].toUpperCase()}${noun.slice(1)} to release (one per line)`}
        hint={
          <>
            Only Assigned {noun} the pool manages, without pack events, can go back to Available; all or nothing.
            <span class="list-count" aria-live="polite" data-testid="release-count">
              {text.trim() ? ` ${describeSerialList(list)}` : ''}
            </span>
          </>
        }
        error={invalid}
      >
        {(describedBy, bad) => (
          <textarea
            ref={areaRef}
            id={`${idPrefix}-serials`}
            class="input textarea mono"
            rows={5}
            spellcheck={false}
            autocomplete="off"
            value={text}
            onInput={(e) => setText(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}
            aria-describedby={describedBy}
            aria-invalid={bad ? 'true' : undefined}
          />
        )}
      </Field>
      <FormEnd
        action={action}
        label={list.values.length ? `Release ${countOf(list.values.length, noun)}` : `Release ${noun}`}
        busyLabel="Releasing…"
        errorTitle={`No ${noun} were released`}
      >
        {confirming ? (
          <Confirm
            title={`Release ${countOf(confirming.length, noun)} back to Available?`}
            confirmLabel={`Yes, release ${countOf(confirming.length, noun)}`}
            onConfirm={() => release(confirming)}
            onCancel={() => setConfirming(null)}
          >
            <p>The orders they were assigned to lose them, and they can be handed out again.</p>
            <SignatureDialog
              idPrefix={idPrefix}
              statement={`Release ${countOf(confirming.length, noun)} of ${code}`}
              value={signature}
              onChange={setSignature}
              problem={unsigned}
            />
          </Confirm>
        ) : null}
        {action.result != null ? (
          <SuccessNote>
            Released <strong>{countOf(action.result, noun)}</strong>; {action.result === 1 ? 'it is' : 'they are'} Available again.
          </SuccessNote>
        ) : null}
      </FormEnd>
    </form>
  );
}
