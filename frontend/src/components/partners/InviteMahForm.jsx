// @ts-check
/** Admin, as the CMO: create a one-time invitation code for an MAH's admin. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CREATE_PARTNER_INVITATION } from '../../api.js';
import { formatDateTime } from '../../format.js';
import { useClient } from '../context.js';
import { ActionError, Field, SuccessNote, useAction } from '../Forms.jsx';

/**
 * Admin, as the CMO: create a one-time invitation code for an MAH's admin. The code is
 * shown only here (the server keeps only its hash), read-only, with a Copy button.
 * @param {{onClose: () => void, onCreated?: () => void}} props
 */
export function InviteMahForm({ onClose, onCreated }) {
  const client = useClient();
  const action = /** @type {import('../Forms.jsx').Action<import('./types.js').Invitation>} */ (useAction());
  // How the code was copied: to the clipboard, or only selected (no clipboard access).
  const [copied, setCopied] = useState(/** @type {'clipboard' | 'selected' | null} */ (null));
  const createButton = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const codeRef = useRef(/** @type {HTMLInputElement | null} */ (null));
  const invitation = action.result;
  useEffect(() => createButton.current?.focus(), []);
  useEffect(() => {
    if (invitation) codeRef.current?.focus();
  }, [invitation]);

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    setCopied(null);
    const created = await action.run(async () => {
      const data = await client.request(CREATE_PARTNER_INVITATION);
      return data.createPartnerInvitation;
    });
    if (created) onCreated?.();
  }

  async function copy() {
    if (!invitation) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(invitation.code);
      setCopied('clipboard');
    } catch {
      // No clipboard access (an insecure origin, a denied permission): select the code so
      // that the user copies it with the keyboard or the context menu.
      codeRef.current?.focus();
      codeRef.current?.select();
      setCopied('selected');
    }
  }

  return (
    <form id="invite-mah" class="action-form create-form" onSubmit={submit} noValidate aria-labelledby="invite-mah-title">
      <h2 class="action-title" id="invite-mah-title">
        Invite an MAH to make you its CMO
      </h2>
      <p class="form-note">
        Creates a one-time invitation code for the admin of a marketing authorization holder (MAH). When they enter it
        under Add a CMO partner on their Partners page, your tenant becomes their contract manufacturer (CMO) and can
        receive their serials.
      </p>
      {invitation ? (
        <>
          <SuccessNote>
            Invitation code created. Copy it now and give it to the MAH's admin: it is shown only now and works once.
          </SuccessNote>
          <div class="form-row">
            <Field
              id="invitation-code"
              label="Invitation code"
              hint={
                <>
                  Valid until <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>.
                </>
              }
              class="field-grow"
            >
              {(describedBy) => (
                <input
                  ref={codeRef}
                  id="invitation-code"
                  class="input mono"
                  readOnly
                  autocomplete="off"
                  spellcheck={false}
                  value={invitation.code}
                  aria-describedby={describedBy}
                  onFocus={(e) => /** @type {HTMLInputElement} */ (e.currentTarget).select()}
                />
              )}
            </Field>
            <div class="lookup-submit">
              <button type="button" class="button" onClick={copy}>
                {copied === 'clipboard' ? 'Copied' : 'Copy'}
              </button>
            </div>
          </div>
          <p class="field-hint" role="status" data-testid="copy-status">
            {copied === 'clipboard'
              ? 'The code is on the clipboard.'
              : copied === 'selected'
                ? 'The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.'
                : ''}
          </p>
        </>
      ) : null}
      <div class="form-actions">
        {invitation ? (
          <button type="button" class="button" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            <button ref={createButton} type="submit" class="button button-primary" disabled={action.busy}>
              {action.busy ? 'Creating…' : 'Create invitation code'}
            </button>
            <button type="button" class="button" onClick={onClose}>
              Cancel
            </button>
          </>
        )}
      </div>
      <div class="form-feedback">
        {action.error ? <ActionError error={action.error} title="No invitation was created" /> : null}
      </div>
    </form>
  );
}
