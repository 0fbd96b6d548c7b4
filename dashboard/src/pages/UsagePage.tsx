import { useEffect, useState } from 'preact/hooks';
import { api, OUTCOMES, type ApiKey, type Organization, type UsagePoint } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { OUTCOME_LABELS, UsageChart } from '../components/UsageChart';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';
import { WINDOWS, windowStart } from '../usageWindows';

interface Props {
  token: string;
  organization: Organization;
  onSessionLost: (err: unknown) => void;
}

/** Usage: requests over time, stacked by outcome, for every key or one; totals per key. */
export function UsagePage({ token, organization, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [windowId, setWindowId] = useState<'hour' | 'week'>('hour');
  const [keyId, setKeyId] = useState('');
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [points, setPoints] = useState<UsagePoint[] | null>(null);
  const [from, setFrom] = useState(0);
  const w = WINDOWS.find((x) => x.id === windowId)!;

  async function reload() {
    const start = windowStart(w);
    const got = await attempt(() => api.usage(token, orgId, { granularity: w.granularity, from: new Date(start), apiKeyId: keyId || undefined }));
    if (got) {
      setFrom(start);
      setPoints(got);
    }
  }
  useEffect(() => {
    void attempt(async () => setKeys(await api.listKeys(token, orgId)));
  }, [orgId]);
  useEffect(() => {
    setPoints(null);
    void reload();
  }, [orgId, windowId, keyId]);

  const byKey = new Map<string, Record<string, number>>();
  for (const p of points ?? []) {
    const row = byKey.get(p.apiKeyId) ?? { requests: 0 };
    row.requests! += p.requests;
    for (const o of OUTCOMES) row[o] = (row[o] ?? 0) + p.outcomes[o];
    byKey.set(p.apiKeyId, row);
  }
  const keyName = (id: string) => keys.find((k) => k.id === id)?.name ?? `deleted key ${id.slice(-6)}`;

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Usage</h1>
          <p class="lead">
            Requests to <code>/v1</code> by the keys of <strong>{organization.name}</strong>, summed over all servers (up to a few seconds behind).
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      <section class="card" aria-label="Requests over time">
        <div class="filters">
          <label class="field">
            <span class="field-label">Window</span>
            <select class="select" value={windowId} onChange={(e) => setWindowId((e.currentTarget.value as 'hour' | 'week') ?? 'hour')}>
              {WINDOWS.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span class="field-label">Key</span>
            <select class="select" value={keyId} onChange={(e) => setKeyId(e.currentTarget.value)}>
              <option value="">All keys</option>
              {keys.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name} ({k.start}…)
                </option>
              ))}
            </select>
          </label>
        </div>
        {points === null ? <p class="empty">Loading usage…</p> : <UsageChart points={points} from={from} stepMs={w.stepMs} buckets={w.buckets} label={w.label} />}
      </section>
      <section class="card" aria-label="Requests per key">
        <h2>Per key</h2>
        {byKey.size === 0 ? (
          <p class="empty">No requests in this window.</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Requests</th>
                  {OUTCOMES.map((o) => (
                    <th scope="col" key={o}>
                      {OUTCOME_LABELS[o]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...byKey].map(([id, row]) => (
                  <tr key={id} data-key-id={id}>
                    <th scope="row">
                      <a href={paths.apiKey(orgId, id)} onClick={(e) => (e.preventDefault(), navigate(paths.apiKey(orgId, id)))}>
                        {keyName(id)}
                      </a>
                    </th>
                    <td>{row.requests}</td>
                    {OUTCOMES.map((o) => (
                      <td key={o}>{row[o]}</td>
                    ))}
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
