// @ts-check
/**
 * The application shell: session (API key in sessionStorage), header, routing.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createClient, VIEWER_QUERY } from '../api.js';
import { closeLive } from '../live.js';
import { clearKey, loadKey, saveKey } from '../session.js';
import { matchRoute, navigate, useLocation, POOL_PATH } from '../router.js';
import { useQuery } from '../use-query.js';
import { ClientContext, ViewerContext } from './context.js';
import { Header } from './Header.jsx';
import { SignIn } from './SignIn.jsx';
import { PoolPage } from './PoolPage.jsx';
import { SerialsPage } from './SerialsPage.jsx';
import { PartnersPage } from './partners/PartnersPage.jsx';
import { AuditPage } from './AuditPage.jsx';
import { SsoSettings } from './sso/SsoSettings.jsx';

/**
 * @typedef {{tenant: {id: string, name: string}, role: string}} Viewer
 * @typedef {{status: 'checking'} | {status: 'signedOut', notice?: string}
 *   | {status: 'signedIn', viewer: Viewer}} Session
 */

export const SESSION_ENDED =
  'Your session has ended: the API key is no longer accepted. Sign in again.';

/** @param {{fetch?: typeof fetch}} props fetch is injectable for tests */
export function App({ fetch: fetchImpl }) {
  const keyRef = useRef(loadKey());
  const [session, setSession] = useState(
    /** @type {Session} */ (keyRef.current ? { status: 'checking' } : { status: 'signedOut' }),
  );

  const client = useMemo(
    () =>
      createClient({
        fetch: fetchImpl,
        getKey: () => keyRef.current,
        onUnauthenticated: () => signOut(SESSION_ENDED),
      }),
    [],
  );

  /** @param {string} [notice] */
  function signOut(notice) {
    keyRef.current = null;
    clearKey();
    closeLive(); // the WebSocket of live counts speaks with the key
    setSession({ status: 'signedOut', notice });
  }

  /** @param {string} key @param {Viewer} viewer */
  function signIn(key, viewer) {
    keyRef.current = key;
    saveKey(key);
    setSession({ status: 'signedIn', viewer });
  }

  // A key left from earlier in this browser session: check it is still good.
  const check = useQuery((signal) => client.request(VIEWER_QUERY, {}, { signal, silentAuth: true }), [], {
    skip: session.status !== 'checking',
  });
  useEffect(() => {
    if (session.status !== 'checking') return;
    if (check.data) setSession({ status: 'signedIn', viewer: check.data.viewer });
    else if (check.error) signOut(check.error.unauthenticated ? SESSION_ENDED : `Could not check your session: ${check.error.message}`);
  }, [check.data, check.error]);

  if (session.status === 'checking') {
    return (
      <div class="boot" role="status">
        Checking your session…
      </div>
    );
  }
  if (session.status === 'signedOut') {
    return <SignIn client={client} notice={session.notice} onSignedIn={signIn} />;
  }
  return (
    <ClientContext.Provider value={client}>
      <ViewerContext.Provider value={session.viewer}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <Header viewer={session.viewer} onSignOut={() => signOut()} />
        <main id="main" class="main" tabIndex={-1}>
          <Routes />
        </main>
      </ViewerContext.Provider>
    </ClientContext.Provider>
  );
}

function Routes() {
  const { path, params } = useLocation();
  const route = matchRoute(path);
  if (route.name === 'pool') return <PoolPage tab={route.tab} params={params} />;
  if (route.name === 'partners') return <PartnersPage />;
  if (route.name === 'audit') return <AuditPage params={params} />;
  if (route.name === 'sso') return <SsoSettings />;
  if (route.name === 'serials') {
    return <SerialsPage key={route.code} code={route.code} status={params.get('status') || ''} />;
  }
  return (
    <section class="page">
      <h1 class="page-title">Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>.{' '}
        <a
          href={POOL_PATH}
          onClick={(e) => {
            e.preventDefault();
            navigate(POOL_PATH);
          }}
        >
          Go to the serial number pool
        </a>
        .
      </p>
    </section>
  );
}
