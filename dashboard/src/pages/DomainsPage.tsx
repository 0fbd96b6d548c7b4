import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { domainsApi, type Domain } from '../domains/domainsApi';
import { formatDate, formatFull } from '../format';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  onSessionLost: (err: unknown) => void;
}

/** Domains of the organization: add one, then publish its records and verify it (DomainPage). */
export function DomainsPage({ token, organization, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [domains, setDomains] = useState<Domain[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = () => attempt(async () => setDomains(await domainsApi.list(token, orgId)));
  useEffect(() => {
    setDomains(null);
    void reload();
  }, [orgId]);

  async function add(e: Event) {
    e.preventDefault();
    setBusy(true);
    const added = await attempt(() => domainsApi.create(token, orgId, name.trim()));
    setBusy(false);
    if (added) navigate(paths.domain(orgId, added.name));
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Domains</h1>
          <p class="lead">
            Your own domains, for inbox addresses of <strong>{organization.name}</strong> and DKIM-signed mail. A domain is usable once
            its DNS records are published and verified.
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      <form class="card form" aria-label="New domain" onSubmit={add}>
        <h2>Add a domain</h2>
        <div class="field-row">
          <label class="field field-grow">
            <span class="field-label">Domain name</span>
            <input class="input" required maxLength={253} value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="mail.example.com" />
          </label>
          <div class="field field-button">
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? 'Adding…' : 'Add domain'}
            </button>
          </div>
        </div>
      </form>
      {(domains !== null || !error) && (
      <section class="card" aria-label="Domains">
        {domains === null ? (
          <p class="empty">Loading domains…</p>
        ) : domains.length === 0 ? (
          <p class="empty">No domains yet. Add one above; you will then get the DNS records to publish for it.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">Status</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {domains.map((d) => (
                  <tr key={d.id} data-domain={d.name}>
                    <th scope="row" class="key-name">
                      <Link href={paths.domain(orgId, d.name)}>{d.name}</Link>
                    </th>
                    <td>
                      <span class={`badge ${d.verified ? 'badge-on' : 'badge-off'}`}>{d.verified ? 'Verified' : 'Not verified'}</span>
                    </td>
                    <td title={formatFull(d.createdAt)}>{formatDate(d.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      )}
    </>
  );
}
