import { useEffect, useState } from 'preact/hooks';
import { api, isSessionLost, type ApiKey, type Inbox, type NewApiKey, type NewKeyBody, type Organization } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CreateKeyForm } from '../components/CreateKeyForm';
import { ErrorNotice } from '../components/ErrorNotice';
import { KeysTable } from '../components/KeysTable';
import { NewKeyPanel } from '../components/NewKeyPanel';
import { RollKeyDialog } from '../components/RollKeyDialog';

interface Props {
  token: string;
  organization: Organization;
  /** A key created elsewhere (at registration) whose secret this page shows once. */
  initialNewKey: NewApiKey | null;
  /** Called once the page has taken `initialNewKey`, so it is never shown twice. */
  onInitialNewKeyTaken: () => void;
  onSessionLost: (err: unknown) => void;
}

/** Settings → API Keys of one organization: list, create, deactivate/reactivate, roll, delete. */
export function ApiKeysPage({ token, organization, initialNewKey, onInitialNewKeyTaken, onSessionLost }: Props) {
  const orgId = organization.id;
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [newKey, setNewKey] = useState<NewApiKey | null>(initialNewKey);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<ApiKey | null>(null);
  const [toRoll, setToRoll] = useState<ApiKey | null>(null);
  const [inboxes, setInboxes] = useState<Inbox[] | null>(null);

  /** Runs a request; a lost session goes back to login, anything else is shown on the page. */
  async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    setError(null);
    try {
      return await work();
    } catch (err) {
      if (isSessionLost(err)) onSessionLost(err);
      else setError(err);
      return undefined;
    }
  }

  const reload = () => attempt(async () => setKeys(await api.listKeys(token, orgId)));
  const loadInboxes = () => attempt(async () => setInboxes(await api.listInboxes(token, orgId)));

  useEffect(() => {
    setKeys(null);
    const taken = initialNewKey?.organizationId === orgId;
    setNewKey(taken ? initialNewKey : null);
    if (taken) onInitialNewKeyTaken();
    setInboxes(null);
    void reload();
    void loadInboxes();
  }, [orgId]);

  async function create(body: NewKeyBody): Promise<boolean> {
    setCreating(true);
    const created = await attempt(() => api.createKey(token, orgId, body));
    setCreating(false);
    if (!created) return false;
    setNewKey(created);
    const { key: _secret, ...shown } = created;
    setKeys((list) => [shown, ...(list ?? [])]);
    return true;
  }

  async function toggle(key: ApiKey) {
    setBusyId(key.id);
    const updated = await attempt(() => api.setKeyActive(token, orgId, key.id, !key.active));
    setBusyId(null);
    if (updated) setKeys((list) => (list ?? []).map((k) => (k.id === updated.id ? updated : k)));
  }

  async function confirmRoll(graceSeconds: number) {
    if (!toRoll) return;
    const target = toRoll;
    setBusyId(target.id);
    const rolled = await attempt(() => api.rollKey(token, orgId, target.id, graceSeconds));
    setBusyId(null);
    setToRoll(null);
    if (!rolled) return;
    setNewKey(rolled);
    // The old key's expiresAt and rolledTo changed: take them from the server.
    await reload();
  }

  async function confirmDelete() {
    if (!toDelete) return;
    const target = toDelete;
    setBusyId(target.id);
    const deleted = await attempt(() => api.deleteKey(token, orgId, target.id));
    setBusyId(null);
    setToDelete(null);
    if (!deleted) return;
    setKeys((list) => (list ?? []).filter((k) => k.id !== target.id));
    // The secret of a deleted key is worthless: stop showing it.
    setNewKey((shown) => (shown?.id === target.id ? null : shown));
  }

  return (
    <>
      <div class="page-head">
        <div>
          <h1>API Keys</h1>
          <p class="lead">
            Keys authenticate requests to <code>/v1</code> for <strong>{organization.name}</strong>. Every key of the
            organization shares its request budget.
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      {newKey && <NewKeyPanel apiKey={newKey} onDone={() => setNewKey(null)} />}
      <CreateKeyForm busy={creating} inboxes={inboxes} onCreate={create} />
      <section class="card" aria-label="API keys">
        {keys === null ? <p class="empty">Loading keys…</p> : <KeysTable keys={keys} busyId={busyId} onToggle={toggle} onRoll={setToRoll} onDelete={setToDelete} />}
      </section>
      {toRoll && <RollKeyDialog apiKey={toRoll} busy={busyId === toRoll.id} onConfirm={(grace) => void confirmRoll(grace)} onCancel={() => setToRoll(null)} />}
      {toDelete && (
        <ConfirmDialog
          title={`Delete the key “${toDelete.name}”?`}
          confirmLabel="Delete key"
          busy={busyId === toDelete.id}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setToDelete(null)}
        >
          <p>
            Requests made with <code>{toDelete.start}…</code> will be refused at once. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
