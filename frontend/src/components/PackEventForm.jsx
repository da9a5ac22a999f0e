// @ts-check
/**
 * Record a pack event for one serial: Commission (with lot and expiry), Decommission (with a
 * reason) or Reactivate. Only the events the rules allow for the pack's status can be chosen;
 * the others say why not, and after a final decommissioning nothing can.
 */
import { useEffect, useState } from 'preact/hooks';
import { RECORD_PACK_EVENTS } from '../api.js';
import { eventLabel, REASONS, reasonLabel } from '../format.js';
import { eventRules, FINAL_REASONS, localToIso, PACK_EVENTS } from '../pack.js';
import { useClient } from './context.js';
import { ActionError, SuccessNote, useAction } from './Forms.jsx';
import { emptySignature, SignatureDialog, signatureInput, signatureProblem, usedSignature } from './SignatureDialog.jsx';

/**
 * @param {{productCode: string, serial: string, packStatus: string, reason: string | null,
 *   onRecorded?: (event: string) => void}} props
 */
export function PackEventForm({ productCode, serial, packStatus, reason, onRecorded }) {
  const client = useClient();
  const action = /** @type {import('./Forms.jsx').Action<string>} */ (useAction());
  const rules = eventRules(packStatus, reason);
  const firstAllowed = PACK_EVENTS.find((e) => rules[e] === null) || '';
  const [event, setEvent] = useState(/** @type {string} */ (firstAllowed));
  const [why, setWhy] = useState('');
  const [at, setAt] = useState('');
  const [lot, setLot] = useState('');
  const [expiry, setExpiry] = useState('');
  const [invalid, setInvalid] = useState('');
  const [signature, setSignature] = useState(emptySignature);
  const [unsigned, setUnsigned] = useState(/** @type {string | null} */ (null));
  // A final decommissioning cannot be undone, so it is signed.
  const signs = event === 'DECOMMISSION' && FINAL_REASONS.includes(why);

  // A new pack status (after an event) picks the next event that applies, if any.
  useEffect(() => {
    setEvent(firstAllowed);
    setWhy('');
    setLot('');
    setExpiry('');
    setInvalid('');
    setUnsigned(null);
  }, [packStatus, reason]);

  if (!firstAllowed) {
    return (
      <section class="action-form pack-event-form" aria-labelledby="pack-event-title" data-testid="pack-event-final">
        <h3 class="action-title" id="pack-event-title">
          Record a pack event
        </h3>
        <p class="form-note">No further pack event is possible: {rules.REACTIVATE}</p>
      </section>
    );
  }

  /** @param {Event} e */
  async function submit(e) {
    e.preventDefault();
    if (event === 'DECOMMISSION' && !why) {
      setInvalid('Choose why the pack was decommissioned.');
      document.getElementById('pack-reason')?.focus();
      return;
    }
    if (event === 'COMMISSION' && (!lot.trim() || !expiry)) {
      setInvalid('Enter the lot and the expiry date printed on the pack.');
      document.getElementById(lot.trim() ? 'pack-expiry' : 'pack-lot')?.focus();
      return;
    }
    setInvalid('');
    const problem = signs ? signatureProblem(signature) : null;
    setUnsigned(problem);
    if (problem) return;
    const input = {
      productCode,
      serial,
      event,
      ...(event === 'DECOMMISSION' ? { reason: why } : {}),
      ...(event === 'COMMISSION' && lot.trim() ? { lot: lot.trim() } : {}),
      ...(event === 'COMMISSION' && expiry ? { expiry } : {}),
      ...(localToIso(at) ? { at: localToIso(at) } : {}),
      timeZoneOffset: zoneOffset(at ? new Date(at) : new Date()),
    };
    if (signs) setSignature(usedSignature); // a password or re-authentication serves one signature
    const done = await action.run(async () => {
      await client.request(RECORD_PACK_EVENTS, { input: [input], ...(signs ? { signature: signatureInput(signature) } : {}) });
      return event;
    });
    if (done) onRecorded?.(done);
  }

  return (
    <form class="action-form pack-event-form" onSubmit={submit} noValidate aria-labelledby="pack-event-title">
      <h3 class="action-title" id="pack-event-title">
        Record a pack event
      </h3>
      <div class="form-row">
        <fieldset class="field choice-group">
          <legend class="field-label">Event</legend>
          {PACK_EVENTS.map((ev) => (
            <label key={ev} class={`choice${rules[ev] ? ' has-rule' : ''}`}>
              <input
                type="radio"
                name="pack-event"
                value={ev}
                checked={event === ev}
                disabled={rules[ev] !== null}
                onChange={() => setEvent(ev)}
                aria-describedby={rules[ev] ? `pack-event-${ev}-rule` : undefined}
              />
              <span>
                <span class="choice-label">{eventLabel(ev)}</span>
                {rules[ev] ? (
                  <span class="choice-hint" id={`pack-event-${ev}-rule`}>
                    {rules[ev]}
                  </span>
                ) : null}
              </span>
            </label>
          ))}
        </fieldset>
        {event === 'DECOMMISSION' ? (
          <div class="field">
            <label class="field-label" for="pack-reason">
              Reason
            </label>
            <select
              id="pack-reason"
              class="input select"
              value={why}
              onChange={(e) => setWhy(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={invalid ? 'pack-reason-error' : 'pack-reason-hint'}
            >
              <option value="">Choose a reason…</option>
              {REASONS.map(([r, label]) => (
                <option key={r} value={r}>
                  {label}
                </option>
              ))}
            </select>
            {invalid ? (
              <p class="field-error" id="pack-reason-error">
                {invalid}
              </p>
            ) : (
              <p class="field-hint" id="pack-reason-hint">
                Destroyed, stolen and exported are final.
              </p>
            )}
          </div>
        ) : null}
        {event === 'COMMISSION' ? (
          <>
            <div class="field">
              <label class="field-label" for="pack-lot">
                Lot (batch)
              </label>
              <input
                id="pack-lot"
                class="input mono"
                required
                maxLength={20}
                value={lot}
                onInput={(e) => setLot(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
                aria-invalid={invalid && !lot.trim() ? 'true' : undefined}
                aria-describedby={invalid ? 'pack-lot-error' : 'pack-lot-hint'}
              />
              {invalid ? (
                <p class="field-error" id="pack-lot-error" role="alert">
                  {invalid}
                </p>
              ) : (
                <p class="field-hint" id="pack-lot-hint">
                  Up to 20 characters, as printed on the pack
                </p>
              )}
            </div>
            <div class="field">
              <label class="field-label" for="pack-expiry">
                Expiry
              </label>
              <input
                id="pack-expiry"
                class="input"
                required
                type="date"
                value={expiry}
                onInput={(e) => setExpiry(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              />
            </div>
          </>
        ) : null}
        <div class="field">
          <label class="field-label" for="pack-at">
            Happened at <span class="optional">(optional)</span>
          </label>
          <input
            id="pack-at"
            class="input"
            type="datetime-local"
            step={1}
            value={at}
            onInput={(e) => setAt(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            aria-describedby="pack-at-hint"
          />
          <p class="field-hint" id="pack-at-hint">
            Empty: now
          </p>
        </div>
      </div>
      {signs ? (
        <SignatureDialog
          idPrefix="pack"
          statement={`Decommission ${serial} of ${productCode} as ${reasonLabel(why).toLowerCase()}, which cannot be undone`}
          value={signature}
          onChange={setSignature}
          problem={unsigned}
        />
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {action.busy ? 'Recording…' : `Record ${{ COMMISSION: 'commission', DECOMMISSION: 'decommission', REACTIVATE: 'reactivation' }[event] || event}`}
        </button>
        <span class="form-note">The server checks the time too: not in the future, not before the pack's last event.</span>
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title="The event was not recorded" /> : null}
        {action.result ? <SuccessNote>Recorded: {eventLabel(action.result)}.</SuccessNote> : null}
      </div>
    </form>
  );
}

/**
 * The time zone offset of a moment in the browser's zone, as the server takes it: "+01:00".
 * @param {Date} d
 */
export function zoneOffset(d) {
  const minutes = Number.isNaN(d.getTime()) ? 0 : -d.getTimezoneOffset();
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
