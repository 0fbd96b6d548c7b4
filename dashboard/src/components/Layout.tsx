import type { ComponentChildren } from 'preact';
import type { Organization, UserWithOrganizations } from '../api';
import { navigate, paths } from '../router';
import { OrganizationSwitcher } from './OrganizationSwitcher';

interface Props {
  user: UserWithOrganizations;
  token: string;
  currentOrgId: string | null;
  currentPage: string;
  onOrganizationCreated: (org: Organization) => void;
  onSessionLost: (err: unknown) => void;
  onLogout: () => void;
  children: ComponentChildren;
}

/** The signed-in frame: organization switcher and account in the header, settings on the left. */
export function Layout({ user, token, currentOrgId, currentPage, onOrganizationCreated, onSessionLost, onLogout, children }: Props) {
  const link = (label: string, path: string, active: boolean) => (
    <a
      class={active ? 'sidenav-link active' : 'sidenav-link'}
      aria-current={active ? 'page' : undefined}
      href={path}
      onClick={(e) => (e.preventDefault(), navigate(path))}
    >
      {label}
    </a>
  );
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={paths.apiKeys(currentOrgId ?? '')} onClick={(e) => (e.preventDefault(), currentOrgId && navigate(paths.apiKeys(currentOrgId)))}>
          Sendook
        </a>
        <OrganizationSwitcher
          token={token}
          organizations={user.organizations}
          currentOrgId={currentOrgId}
          onCreated={onOrganizationCreated}
          onSessionLost={onSessionLost}
        />
        <div class="account">
          <span class="account-email" title={`${user.firstName} ${user.lastName}`}>
            {user.email}
          </span>
          <button type="button" class="button button-small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <div class="body">
        <nav class="sidenav" aria-label="Sections">
          <p class="sidenav-heading">Monitoring</p>
          {currentOrgId && link('Usage', paths.usage(currentOrgId), currentPage === 'usage')}
          {currentOrgId && link('Logs', paths.logs(currentOrgId), currentPage === 'logs')}
          <p class="sidenav-heading">Settings</p>
          {currentOrgId && link('API Keys', paths.apiKeys(currentOrgId), currentPage === 'apiKeys' || currentPage === 'apiKey')}
        </nav>
        <main class="content">{children}</main>
      </div>
    </div>
  );
}
