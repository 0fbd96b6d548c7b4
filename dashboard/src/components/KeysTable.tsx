import type { ApiKey } from '../api';
import { formatDate, formatDateTime, formatFull } from '../format';
import { navigate, paths } from '../router';

interface Props {
  keys: ApiKey[];
  busyId: string | null;
  onToggle: (key: ApiKey) => void;
  onRoll: (key: ApiKey) => void;
  onDelete: (key: ApiKey) => void;
}

export function KeysTable({ keys, busyId, onToggle, onRoll, onDelete }: Props) {
  if (keys.length === 0) return <p class="empty">No API keys yet. Create one above.</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Access</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} data-key-id={key.id}>
              <th scope="row" class="key-name">
                <a href={paths.apiKey(key.organizationId, key.id)} onClick={(e) => (e.preventDefault(), navigate(paths.apiKey(key.organizationId, key.id)))}>
                  {key.name}
                </a>
              </th>
              <td class="mono">{key.start}…</td>
              <td>
                <Access apiKey={key} />
              </td>
              <td>
                <When iso={key.createdAt} text={formatDate(key.createdAt)} />
              </td>
              <td class="last-used">
                <When iso={key.lastUsedAt} text={formatDateTime(key.lastUsedAt)} />
              </td>
              <td>
                {/* A rolled key's grace ends within days: the time matters. */}
                <When iso={key.expiresAt} text={key.rolledTo ? formatDateTime(key.expiresAt) : formatDate(key.expiresAt)} />
              </td>
              <td>
                <Status apiKey={key} />
              </td>
              <td class="actions">
                <button type="button" class="button button-small" disabled={busyId === key.id} onClick={() => onToggle(key)}>
                  {key.active ? 'Deactivate' : 'Reactivate'}
                </button>
                <button
                  type="button"
                  class="button button-small"
                  disabled={busyId === key.id || key.rolledTo !== null}
                  title={key.rolledTo !== null ? 'Already rolled: roll its successor instead' : 'A new secret now; this one keeps working for a grace period'}
                  onClick={() => onRoll(key)}
                >
                  Roll
                </button>
                <button type="button" class="button button-small button-danger-outline" disabled={busyId === key.id} onClick={() => onDelete(key)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A date as short text, with the full date and time on hover. */
function When({ iso, text }: { iso: string | null; text: string }) {
  if (!iso) return <>{text}</>;
  return (
    <time dateTime={iso} title={formatFull(iso)}>
      {text}
    </time>
  );
}

function Status({ apiKey }: { apiKey: ApiKey }) {
  if (!apiKey.active) return <span class="badge badge-off">Inactive</span>;
  if (apiKey.expiresAt && Date.parse(apiKey.expiresAt) <= Date.now()) return <span class="badge badge-off">{apiKey.rolledTo ? 'Rolled' : 'Expired'}</span>;
  // In its grace: the Expires column says until when.
  if (apiKey.rolledTo) return <span class="badge badge-on" title={`Rolled: works until ${formatFull(apiKey.expiresAt)}`}>Rolled</span>;
  return <span class="badge badge-on">Active</span>;
}

/** Its scopes as chips ("Full access" for `*`), and its inbox restriction. */
function Access({ apiKey }: { apiKey: ApiKey }) {
  const full = apiKey.scopes.includes('*');
  const inboxes = apiKey.inboxIds;
  return (
    <div class="scopes" aria-label="Scopes">
      {full ? <span class="scope">Full access</span> : apiKey.scopes.map((scope) => <span class="scope mono" key={scope}>{scope}</span>)}
      {inboxes && <span class="scope" title={inboxes.join(', ')}>{inboxes.length === 1 ? '1 inbox' : `${inboxes.length} inboxes`}</span>}
    </div>
  );
}
