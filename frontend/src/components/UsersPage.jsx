// @ts-check
/** Admin: the tenant's people. Invite one (the invitation link is shown once), change a role, disable or enable. */
import { useState } from 'preact/hooks';
import { useQuery } from '../use-query.js';
import { useClient } from './context.js';
import { emptySignature, SignatureDialog, signatureError, signatureInput, signatureProblem, usedSignature } from './SignatureDialog.jsx';
import { ErrorState } from './States.jsx';

export const USERS_QUERY = `query Users { users { id email name role totpEnabled disabledAt } }`;
export const INVITE_USER = `mutation InviteUser($input: InviteUserInput!) { inviteUser(input: $input) { user { id email } invitation } }`;
export const UPDATE_USER = `mutation UpdateUser($input: UpdateUserInput!, $signature: SignatureInput) { updateUser(input: $input, signature: $signature) { id role disabledAt } }`;

const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'];

/** @typedef {{id: string, email: string, name: string, role: string, totpEnabled: boolean, disabledAt: string | null}} User */

export function UsersPage() {
  const client = useClient();
  const [version, setVersion] = useState(0);
  const query = useQuery((signal) => client.request(USERS_QUERY, {}, { signal }), [version]);
  const users = /** @type {User[]} */ (query.data?.users ?? []);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('VIEWER');
  const [link, setLink] = useState('');
  const [error, setError] = useState('');
  // Disabling a person is signed: the person to disable while the signature is asked.
  const [disabling, setDisabling] = useState(/** @type {User | null} */ (null));
  const [signature, setSignature] = useState(emptySignature);
  const [unsigned, setUnsigned] = useState(/** @type {string | null} */ (null));

  /** @param {() => Promise<unknown>} fn */
  async function act(fn) {
    setError('');
    try {
      await fn();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(signatureError(/** @type {import('../api.js').ApiError} */ (err)).message);
    }
  }

  /** @param {Event} event */
  function invite(event) {
    event.preventDefault();
    act(async () => {
      const data = await client.request(INVITE_USER, { input: { email: email.trim(), name: name.trim(), role } });
      setLink(`${globalThis.location.origin}/invitation#${data.inviteUser.invitation}`);
      setEmail('');
      setName('');
    });
  }

  /** @param {Record<string, unknown>} input */
  const update = (input) => act(() => client.request(UPDATE_USER, { input }));

  /** @param {Event} event */
  function disable(event) {
    event.preventDefault();
    const problem = signatureProblem(signature);
    setUnsigned(problem);
    if (problem || !disabling) return;
    const id = disabling.id;
    setDisabling(null);
    setSignature(usedSignature); // a password or re-authentication serves one signature
    act(() => client.request(UPDATE_USER, { input: { id, disabled: true }, signature: signatureInput(signature) }));
  }

  return (
    <section class="page">
      <h1 class="page-title">Users</h1>
      {query.error ? <ErrorState error={query.error} onRetry={query.reload} /> : null}
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <table class="table" data-testid="users">
        <thead>
          <tr>
            <th>Name</th>
            <th>E-mail</th>
            <th>Role</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} class="user-row">
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => update({ id: u.id, role: /** @type {HTMLSelectElement} */ (e.currentTarget).value })}>
                  {ROLES.map((r) => (
                    <option value={r}>{r[0] + r.slice(1).toLowerCase()}</option>
                  ))}
                </select>
              </td>
              <td>{u.disabledAt ? 'Disabled' : u.totpEnabled ? 'Active, TOTP' : 'Active'}</td>
              <td>
                <button type="button" class="button button-ghost" onClick={() => {
                    if (u.disabledAt) return update({ id: u.id, disabled: false });
                    setUnsigned(null);
                    setDisabling(u);
                  }}
                >
                  {u.disabledAt ? 'Enable' : 'Disable'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {disabling ? (
        <form class="action-form" onSubmit={disable} noValidate data-testid="disable-user">
          <SignatureDialog
            idPrefix="disable-user"
            statement={`Disable ${disabling.name} (${disabling.email}): they can no longer sign in`}
            value={signature}
            onChange={setSignature}
            problem={unsigned}
          />
          <div class="form-actions">
            <button type="submit" class="button button-primary">
              Disable {disabling.email}
            </button>
            <button type="button" class="button" onClick={() => setDisabling(null)}>
              Back
            </button>
          </div>
        </form>
      ) : null}
      <h2 class="section-title">Invite a person</h2>
      <form onSubmit={invite} class="form-row">
        <label class="field-label" for="invite-email">
          E-mail
        </label>
        <input id="invite-email" class="input" type="email" value={email} onInput={(e) => setEmail(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
        <label class="field-label" for="invite-name">
          Name
        </label>
        <input id="invite-name" class="input" value={name} onInput={(e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
        <label class="field-label" for="invite-role">
          Role
        </label>
        <select id="invite-role" value={role} onChange={(e) => setRole(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
          {ROLES.map((r) => (
            <option value={r}>{r[0] + r.slice(1).toLowerCase()}</option>
          ))}
        </select>
        <button type="submit" class="button button-primary">
          Invite
        </button>
      </form>
      {link ? (
        <p class="notice" role="status" data-testid="invitation-link">
          Send this link to the person (valid 7 days, once; shown only now): <code>{link}</code>
        </p>
      ) : null}
    </section>
  );
}
