import { useEffect, useState } from 'preact/hooks';
import { api, type ApiKey, type LogFilter, type Organization, type RequestLog } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatFull } from '../format';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  onSessionLost: (err: unknown) => void;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Logs: the organization's request log, newest first, filtered by key, status and route. */
export function LogsPage({ token, organization, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [filter, setFilter] = useState<LogFilter>({});
  const [draft, setDraft] = useState<LogFilter>({});
  const [lines, setLines] = useState<RequestLog[] | null>(null);
  const [more, setMore] = useState(false);

  async function load(applied: LogFilter, before?: string) {
    const page = await attempt(() => api.logs(token, orgId, { ...applied, before }));
    if (!page) return;
    setLines((shown) => (before ? [...(shown ?? []), ...page] : page));
    setMore(page.length === 50);
  }
  useEffect(() => {
    void attempt(async () => setKeys(await api.listKeys(token, orgId)));
  }, [orgId]);
  useEffect(() => {
    setLines(null);
    void load(filter);
  }, [orgId, filter]);

  const keyName = (id: string) => keys.find((k) => k.id === id)?.name ?? id.slice(-6);
  const set = (name: keyof LogFilter) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value.trim() });

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Logs</h1>
          <p class="lead">
            Requests to <code>/v1</code> for <strong>{organization.name}</strong>, newest first. Never a body, a header or a secret.
          </p>
        </div>
        <button type="button" class="button button-small" onClick={() => void load(filter)}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      <form
        class="card filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft });
        }}
      >
        <label class="field">
          <span class="field-label">Key</span>
          <select class="select" value={draft.apiKeyId ?? ''} onChange={set('apiKeyId')}>
            <option value="">All keys</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.start}…)
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">Status</span>
          <input class="input" placeholder="404 or 4xx" value={draft.status ?? ''} onInput={set('status')} />
        </label>
        <label class="field">
          <span class="field-label">Route</span>
          <input class="input" placeholder="/v1/inboxes/:inboxId" value={draft.route ?? ''} onInput={set('route')} />
        </label>
        <div class="form-actions">
          <button type="submit" class="button button-primary">
            Apply filters
          </button>
        </div>
      </form>
      <section class="card" aria-label="Request log">
        {lines === null ? (
          <p class="empty">Loading logs…</p>
        ) : lines.length === 0 ? (
          <p class="empty">No requests match.</p>
        ) : (
          <div class="table-wrap">
            <table class="table logs-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Request</th>
                  <th scope="col">Status</th>
                  <th scope="col">Key</th>
                  <th scope="col">Client</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.id} data-status={l.status}>
                    <td title={formatFull(l.at)}>{timeOfDay.format(new Date(l.at))}</td>
                    <td class="mono" title={`route ${l.route}, request id ${l.requestId}`}>
                      {l.method} {l.path}
                    </td>
                    <td>
                      <span class={`badge ${l.status < 400 ? 'badge-on' : 'badge-off'}`}>{l.status}</span>
                      {l.replayed && (
                        <span class="badge" title="Answered with the kept answer of an earlier request with the same Idempotency-Key: nothing ran again">
                          replayed
                        </span>
                      )}
                    </td>
                    <td>{keyName(l.apiKeyId)}</td>
                    <td class="mono" title={l.userAgent}>
                      {l.address}
                    </td>
                    <td>{l.durationMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more && lines && (
          <button type="button" class="button button-small" onClick={() => void load(filter, lines[lines.length - 1]!.id)}>
            Load more
          </button>
        )}
      </section>
    </>
  );
}
