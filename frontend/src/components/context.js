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
