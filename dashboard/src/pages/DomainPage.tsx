import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, type Organization } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { domainsApi, type Domain } from '../domains/domainsApi';
import { RecordsTable } from '../domains/RecordsTable';
import { formatDateTime } from '../format';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  domain: string;
  onSessionLost: (err: unknown) => void;
}

/** One domain: the records to publish with their status, Verify, and delete. */
export function DomainPage({ token, organization, domain, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [found, setFound] = useState<Domain | null>(null);
  const [verifying, setVerifying] = useState(false);
  /** 'force': the domain is in use by inboxes and the user is asked again. */
  const [deleting, setDeleting] = useState<'ask' | 'force' | 'busy' | null>(null);
  const [inUse, setInUse] = useState('');

  const reload = () => attempt(async () => setFound(await domainsApi.get(token, orgId, domain)));
  useEffect(() => {
    setFound(null);
    void reload();
  }, [orgId, domain]);

  async function verify() {
    setVerifying(true);
    const checked = await attempt(() => domainsApi.verify(token, orgId, domain));
    setVerifying(false);
    if (checked) setFound(checked);
  }

  async function remove(force: boolean) {
    setDeleting('busy');
    let refusedInUse = false;
    const deleted = await attempt(() =>
      domainsApi.remove(token, orgId, domain, force).catch((err: unknown) => {
        if (!(err instanceof ApiFailure && err.code === 'domain_in_use')) throw err;
        refusedInUse = true;
        setInUse(err.message);
        return null;
      }),
    );
    if (refusedInUse) return setDeleting('force');
    setDeleting(null);
    if (deleted) navigate(paths.domains(orgId));
  }

  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.domains(orgId)}>Domains</Link> /
      </p>
      <div class="page-head">
        <div class="min-0">
          <h1 class="break">{found ? found.name : domain}</h1>
          {found && (
            <p class="lead">
              <span class={`badge ${found.verified ? 'badge-on' : 'badge-off'}`}>{found.verified ? 'Verified' : 'Not verified'}</span>
              {found.verifiedAt && ` since ${formatDateTime(found.verifiedAt)}`}
              {` · last checked ${formatDateTime(found.lastCheckedAt, 'never')}`}
            </p>
          )}
        </div>
        <div class="head-actions">
          <button type="button" class="button button-small button-primary" disabled={verifying || !found} onClick={() => void verify()}>
            {verifying ? 'Checking DNS…' : 'Verify'}
          </button>
          <button type="button" class="button button-small button-danger-outline" disabled={!found} onClick={() => setDeleting('ask')}>
            Delete
          </button>
        </div>
      </div>
      <ErrorNotice error={error} />
      {found && (
        <section class="card" aria-label="DNS records">
          <h2>DNS records</h2>
          <p class="hint">
            Publish these at your DNS provider, then press Verify. The first four are required; DMARC is recommended. DNS changes can take
            a while to be seen.
          </p>
          <RecordsTable records={found.records} />
        </section>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${domain}?`}
          confirmLabel={deleting === 'force' ? 'Delete anyway' : 'Delete domain'}
          busy={deleting === 'busy'}
          onConfirm={() => void remove(deleting === 'force')}
          onCancel={() => setDeleting(null)}
        >
          {deleting === 'force' ? (
            <p>
              {inUse} Deleting it anyway leaves those inboxes unable to send, and mail to them is refused.
            </p>
          ) : (
            <p>Inboxes on this domain stop sending and receiving. Its DKIM key is deleted with it.</p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
