import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice, InfoNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatDate, formatFull } from '../format';
import { paths } from '../router';
import { useAttempt } from '../useAttempt';
import { NewWebhookForm } from '../webhooks/NewWebhookForm';
import { SecretPanel } from '../webhooks/SecretPanel';
import { webhooksApi, type NewWebhook, type Webhook } from '../webhooks/webhooksApi';

interface Props {
  token: string;
  organization: Organization;
  onSessionLost: (err: unknown) => void;
}

/** Webhooks of the organization: list, create (secret shown once), send a test, delete. */
export function WebhooksPage({ token, organization, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [created, setCreated] = useState<NewWebhook | null>(null);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [tested, setTested] = useState<Webhook | null>(null);
  const [toDelete, setToDelete] = useState<Webhook | null>(null);

  const reload = () => attempt(async () => setHooks(await webhooksApi.list(token, orgId)));
  useEffect(() => {
    setHooks(null);
    setCreated(null);
    void reload();
  }, [orgId]);

  async function create(body: { url: string; events: string[] }) {
    setCreating(true);
    const hook = await attempt(() => webhooksApi.create(token, orgId, body));
    setCreating(false);
    if (!hook) return false;
    setCreated(hook);
    const { secret: _secret, ...shown } = hook;
    setHooks((list) => [shown, ...(list ?? [])]);
    return true;
  }

  async function sendTest(hook: Webhook) {
    setBusyId(hook.id);
    const sent = await attempt(() => webhooksApi.test(token, orgId, hook.id));
    setBusyId(null);
    if (sent) setTested(hook);
  }

  async function confirmDelete() {
    if (!toDelete) return;
    const target = toDelete;
    setBusyId(target.id);
    const deleted = await attempt(() => webhooksApi.remove(token, orgId, target.id));
    setBusyId(null);
    setToDelete(null);
    if (!deleted) return;
    setHooks((list) => (list ?? []).filter((h) => h.id !== target.id));
    setCreated((shown) => (shown?.id === target.id ? null : shown));
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Webhooks</h1>
          <p class="lead">
            Endpoints that <strong>{organization.name}</strong>'s events are posted to, signed with each webhook's secret.
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      {created && <SecretPanel webhook={created} onDone={() => setCreated(null)} />}
      {tested && (
        <InfoNotice>
          A <code>webhook.test</code> event is on its way to <span class="break">{tested.url}</span>.{' '}
          <Link href={paths.webhook(orgId, tested.id)}>See its delivery attempts</Link>.
        </InfoNotice>
      )}
      <NewWebhookForm busy={creating} onCreate={create} />
      <section class="card" aria-label="Webhooks">
        {hooks === null ? (
          <p class="empty">Loading webhooks…</p>
        ) : hooks.length === 0 ? (
          <p class="empty">No webhooks yet. Create one above to be told when mail arrives or is sent.</p>
        ) : (
          <div class="table-wrap">
            <table class="table stack">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Events</th>
                  <th scope="col">Created</th>
                  <th scope="col" class="actions">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {hooks.map((hook) => (
                  <tr key={hook.id} data-webhook-id={hook.id}>
                    <th scope="row" class="key-name url-cell">
                      <Link href={paths.webhook(orgId, hook.id)}>{hook.url}</Link>
                    </th>
                    <td data-label="Events">
                      <span class="scopes">
                        {hook.events.map((e) => (
                          <span key={e} class="scope">
                            {e}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td data-label="Created" title={formatFull(hook.createdAt)}>{formatDate(hook.createdAt)}</td>
                    <td class="actions">
                      <button type="button" class="button button-small" disabled={busyId === hook.id} onClick={() => void sendTest(hook)}>
                        Send test
                      </button>
                      <button type="button" class="button button-small button-danger-outline" disabled={busyId === hook.id} onClick={() => setToDelete(hook)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {toDelete && (
        <ConfirmDialog title="Delete this webhook?" confirmLabel="Delete webhook" busy={busyId === toDelete.id} onConfirm={() => void confirmDelete()} onCancel={() => setToDelete(null)}>
          <p>
            <code class="break">{toDelete.url}</code> will receive no more events from this webhook.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
