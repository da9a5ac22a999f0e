// @ts-check
/**
 * Admin: the tenant's single sign-on (OpenID Connect provider). The client secret is
 * write-only: the form never shows it, and leaving it empty keeps the stored one. Role
 * mappings are written one a line as `claim value = ROLE`.
 */
import { useState } from 'preact/hooks';
import { useQuery } from '../../use-query.js';
import { useClient, useViewer } from '../context.js';
import { Field, FormEnd, SuccessNote, useAction } from '../Forms.jsx';

const FIELDS = 'name issuerUrl clientId clientSecretSet roleClaim roleValues { value role } emailDomain updatedAt';
export const SSO_CONFIG_QUERY = /* GraphQL */ `query SsoConfig { ssoConfig { ${FIELDS} } }`;
export const UPDATE_SSO_CONFIG = /* GraphQL */ `mutation UpdateSsoConfig($input: SsoConfigInput!) {
  updateSsoConfig(input: $input) { ${FIELDS} } }`;

const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'];

/**
 * Reads `value = ROLE` lines.
 * @param {string} text
 * @returns {{values: {value: string, role: string}[], error: string | null}}
 */
export function parseRoleValues(text) {
  const values = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const at = line.lastIndexOf('=');
    const value = line.slice(0, at).trim();
    const role = line.slice(at + 1).trim().toUpperCase();
    if (at < 0 || !value || !ROLES.includes(role)) {
      return { values: [], error: `Line ${i + 1}: write it as "claim value = VIEWER, OPERATOR or ADMIN".` };
    }
    values.push({ value, role });
  }
  if (!values.length) return { values, error: 'Map at least one claim value to a role.' };
  return { values, error: null };
}

/** @param {{value: string, role: string}[]} values */
const formatRoleValues = (values) => values.map((v) => `${v.value} = ${v.role}`).join('\n');

export function SsoSettings() {
  const client = useClient();
  const viewer = useViewer();
  const current = useQuery((signal) => client.request(SSO_CONFIG_QUERY, {}, { signal }), []);
  if (current.loading) return <p role="status">Loading single sign-on…</p>;
  if (current.error) return <p class="callout callout-error">Could not read the single sign-on settings: {current.error.message}</p>;
  return <SsoForm config={current.data?.ssoConfig ?? null} tenantId={viewer.tenant.id} />;
}

/** @param {{config: any, tenantId: string}} props */
function SsoForm({ config, tenantId }) {
  const client = useClient();
  const action = /** @type {import('../Forms.jsx').Action<any>} */ (useAction());
  const [form, setForm] = useState(() => ({
    name: config?.name ?? '',
    issuerUrl: config?.issuerUrl ?? '',
    clientId: config?.clientId ?? '',
    clientSecret: '',
    roleClaim: config?.roleClaim ?? 'groups',
    roleValues: config ? formatRoleValues(config.roleValues) : '',
    emailDomain: config?.emailDomain ?? '',
  }));
  const [rolesError, setRolesError] = useState(/** @type {string | null} */ (null));
  const secretSet = action.result?.clientSecretSet ?? config?.clientSecretSet ?? false;

  /** @param {Event} event */
  async function submit(event) {
    event.preventDefault();
    const roles = parseRoleValues(form.roleValues);
    setRolesError(roles.error);
    if (roles.error) return;
    const input = {
      name: form.name.trim(),
      issuerUrl: form.issuerUrl.trim(),
      clientId: form.clientId.trim(),
      roleClaim: form.roleClaim.trim(),
      roleValues: roles.values,
      emailDomain: form.emailDomain.trim() || null,
      ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
    };
    const saved = await action.run(async () => (await client.request(UPDATE_SSO_CONFIG, { input })).updateSsoConfig);
    if (saved) setForm((f) => ({ ...f, clientSecret: '' }));
  }

  /** @param {keyof typeof form} name @param {string} label @param {string} hint @param {string} [type] */
  const text = (name, label, hint, type = 'text') => (
    <Field id={`sso-${name}`} label={label} hint={hint}>
      {(describedBy) => (
        <input
          id={`sso-${name}`}
          class="input"
          type={type}
          autocomplete="off"
          value={form[name]}
          onInput={(e) => setForm((f) => ({ ...f, [name]: /** @type {HTMLInputElement} */ (e.currentTarget).value }))}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );

  return (
    <section class="page">
      <h1 class="page-title">Single sign-on</h1>
      <p>
        People of your company sign in with your OpenID Connect provider. Register serialpool there as a web
        client with the redirect URI <code>{location.origin}/auth/oidc/callback</code>; the sign-in link for your
        company is <code>{location.origin}/?tenant={tenantId}</code>.
      </p>
      <form class="action-form" onSubmit={submit} noValidate>
        {text('name', 'Provider name', 'Shown as “Sign in with …”')}
        {text('issuerUrl', 'Issuer URL', 'Exactly as the provider’s ID tokens name it (iss)')}
        {text('clientId', 'Client ID', 'serialpool’s client at the provider')}
        {text('clientSecret', 'Client secret', secretSet ? 'Stored; never shown. Leave empty to keep it.' : 'Required', 'password')}
        {text('roleClaim', 'Role claim', 'The claim that decides the role, e.g. groups or roles')}
        <Field id="sso-roleValues" label="Roles" hint="One a line: claim value = VIEWER, OPERATOR or ADMIN" error={rolesError}>
          {(describedBy, bad) => (
            <textarea
              id="sso-roleValues"
              class="input"
              rows={4}
              value={form.roleValues}
              onInput={(e) => setForm((f) => ({ ...f, roleValues: /** @type {HTMLTextAreaElement} */ (e.currentTarget).value }))}
              aria-describedby={describedBy}
              aria-invalid={bad ? 'true' : undefined}
            />
          )}
        </Field>
        {text('emailDomain', 'E-mail domain', 'Optional: the only domain that may sign in, e.g. example.com')}
        <FormEnd action={action} label="Save single sign-on" busyLabel="Saving…" errorTitle="Single sign-on was not saved">
          {action.result ? <SuccessNote>Saved: people sign in with {action.result.name}.</SuccessNote> : null}
        </FormEnd>
      </form>
    </section>
  );
}
