// @ts-check
/** One open invitation of the caller, with a Revoke that asks first. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { domId, formatDateTime } from '../../format.js';

/**
 * One open invitation; Revoke turns into "Revoke? Yes / No" (the focus goes to No).
 * @param {{invitation: import('./types.js').OpenInvitation, busy: boolean, onRevoke: (id: string) => Promise<boolean>}} props
 */
export function InvitationRow({ invitation, busy, onRevoke }) {
  const [asking, setAsking] = useState(false);
  const [sent, setSent] = useState(false);
  const revokeRef = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const noRef = useRef(/** @type {HTMLButtonElement | null} */ (null));
  const asked = useRef(false);
  const base = domId('invitation', invitation.id);
  useEffect(() => {
    if (asking) noRef.current?.focus();
    else if (asked.current) revokeRef.current?.focus();
    asked.current = asking;
  }, [asking]);

  async function yes() {
    setSent(true);
    // Revoked, the row goes; refused, it shows Revoke again above the error.
    if (await onRevoke(invitation.id)) return;
    setSent(false);
    setAsking(false);
  }

  return (
    <tr data-id={invitation.id}>
      <th scope="row" id={`${base}-created`}>
        <time dateTime={invitation.createdAt}>{formatDateTime(invitation.createdAt)}</time>
      </th>
      <td>
        <time dateTime={invitation.expiresAt}>{formatDateTime(invitation.expiresAt)}</time>
      </td>
      <td class="cell-actions">
        {asking ? (
          <span class="confirm">
            <span id={`${base}-ask`}>Revoke?</span>
            <button
              type="button"
              class="button button-primary"
              disabled={busy}
              onClick={yes}
              aria-describedby={`${base}-ask ${base}-created`}
            >
              {sent ? 'Revoking…' : 'Yes'}
            </button>
            <button
              ref={noRef}
              type="button"
              class="button"
              disabled={busy}
              onClick={() => setAsking(false)}
              aria-describedby={`${base}-ask ${base}-created`}
            >
              No
            </button>
          </span>
        ) : (
          <button ref={revokeRef} type="button" class="button" onClick={() => setAsking(true)} aria-describedby={`${base}-created`}>
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}
