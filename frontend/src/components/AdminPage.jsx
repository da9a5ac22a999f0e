// @ts-check
/**
 * Administration (admins; the server refuses others anyway): register products (the code
 * checked as it is typed), channels (create, rotate the key, revoke; a key is shown once,
 * upstream credentials are write-only) and the tenant's API keys (list with owner, revoke
 * with a signature). One message at a time: the last action's.
 */
import { useState } from 'preact/hooks';
import { formatDateTime, roleLabel, schemaLabel, sourceLabel } from '../format.js';
import { productCodeProblem } from '../product-code.js';
import { canAdminister } from '../roles.js';
import { onLinkClick, poolPath } from '../router.js';
import { useQuery } from '../use-query.js';
import { useClient, useViewer } from './context.js';
import { Confirm, Field } from './Forms.jsx';
import { emptySignature, SignatureDialog, signatureError, signatureInput, signatureProblem } from './SignatureDialog.jsx';
import { ErrorState } from './States.jsx';

export const ADMIN_QUERY = `query Administration {
  channels { id name source upstreamUrl upstreamCredentialsSet createdAt keyRotatedAt revokedAt }
  apiKeys { id role owner createdAt lastUsedAt revokedAt }
}`;
export const CREATE_PRODUCT = `mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id code name } }`;
export const CREATE_CHANNEL = `mutation CreateChannel($input: CreateChannelInput!) { createChannel(input: $input) { key channel { id name } } }`;
export const ROTATE_CHANNEL_KEY = `mutation RotateChannelKey($id: ID!) { rotateChannelKey(id: $id) { key channel { id name } } }`;
export const REVOKE_CHANNEL = `mutation RevokeChannel($id: ID!) { revokeChannel(id: $id) { id name } }`;
export const REVOKE_API_KEY = `mutation RevokeApiKey($id: ID!, $signature: SignatureInput) { revokeApiKey(id: $id, signature: $signature) { id } }`;

const SCHEMAS = ['GTIN', 'NTIN', 'PPN', 'NDC'];
const PRODUCT_SOURCES = ['SNM', 'SAP_ATTP', 'SAP_ICH', 'TRACELINK', 'EXTERNAL'];
const CHANNEL_SOURCES = ['SAP_ATTP', 'SAP_ICH', 'TRACELINK', 'EXTERNAL'];

/**
 * @typedef {{id: string, name: string, source: string, upstreamUrl: string | null, upstreamCredentialsSet: boolean,
 *   createdAt: string, keyRotatedAt: string | null, revokedAt: string | null}} Channel
 * @typedef {{id: string, role: string, owner: string | null, createdAt: string, lastUsedAt: string | null, revokedAt: string | null}} ApiKey
 * @typedef {{kind: 'success' | 'error', text: string, secret?: string, link?: {href: string, text: string}}} Message
 */

export function AdminPage() {
  const viewer = useViewer();
  const client = useClient();
  const admin = canAdminister(viewer.role);
  const [version, setVersion] = useState(0);
  const query = useQuery((signal) => client.request(ADMIN_QUERY, {}, { signal }), [version], { skip: !admin });
  const [message, setMessage] = useState(/** @type {Message | null} */ (null));

  if (!admin) {
    return (
      <section class="page">
        <h1 class="page-title">Administration</h1>
        <p>Only your tenant's administrators manage products, channels and API keys.</p>
      </section>
    );
  }

  /**
   * Runs an action; its outcome replaces the message of the one before.
   * @param {() => Promise<Message>} fn
   */
  async function act(fn) {
    setMessage(null);
    try {
      setMessage(await fn());
      setVersion((v) => v + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: signatureError(/** @type {Error} */ (err)).message });
    }
  }

  const channels = /** @type {Channel[]} */ (query.data?.channels ?? []);
  const keys = /** @type {ApiKey[]} */ (query.data?.apiKeys ?? []);
  return (
    <section class="page admin-page" aria-labelledby="admin-title">
      <h1 class="page-title" id="admin-title">
        Administration
      </h1>
      <p class="page-subtitle">Products, the systems that push serials (channels) and the tenant's API keys.</p>
      {message ? <MessageBox message={message} /> : null}
      {query.error ? <ErrorState error={query.error} onRetry={query.reload} /> : null}
      <ProductForm act={act} />
      <Channels channels={channels} act={act} />
      <ApiKeys keys={keys} act={act} />
    </section>
  );
}

/** @param {{message: Message}} props */
function MessageBox({ message }) {
  return (
    <div class={`callout ${message.kind === 'error' ? 'callout-error' : 'callout-success'}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="admin-message">
      <p class="callout-message">
        {message.text}
        {message.link ? (
          <>
            {' '}
            <a href={message.link.href} onClick={onLinkClick}>
              {message.link.text}
            </a>
          </>
        ) : null}
      </p>
      {message.secret ? (
        <p class="admin-secret">
          <code class="mono" data-testid="admin-secret">
            {message.secret}
          </code>
          <span class="muted"> Copy it now: it is shown only this once and cannot be read again.</span>
        </p>
      ) : null}
    </div>
  );
}

/** @param {{act: (fn: () => Promise<Message>) => void}} props */
function ProductForm({ act }) {
  const client = useClient();
  const [code, setCode] = useState('');
  const [schema, setSchema] = useState('GTIN');
  const [name, setName] = useState('');
  const [source, setSource] = useState('SNM');
  const [submitted, setSubmitted] = useState(false);
  const codeProblem = productCodeProblem(code, schema) || (submitted && !code.trim() ? 'Enter the product code.' : null);
  const nameProblem = submitted && !name.trim() ? 'Enter the product name.' : null;

  /** @param {Event} event */
  function submit(event) {
    event.preventDefault();
    setSubmitted(true);
    if (productCodeProblem(code, schema) || !code.trim() || !name.trim()) return;
    act(async () => {
      const data = await client.request(CREATE_PRODUCT, { input: { code: code.trim(), codeSchema: schema, name: name.trim(), source } });
      const p = data.createProduct;
      setCode('');
      setName('');
      setSubmitted(false);
      return { kind: 'success', text: `Product ${p.name} (${p.code}) registered.`, link: { href: poolPath(p.code), text: 'Open its pool' } };
    });
  }

  return (
    <div class="card admin-card">
      <h2 class="section-title">Register a product</h2>
      <form class="admin-form" onSubmit={submit} noValidate aria-label="Register a product">
        <Field id="admin-product-schema" label="Code schema">
          {() => (
            <select id="admin-product-schema" class="input select" value={schema} onChange={(e) => setSchema(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
              {SCHEMAS.map((s) => (
                <option key={s} value={s}>
                  {schemaLabel(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="admin-product-code"
          label="Product code"
          error={codeProblem}
          hint={!codeProblem && code.trim() ? 'The check digits are right.' : undefined}
        >
          {(ids, invalid) => (
            <input
              id="admin-product-code"
              class="input mono"
              inputMode={schema === 'PPN' ? undefined : 'numeric'}
              autocomplete="off"
              spellcheck={false}
              value={code}
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={ids}
              onInput={(e) => setCode(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            />
          )}
        </Field>
        <Field id="admin-product-name" label="Name" error={nameProblem}>
          {(ids, invalid) => (
            <input
              id="admin-product-name"
              class="input"
              value={name}
              maxLength={200}
              aria-invalid={invalid ? 'true' : undefined}
              aria-describedby={ids}
              onInput={(e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            />
          )}
        </Field>
        <Field id="admin-product-source" label="Serials come from">
          {() => (
            <select id="admin-product-source" class="input select" value={source} onChange={(e) => setSource(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
              {PRODUCT_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {sourceLabel(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            Register
          </button>
        </div>
      </form>
    </div>
  );
}

/** @param {{channels: Channel[], act: (fn: () => Promise<Message>) => void}} props */
function Channels({ channels, act }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [source, setSource] = useState('SAP_ATTP');
  const [upstreamUrl, setUpstreamUrl] = useState('');
  const [revoking, setRevoking] = useState(/** @type {Channel | null} */ (null));

  /** @param {Event} event */
  function create(event) {
    event.preventDefault();
    act(async () => {
      const input = { name: name.trim(), source, ...(upstreamUrl.trim() ? { upstreamUrl: upstreamUrl.trim() } : {}) };
      const data = await client.request(CREATE_CHANNEL, { input });
      setName('');
      setUpstreamUrl('');
      return { kind: 'success', text: `Channel ${data.createChannel.channel.name} registered. Its key (X-Channel-Key):`, secret: data.createChannel.key };
    });
  }

  /** @param {Channel} c */
  const rotate = (c) =>
    act(async () => {
      const data = await client.request(ROTATE_CHANNEL_KEY, { id: c.id });
      return { kind: 'success', text: `${c.name} has a new key; the old one no longer works. The new key:`, secret: data.rotateChannelKey.key };
    });

  return (
    <div class="card admin-card">
      <h2 class="section-title">Channels</h2>
      <div class="table-scroll" role="region" aria-label="Channels" tabIndex={0}>
        <table class="data-table admin-table" data-testid="channels">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col" class="col-admin">
                Upstream
              </th>
              <th scope="col" class="col-admin">
                Key
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {channels.length === 0 ? (
              <tr class="state-row">
                <td colSpan={6}>No channels yet.</td>
              </tr>
            ) : null}
            {channels.map((c) => (
              <tr key={c.id} data-channel={c.name}>
                <th scope="row">{c.name}</th>
                <td>{sourceLabel(c.source)}</td>
                <td class="col-admin">
                  {c.upstreamUrl ? <span class="mono">{c.upstreamUrl}</span> : <span class="muted">none</span>}
                  {c.upstreamCredentialsSet ? <div class="muted">credentials stored (write-only)</div> : null}
                </td>
                <td class="col-admin">{c.keyRotatedAt ? `rotated ${formatDateTime(c.keyRotatedAt)}` : `issued ${formatDateTime(c.createdAt)}`}</td>
                <td>{c.revokedAt ? <span class="muted">Revoked {formatDateTime(c.revokedAt)}</span> : 'Working'}</td>
                <td class="admin-actions">
                  {c.revokedAt ? null : (
                    <>
                      <button type="button" class="button" onClick={() => rotate(c)}>
                        Rotate key
                      </button>
                      <button type="button" class="button button-danger" onClick={() => setRevoking(c)}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking ? (
        <Confirm
          title={`Revoke channel ${revoking.name}?`}
          confirmLabel={`Revoke ${revoking.name}`}
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            const c = revoking;
            setRevoking(null);
            act(async () => {
              await client.request(REVOKE_CHANNEL, { id: c.id });
              return { kind: 'success', text: `Channel ${c.name} is revoked: its key no longer works.` };
            });
          }}
        >
          <p>Its key stops working at once and it cannot be used again; what it delivered stays.</p>
        </Confirm>
      ) : null}
      <h3 class="part-title">Register a channel</h3>
      <form class="admin-form" onSubmit={create} aria-label="Register a channel">
        <Field id="admin-channel-name" label="Channel name">
          {() => (
            <input id="admin-channel-name" class="input" required maxLength={200} value={name} onInput={(e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
          )}
        </Field>
        <Field id="admin-channel-source" label="Source">
          {() => (
            <select id="admin-channel-source" class="input select" value={source} onChange={(e) => setSource(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
              {CHANNEL_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {sourceLabel(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="admin-channel-upstream" label="Upstream URL (optional)" hint="Where replenishment requests go; credentials are set over the API and never shown.">
          {(ids) => (
            <input
              id="admin-channel-upstream"
              class="input mono"
              type="url"
              maxLength={2000}
              value={upstreamUrl}
              aria-describedby={ids}
              onInput={(e) => setUpstreamUrl(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
            />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={!name.trim()}>
            Register channel
          </button>
        </div>
      </form>
    </div>
  );
}

/** @param {{keys: ApiKey[], act: (fn: () => Promise<Message>) => void}} props */
function ApiKeys({ keys, act }) {
  const client = useClient();
  const [revoking, setRevoking] = useState(/** @type {ApiKey | null} */ (null));
  const [signature, setSignature] = useState(emptySignature);
  const [unsigned, setUnsigned] = useState(/** @type {string | null} */ (null));
  const owner = (/** @type {ApiKey} */ k) => k.owner || 'no owner (an older key)';

  /** @param {Event} event */
  function revoke(event) {
    event.preventDefault();
    const problem = signatureProblem(signature);
    setUnsigned(problem);
    if (problem || !revoking) return;
    const k = revoking;
    setRevoking(null);
    setSignature((s) => ({ ...s, password: '' })); // a password is entered for each signature
    act(async () => {
      await client.request(REVOKE_API_KEY, { id: k.id, signature: signatureInput(signature) });
      return { kind: 'success', text: `The ${roleLabel(k.role).toLowerCase()} key of ${owner(k)} is revoked; it stops working within seconds.` };
    });
  }

  return (
    <div class="card admin-card">
      <h2 class="section-title">API keys</h2>
      <p class="muted">Keys are issued with <code>serialpool key create</code>; the key itself is never shown again.</p>
      <div class="table-scroll" role="region" aria-label="API keys" tabIndex={0}>
        <table class="data-table admin-table" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Role</th>
              <th scope="col" class="col-admin">
                Issued
              </th>
              <th scope="col" class="col-admin">
                Last used
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-owner={k.owner || ''}>
                <th scope="row">{owner(k)}</th>
                <td>{roleLabel(k.role)}</td>
                <td class="col-admin">{formatDateTime(k.createdAt)}</td>
                <td class="col-admin">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span class="muted">never</span>}</td>
                <td>{k.revokedAt ? <span class="muted">Revoked {formatDateTime(k.revokedAt)}</span> : 'Working'}</td>
                <td class="admin-actions">
                  {k.revokedAt ? null : (
                    <button
                      type="button"
                      class="button button-danger"
                      onClick={() => {
                        setUnsigned(null);
                        setRevoking(k);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking ? (
        <form class="action-form" onSubmit={revoke} noValidate data-testid="revoke-key">
          <SignatureDialog
            idPrefix="revoke-key"
            statement={`Revoke the ${roleLabel(revoking.role).toLowerCase()} key of ${owner(revoking)}: it stops working and cannot be used again`}
            value={signature}
            onChange={setSignature}
            problem={unsigned}
          />
          <div class="form-actions">
            <button type="submit" class="button button-danger">
              Revoke the key
            </button>
            <button type="button" class="button" onClick={() => setRevoking(null)}>
              Back
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
