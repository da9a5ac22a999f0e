// @ts-check
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The GraphQL client of the signed-in session. */
export const ClientContext = createContext(/** @type {import('../api.js').Client | null} */ (null));

export function useClient() {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() outside <ClientContext.Provider>');
  return client;
}

/** Who is signed in: tenant and role (actions the role cannot do are hidden). */
export const ViewerContext = createContext(/** @type {import('../roles.js').Viewer | null} */ (null));

/**
 * The signed-in viewer. Outside a provider (component tests of read-only screens) this is
 * a viewer that may do nothing.
 * @returns {import('../roles.js').Viewer}
 */
export function useViewer() {
  return useContext(ViewerContext) || NOBODY;
}

const NOBODY = Object.freeze({ tenant: Object.freeze({ id: '', name: '' }), role: 'VIEWER' });
