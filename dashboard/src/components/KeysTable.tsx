import type { ApiKey } from '../api';
import { formatDate, formatDateTime, formatFull } from '../format';
import { navigate, paths } from '../router';

interface Props {
  keys: ApiKey[];
  busyId: string | null;
  onToggle: (key: ApiKey) => void;
  onDelete: (key: ApiKey) => void;
}

export function KeysTable({ keys, busyId, onToggle, onDelete }: Props) {
  if (keys.length === 0) return <p class="empty">No API keys yet. Create one above.</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
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
                <When iso={key.createdAt} text={formatDate(key.createdAt)} />
              </td>
              <td class="last-used">
                <When iso={key.lastUsedAt} text={formatDateTime(key.lastUsedAt)} />
              </td>
              <td>
                <When iso={key.expiresAt} text={formatDate(key.expiresAt)} />
              </td>
              <td>
                <Status apiKey={key} />
              </td>
              <td class="actions">
                <button type="button" class="button button-small" disabled={busyId === key.id} onClick={() => onToggle(key)}>
                  {key.active ? 'Deactivate' : 'Reactivate'}
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
  if (apiKey.expiresAt && Date.parse(apiKey.expiresAt) <= Date.now()) return <span class="badge badge-off">Expired</span>;
  return <span class="badge badge-on">Active</span>;
}
