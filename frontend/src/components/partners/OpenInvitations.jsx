// @ts-check
/** Admin, as the CMO: the invitations still open, each of which may be revoked. */
import { useEffect, useRef } from 'preact/hooks';
import { PARTNER_INVITATIONS_QUERY, REVOKE_PARTNER_INVITATION } from '../../api.js';
import { useQuery } from '../../use-query.js';
import { useClient } from '../context.js';
import { ActionError, useAction } from '../Forms.jsx';
import { ErrorState } from '../States.jsx';
import { InvitationRow } from './InvitationRow.jsx';

/**
 * Admin, as the CMO: its invitations whose code still works, newest first, each with a
 * Revoke that asks first. Hidden while there are none (or they are loading); loaded apart
 * from the partners so that a failure of one does not hide the other.
 * @param {{version?: number, onEmptied?: () => void}} props version: bump to reload (after
 *   an invitation was created); onEmptied: the last one was revoked (the section goes)
 */
export function OpenInvitations({ version = 0, onEmptied }) {
  const client = useClient();
  const query = useQuery((signal) => client.request(PARTNER_INVITATIONS_QUERY, {}, { signal }), [version]);
  const invitations = /** @type {import('./types.js').OpenInvitation[] | null} */ (query.data?.partnerInvitations ?? null);
  const { error } = query;
  const action = /** @type {import('../Forms.jsx').Action<{id: string}>} */ (useAction());
  const titleRef = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  // Set by a revoke: its button is gone with its row, so the focus goes elsewhere.
  const revoked = useRef(false);

  useEffect(() => {
    if (!revoked.current) return;
    revoked.current = false;
    if (invitations?.length) titleRef.current?.focus();
    else onEmptied?.();
  }, [invitations]);

  /** @param {string} id @returns {Promise<boolean>} whether it was revoked */
  async function revoke(id) {
    const done = await action.run(async () => {
      try {
        const data = await client.request(REVOKE_PARTNER_INVITATION, { id });
        return data.revokePartnerInvitation;
      } catch (err) {
        // Used, expired or revoked meanwhile: the list is stale, the error says why.
        if (/** @type {any} */ (err)?.code === 'NOT_FOUND') query.reload();
        throw err;
      }
    });
    if (!done) return false;
    revoked.current = true;
    query.setData((d) => d && { ...d, partnerInvitations: d.partnerInvitations.filter((/** @type {any} */ x) => x.id !== id) });
    return true;
  }

  const list = invitations || [];
  if (!error && !action.error && list.length === 0) return null;
  return (
    <section class="partner-section" aria-labelledby="invitations-title" data-testid="open-invitations">
      <h2 class="section-title" id="invitations-title" ref={titleRef} tabIndex={-1}>
        Open invitations
      </h2>
      <div class="card invitations-card">
        {error ? (
          <ErrorState error={error} title="The open invitations could not be loaded" onRetry={query.reload} />
        ) : null}
        {list.length > 0 ? (
          <div class="table-scroll" role="region" aria-label="Open invitation codes" tabIndex={0}>
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Valid until</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((inv) => (
                  <InvitationRow key={inv.id} invitation={inv} busy={action.busy} onRevoke={revoke} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {action.error ? (
          <div class="card-note">
            <ActionError error={action.error} title="The invitation was not revoked" />
          </div>
        ) : null}
      </div>
    </section>
  );
}
