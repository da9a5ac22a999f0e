// @ts-check
import { roleLabel } from '../format.js';
import { canAdminister } from '../roles.js';
import { ADMIN_PATH, AUDIT_PATH, HOME_PATH, matchRoute, onLinkClick, PACK_EVENTS_PATH, PARTNERS_PATH, POOL_PATH, SSO_PATH, USERS_PATH, useLocation } from '../router.js';
import { LogoMark } from './icons.jsx';

/**
 * @param {{viewer: import('./App.jsx').Viewer, onSignOut: () => void}} props
 */
export function Header({ viewer, onSignOut }) {
  const { path } = useLocation();
  const route = matchRoute(path);
  const section = route.name === 'notFound' ? '' : route.name === 'serials' ? 'pool' : route.name;
  return (
    <header class="app-header">
      <div class="app-header-inner">
        <a class="brand" href={POOL_PATH} onClick={onLinkClick}>
          <LogoMark />
          <span class="brand-name">serialpool</span>
        </a>
        <nav class="main-nav" aria-label="Main">
          <a href={HOME_PATH} onClick={onLinkClick} aria-current={section === 'home' ? 'page' : undefined}>
            Home
          </a>
          <a href={POOL_PATH} onClick={onLinkClick} aria-current={section === 'pool' ? 'page' : undefined}>
            SN/SSCC pool
          </a>
          <a href={PACK_EVENTS_PATH} onClick={onLinkClick} aria-current={section === 'packEvents' ? 'page' : undefined}>
            Pack events
          </a>
          <a href={PARTNERS_PATH} onClick={onLinkClick} aria-current={section === 'partners' ? 'page' : undefined}>
            Partners
          </a>
          <a href={AUDIT_PATH} onClick={onLinkClick} aria-current={section === 'audit' ? 'page' : undefined}>
            Audit trail
          </a>
          {canAdminister(viewer.role) ? (
            <>
              <a href={ADMIN_PATH} onClick={onLinkClick} aria-current={section === 'admin' ? 'page' : undefined}>
                Administration
              </a>
              <a href={USERS_PATH} onClick={onLinkClick} aria-current={section === 'users' ? 'page' : undefined}>
                Users
              </a>
              <a href={SSO_PATH} onClick={onLinkClick} aria-current={section === 'sso' ? 'page' : undefined}>
                Single sign-on
              </a>
            </>
          ) : null}
        </nav>
        <div class="account" aria-label="Signed in as">
          {viewer.user ? (
            <span class="account-person" data-testid="person-name" title={viewer.user.email}>
              {viewer.user.name}
            </span>
          ) : null}
          <span class="account-tenant" data-testid="tenant-name" title={viewer.tenant.name}>
            {viewer.tenant.name}
          </span>
          <span class={`role-badge role-${viewer.role.toLowerCase()}`} data-testid="role">
            {roleLabel(viewer.role)}
          </span>
          <button type="button" class="button button-ghost" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
