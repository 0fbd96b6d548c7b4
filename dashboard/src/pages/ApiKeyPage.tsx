import { useEffect, useState } from 'preact/hooks';
import { api, type ApiKey, type KeyClient, type Organization, type UsagePoint } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { UsageChart } from '../components/UsageChart';
import { formatDateTime, formatFull } from '../format';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';
import { WINDOWS, windowStart } from '../usageWindows';

interface Props {
  token: string;
  organization: Organization;
  keyId: string;
  onSessionLost: (err: unknown) => void;
}

/** One key: its last hour of requests and the clients (address, user agent) that used it. */
export function ApiKeyPage({ token, organization, keyId, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [key, setKey] = useState<ApiKey | null>(null);
  const [clients, setClients] = useState<KeyClient[] | null>(null);
  const [points, setPoints] = useState<UsagePoint[] | null>(null);
  const [from, setFrom] = useState(0);
  const w = WINDOWS[0]!;

  async function reload() {
    const start = windowStart(w);
    await attempt(async () => {
      const [k, c, u] = await Promise.all([
        api.getKey(token, orgId, keyId),
        api.clients(token, orgId, keyId),
        api.usage(token, orgId, { granularity: w.granularity, from: new Date(start), apiKeyId: keyId }),
      ]);
      setKey(k);
      setClients(c);
      setFrom(start);
      setPoints(u);
    });
  }
  useEffect(() => void reload(), [orgId, keyId]);

  return (
    <>
      <p class="breadcrumb">
        <a href={paths.apiKeys(orgId)} onClick={(e) => (e.preventDefault(), navigate(paths.apiKeys(orgId)))}>
          API Keys
        </a>{' '}
        /
      </p>
      <div class="page-head">
        <div>
          <h1>{key ? key.name : 'API key'}</h1>
          {key && (
            <p class="lead">
              <code>{key.start}…</code> · {key.active ? 'Active' : 'Inactive'} · last used {formatDateTime(key.lastUsedAt)}
            </p>
          )}
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      <section class="card" aria-label="Requests in the last hour">
        <h2>{w.label}</h2>
        {points === null ? <p class="empty">Loading usage…</p> : <UsageChart points={points} from={from} stepMs={w.stepMs} buckets={w.buckets} label={w.label} />}
      </section>
      <section class="card" aria-label="Clients">
        <h2>Clients</h2>
        <p class="hint">Where this key was used from, most recent first (at most 100).</p>
        {clients === null ? (
          <p class="empty">Loading clients…</p>
        ) : clients.length === 0 ? (
          <p class="empty">This key has not been used yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">User agent</th>
                  <th scope="col">Requests</th>
                  <th scope="col">First seen</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {clients.map((c) => (
                  <tr key={`${c.address} ${c.userAgent}`}>
                    <td class="mono">{c.address}</td>
                    <td class="mono user-agent">{c.userAgent || '(none)'}</td>
                    <td>{c.requests}</td>
                    <td title={formatFull(c.firstSeenAt)}>{formatDateTime(c.firstSeenAt)}</td>
                    <td title={formatFull(c.lastSeenAt)}>{formatDateTime(c.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
