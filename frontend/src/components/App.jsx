// @ts-check
/**
 * The application shell: session (a person signed in; the cookie is the server's, the
 * CSRF token kept in memory), header, routing.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createClient } from '../api.js';
import { closeLive } from '../live.js';
import { fetchSession, logout } from '../session.js';
import { matchRoute, navigate, useLocation, POOL_PATH } from '../router.js';
import { ClientContext, ViewerContext } from './context.js';
import { Header } from './Header.jsx';
import { AcceptInvitation, SignIn } from './SignIn.jsx';
import { PoolPage } from './PoolPage.jsx';
import { SerialsPage } from './SerialsPage.jsx';
import { PartnersPage } from './partners/PartnersPage.jsx';
import { AuditPage } from './AuditPage.jsx';
import { TimeZoneSetting } from './TimeZoneSetting.jsx';
import { onTimeZoneChange } from '../format.js';
import { UsersPage } from './UsersPage.jsx';
import { SsoSettings } from './sso/SsoSettings.jsx';
import { HomePage } from './HomePage.jsx';
import { PackEventsPage } from './PackEventsPage.jsx';
import { AdminPage } from './AdminPage.jsx';

/**
 * @typedef {{tenant: {id: string, name: string}, role: string, user?: {name: string, email: string}}} Viewer
 * @typedef {{status: 'checking'} | {status: 'signedOut', notice?: string}
 *   | {status: 'signedIn', viewer: Viewer}} Session
 */

export const SESSION_ENDED = 'Your session has ended. Sign in again.';

/** @param {import('../session.js').SessionInfo} info @returns {Viewer} */
const viewerOf = (info) => ({ tenant: info.tenant, role: info.user.role.toUpperCase(), user: info.user });

/** @param {{fetch?: typeof fetch}} props fetch is injectable for tests */
export function App({ fetch: fetchImpl }) {
  const doFetch = fetchImpl || ((input, init) => globalThis.fetch(input, init));
  const csrfRef = useRef(/** @type {string | null} */ (null));
  const [session, setSession] = useState(/** @type {Session} */ ({ status: 'checking' }));

  const client = useMemo(
    () =>
      createClient({
        fetch: fetchImpl,
        getCsrfToken: () => csrfRef.current,
        onUnauthenticated: () => signedOut(SESSION_ENDED),
      }),
    [],
  );

  /** @param {string} [notice] */
  function signedOut(notice) {
    csrfRef.current = null;
    closeLive(); // the WebSocket of live counts speaks for the session
    setSession({ status: 'signedOut', notice });
  }

  async function signOut() {
    // The server ends the session before the page says so: a reload or a closed tab
    // right after would otherwise cut the request and leave the session alive.
    try {
      await logout(doFetch, csrfRef.current);
    } catch {
      // the server ends idle sessions itself
    }
    signedOut();
  }

  /** Reads who is signed in (after sign-in, or a session from before this page). */
  async function loadSession() {
    try {
      const info = await fetchSession(doFetch);
      if (!info) {
        signedOut();
        return;
      }
      csrfRef.current = info.csrfToken;
      setSession({ status: 'signedIn', viewer: viewerOf(info) });
    } catch (err) {
      signedOut(`Could not check your session: ${/** @type {Error} */ (err).message}`);
    }
  }

  // Every time on screen follows the time-zone setting: render again when it changes.
  const [, setZoneVersion] = useState(0);
  useEffect(() => onTimeZoneChange(() => setZoneVersion((v) => v + 1)), []);

  useEffect(() => {
    loadSession();
  }, []);

  if (session.status === 'checking') {
    return (
      <div class="boot" role="status">
        Checking your session…
      </div>
    );
  }
  if (session.status === 'signedOut') {
    if (globalThis.location.pathname === '/invitation' && globalThis.location.hash.length > 1) {
      return <AcceptInvitation fetch={doFetch} token={globalThis.location.hash.slice(1)} onSignedIn={loadSession} />;
    }
    return <SignIn fetch={doFetch} notice={session.notice} onSignedIn={loadSession} />;
  }
  return (
    <ClientContext.Provider value={client}>
      <ViewerContext.Provider value={session.viewer}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <Header viewer={session.viewer} onSignOut={signOut} />
        <main id="main" class="main" tabIndex={-1}>
          <Routes />
        </main>
        <footer class="app-footer">
          <TimeZoneSetting />
        </footer>
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
  if (route.name === 'users') return <UsersPage />;
  if (route.name === 'sso') return <SsoSettings />;
  if (route.name === 'home') return <HomePage />;
  if (route.name === 'packEvents') return <PackEventsPage params={params} />;
  if (route.name === 'admin') return <AdminPage />;
  if (route.name === 'serials') {
    return <SerialsPage key={route.code} code={route.code} />;
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
