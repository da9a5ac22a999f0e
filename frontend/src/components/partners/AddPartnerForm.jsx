// @ts-check
/** Admin, as the MAH: add a CMO partner with the invitation code its admin created. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CREATE_PARTNERSHIP } from '../../api.js';
import { useClient } from '../context.js';
import { Field, FormEnd, useAction } from '../Forms.jsx';

/**
 * Admin, as the MAH: add a CMO partner with the invitation code its admin created.
 * @param {{onAdded: (partner: import('./types.js').Partner) => void, onCancel: () => void}} props
 */
export function AddPartnerForm({ onAdded, onCancel }) {
  const client = useClient();
  const action = /** @type {import('../Forms.jsx').Action<import('./types.js').Partner>} */ (useAction());
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  const ref = useRef(/** @type {HTMLInputElement | null} */ (null));
  useEffect(() => ref.current?.focus(), []);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const v = code.trim();
    setInvalid(v ? null : 'Enter the invitation code.');
    if (!v) return ref.current?.focus();
    const partner = await action.run(async () => {
      const data = await client.request(CREATE_PARTNERSHIP, { input: { invitationCode: v } });
      return data.createPartnership;
    });
    if (partner) onAdded(partner);
  }

  return (
    <form id="add-partner" class="action-form create-form" onSubmit={submit} noValidate aria-labelledby="add-partner-title">
      <h2 class="action-title" id="add-partner-title">
        Add a CMO partner
      </h2>
      <div class="form-row">
        <Field
          id="cmo-invitation"
          label="Invitation code"
          hint="The CMO's admin creates it on their Partners page (Invite an MAH). It works once."
          error={invalid}
          class="field-grow"
        >
          {(describedBy, bad) => (
            <input
              ref={ref}
              id="cmo-invitation"
              class="input mono"
              autocomplete="off"
              spellcheck={false}
              placeholder="spi_…"
              value={code}
              onInput={(e) => setCode(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
      </div>
      <FormEnd action={action} label="Add partner" busyLabel="Adding…" errorTitle="The partnership was not created" onCancel={onCancel} />
    </form>
  );
}
