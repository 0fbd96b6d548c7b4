import type { ComponentChildren } from 'preact';
import type { Organization, UserWithOrganizations } from '../api';
import { navigate, paths } from '../router';
import { Link } from './Link';
import { OrganizationSwitcher } from './OrganizationSwitcher';

/** The organization's sections, in the sidebar's order; `pages` are the routes each one covers. */
const SECTIONS = [
  { heading: 'Mail', label: 'Inboxes', path: paths.inboxes, pages: ['inboxes', 'inbox', 'compose', 'message', 'thread'] },
  { heading: null, label: 'Webhooks', path: paths.webhooks, pages: ['webhooks', 'webhook'] },
  { heading: null, label: 'Domains', path: paths.domains, pages: ['domains', 'domain'] },
  { heading: 'Settings', label: 'API Keys', path: paths.apiKeys, pages: ['apiKeys', 'apiKey'] },
  { heading: 'Monitoring', label: 'Usage', path: paths.usage, pages: ['usage'] },
  { heading: null, label: 'Logs', path: paths.logs, pages: ['logs'] },
];

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

/** The signed-in frame: organization switcher and account in the header, the sections on the left. */
export function Layout({ user, token, currentOrgId, currentPage, onOrganizationCreated, onSessionLost, onLogout, children }: Props) {
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
          {currentOrgId &&
            SECTIONS.map((section) => {
              const active = section.pages.includes(currentPage);
              return [
                section.heading && <p class="sidenav-heading">{section.heading}</p>,
                <Link key={section.label} href={section.path(currentOrgId)} class={active ? 'sidenav-link active' : 'sidenav-link'} aria-current={active ? 'page' : undefined}>
                  {section.label}
                </Link>,
              ];
            })}
        </nav>
        <main class="content">{children}</main>
      </div>
    </div>
  );
}
