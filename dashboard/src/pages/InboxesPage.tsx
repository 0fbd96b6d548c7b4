import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatDate, formatDateTime, formatFull } from '../format';
import { CreateInboxForm } from '../mail/CreateInboxForm';
import { mailApi, type InboxRecord } from '../mail/mailApi';
import { paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  onSessionLost: (err: unknown) => void;
}

/** How many inboxes get their newest message looked up: one request each, from the request budget. */
const LATEST_LOOKUPS = 25;

/** Inboxes of the organization: list with each one's newest mail, create, rename, delete. */
export function InboxesPage({ token, organization, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [inboxes, setInboxes] = useState<InboxRecord[] | null>(null);
  const [latest, setLatest] = useState<Record<string, string | null>>({});
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [toDelete, setToDelete] = useState<InboxRecord | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  async function reload() {
    const list = await attempt(() => mailApi.listInboxes(token, orgId));
    if (!list) return;
    setInboxes(list);
    // The API has no message count: the newest message's time says whether an inbox is in use.
    const found = await Promise.all(
      list.slice(0, LATEST_LOOKUPS).map(async (inbox) => {
        const [newest] = await mailApi.listMessages(token, orgId, inbox.id, { limit: 1 }).catch(() => [undefined]);
        return [inbox.id, newest ? newest.createdAt : null] as const;
      }),
    );
    setLatest(Object.fromEntries(found));
  }
  useEffect(() => {
    setInboxes(null);
    void reload();
  }, [orgId]);

  async function create(body: { name?: string; email?: string }): Promise<boolean> {
    setCreating(true);
    const created = await attempt(() => mailApi.createInbox(token, orgId, body));
    setCreating(false);
    if (!created) return false;
    setInboxes((list) => [created, ...(list ?? [])]);
    setLatest((known) => ({ ...known, [created.id]: null }));
    return true;
  }

  async function saveName() {
    if (!renaming) return;
    setBusyId(renaming.id);
    const name = renaming.name.trim();
    const updated = await attempt(() => mailApi.renameInbox(token, orgId, renaming.id, name === '' ? null : name));
    setBusyId(null);
    if (!updated) return;
    setRenaming(null);
    setInboxes((list) => (list ?? []).map((i) => (i.id === updated.id ? updated : i)));
  }

  async function confirmDelete() {
    if (!toDelete) return;
    const target = toDelete;
    setBusyId(target.id);
    const deleted = await attempt(() => mailApi.deleteInbox(token, orgId, target.id));
    setBusyId(null);
    setToDelete(null);
    if (deleted) setInboxes((list) => (list ?? []).filter((i) => i.id !== target.id));
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Inboxes</h1>
          <p class="lead">
            Addresses of <strong>{organization.name}</strong> that send and receive mail.
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      <CreateInboxForm busy={creating} domainsPath={paths.domains(orgId)} onCreate={create} />
      <section class="card" aria-label="Inboxes">
        {inboxes === null ? (
          <p class="empty">Loading inboxes…</p>
        ) : inboxes.length === 0 ? (
          <p class="empty">No inboxes yet. Create one above to get an address that receives mail.</p>
        ) : (
          <div class="table-wrap">
            <table class="table stack">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Newest mail</th>
                  <th scope="col" class="actions">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {inboxes.map((inbox) => (
                  <tr key={inbox.id} data-inbox-id={inbox.id}>
                    <th scope="row" class="key-name">
                      <Link href={paths.inbox(orgId, inbox.id)}>{inbox.email}</Link>
                    </th>
                    <td data-label="Name">
                      {renaming?.id === inbox.id ? (
                        <form class="inline-form" onSubmit={(e) => (e.preventDefault(), void saveName())}>
                          <label class="visually-hidden" for={`rename-${inbox.id}`}>
                            New name
                          </label>
                          <input id={`rename-${inbox.id}`} class="input" maxLength={200} value={renaming.name} onInput={(e) => setRenaming({ id: inbox.id, name: e.currentTarget.value })} autoFocus />
                          <button type="submit" class="button button-small button-primary" disabled={busyId === inbox.id}>
                            Save
                          </button>
                          <button type="button" class="button button-small" onClick={() => setRenaming(null)}>
                            Cancel
                          </button>
                        </form>
                      ) : (
                        inbox.name ?? <span class="muted">(no name)</span>
                      )}
                    </td>
                    <td data-label="Created" title={formatFull(inbox.createdAt)}>{formatDate(inbox.createdAt)}</td>
                    <td data-label="Newest mail" title={formatFull(latest[inbox.id] ?? null)}>{inbox.id in latest ? formatDateTime(latest[inbox.id] ?? null, 'No mail yet') : '—'}</td>
                    <td class="actions">
                      <button type="button" class="button button-small" onClick={() => setRenaming({ id: inbox.id, name: inbox.name ?? '' })}>
                        Rename
                      </button>
                      <button type="button" class="button button-small button-danger-outline" disabled={busyId === inbox.id} onClick={() => setToDelete(inbox)}>
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
        <ConfirmDialog
          title={`Delete the inbox ${toDelete.email}?`}
          confirmLabel="Delete inbox and its mail"
          busy={busyId === toDelete.id}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setToDelete(null)}
        >
          <p>
            All of its mail goes with it: every message, thread and attachment it sent or received is deleted. Mail sent to{' '}
            <code>{toDelete.email}</code> afterwards is refused. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
