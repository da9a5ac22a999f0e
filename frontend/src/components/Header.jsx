// @ts-check
import { roleLabel } from '../format.js';
import { onLinkClick, POOL_PATH } from '../router.js';
import { LogoMark } from './icons.jsx';

/**
 * @param {{viewer: import('./App.jsx').Viewer, onSignOut: () => void}} props
 */
export function Header({ viewer, onSignOut }) {
  return (
    <header class="app-header">
      <div class="app-header-inner">
        <a class="brand" href={POOL_PATH} onClick={onLinkClick}>
          <LogoMark />
          <span class="brand-name">serialpool</span>
        </a>
        <nav class="main-nav" aria-label="Main">
          <a href={POOL_PATH} onClick={onLinkClick} aria-current="page">
            SN/SSCC pool
          </a>
        </nav>
        <div class="account" aria-label="Signed in as">
          <span class="account-tenant" data-testid="tenant-name">
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
