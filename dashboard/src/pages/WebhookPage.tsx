import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice, InfoNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatFull } from '../format';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';
import { webhooksApi, type Webhook, type WebhookAttempt } from '../webhooks/webhooksApi';

interface Props {
  token: string;
  organization: Organization;
  webhookId: string;
  onSessionLost: (err: unknown) => void;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A failed attempt either names when the queue tries again or says that it will not. */
const nextRetry = (a: WebhookAttempt): string => (a.success ? '' : a.nextAttemptAt ? timeOfDay.format(new Date(a.nextAttemptAt)) : 'none: gave up');
/** Deliveries run outside the request: after "Send test", the attempts are fetched again a few times. */
const TEST_POLL_MS = 1500;
const TEST_POLLS = 8;

/** One webhook and its delivery attempts, newest first: what the endpoint answered, and when. */
export function WebhookPage({ token, organization, webhookId, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [hook, setHook] = useState<Webhook | null>(null);
  const [attempts, setAttempts] = useState<WebhookAttempt[] | null>(null);
  const [more, setMore] = useState(false);
  const [testing, setTesting] = useState(false);
  const [polls, setPolls] = useState(0);
  const [deleting, setDeleting] = useState<'ask' | 'busy' | null>(null);

  async function loadAttempts(before?: string) {
    const batch = await attempt(() => webhooksApi.attempts(token, orgId, webhookId, before));
    if (!batch) return;
    setAttempts((shown) => (before ? [...(shown ?? []), ...batch] : batch));
    setMore(batch.length === 50);
  }
  const reload = () => Promise.all([attempt(async () => setHook(await webhooksApi.get(token, orgId, webhookId))), loadAttempts()]);
  useEffect(() => {
    setHook(null);
    setAttempts(null);
    void reload();
  }, [orgId, webhookId]);
  useEffect(() => {
    if (polls <= 0) return;
    const timer = setTimeout(() => void loadAttempts().then(() => setPolls(polls - 1)), TEST_POLL_MS);
    return () => clearTimeout(timer);
  }, [polls]);

  async function sendTest() {
    setTesting(true);
    const sent = await attempt(() => webhooksApi.test(token, orgId, webhookId));
    setTesting(false);
    if (sent) setPolls(TEST_POLLS);
  }

  async function remove() {
    setDeleting('busy');
    const deleted = await attempt(() => webhooksApi.remove(token, orgId, webhookId));
    setDeleting(null);
    if (deleted) navigate(paths.webhooks(orgId));
  }

  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.webhooks(orgId)}>Webhooks</Link> /
      </p>
      <div class="page-head">
        <div class="min-0">
          <h1 class="break">{hook ? hook.url : 'Webhook'}</h1>
          {hook && <p class="lead">Events: {hook.events.join(', ')}</p>}
        </div>
        <div class="head-actions">
          <button type="button" class="button button-small" onClick={() => void reload()}>
            Refresh
          </button>
          <button type="button" class="button button-small button-primary" disabled={testing} onClick={() => void sendTest()}>
            {testing ? 'Sending…' : 'Send test'}
          </button>
          <button type="button" class="button button-small button-danger-outline" onClick={() => setDeleting('ask')}>
            Delete
          </button>
        </div>
      </div>
      <ErrorNotice error={error} />
      {polls > 0 && <InfoNotice>A test event was sent; its attempts appear below as the endpoint answers.</InfoNotice>}
      <section class="card" aria-label="Delivery attempts">
        <h2>Delivery attempts</h2>
        <p class="hint">
          Every try to deliver an event, newest first. A failed try is retried with a growing delay, up to the server's number of
          attempts; “Next retry” says when (refresh to see it), or that no retry will come.
        </p>
        {attempts === null ? (
          <p class="empty">Loading attempts…</p>
        ) : attempts.length === 0 ? (
          <p class="empty">No deliveries yet. Use “Send test” to send a webhook.test event to this endpoint now.</p>
        ) : (
          <div class="table-wrap">
            <table class="table stack">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">HTTP status</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Error</th>
                  <th scope="col">Next retry</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((a) => (
                  <tr key={a.id} data-attempt-id={a.id} title={`event id ${a.eventId}`}>
                    <td data-label="Time" title={formatFull(a.createdAt)}>{timeOfDay.format(new Date(a.createdAt))}</td>
                    <td data-label="Event" class="mono">{a.event}</td>
                    <td data-label="HTTP status">
                      <span class={`badge ${a.success ? 'badge-on' : 'badge-bad'}`}>{a.status ?? 'no answer'}</span>
                    </td>
                    <td data-label="Attempt">{a.attempt}</td>
                    <td data-label="Duration">{a.durationMs} ms</td>
                    <td data-label="Error" class="wrap">{a.error ?? ''}</td>
                    <td data-label="Next retry" title={formatFull(a.nextAttemptAt)}>{nextRetry(a)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more && attempts && (
          <button type="button" class="button button-small" onClick={() => void loadAttempts(attempts[attempts.length - 1]!.id)}>
            Older attempts
          </button>
        )}
      </section>
      {deleting && (
        <ConfirmDialog title="Delete this webhook?" confirmLabel="Delete webhook" busy={deleting === 'busy'} onConfirm={() => void remove()} onCancel={() => setDeleting(null)}>
          <p>
            <code class="break">{hook?.url}</code> will receive no more events from this webhook.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
