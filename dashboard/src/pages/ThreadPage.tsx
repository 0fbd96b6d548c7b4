import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatDateTime } from '../format';
import { mailApi, type Thread } from '../mail/mailApi';
import { MessageView } from '../mail/MessageView';
import { ReplyForm } from '../mail/ReplyForm';
import { useMessageStatus } from '../mail/useMessageStatus';
import { paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  inboxId: string;
  threadId: string;
  onSessionLost: (err: unknown) => void;
}

/** A conversation: its messages in the order they were written, and a reply to the last one. */
export function ThreadPage({ token, organization, inboxId, threadId, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [thread, setThread] = useState<Thread | null>(null);

  const reload = () => attempt(async () => setThread(await mailApi.getThread(token, orgId, inboxId, threadId)));
  useEffect(() => {
    setThread(null);
    void reload();
  }, [orgId, inboxId, threadId]);
  useMessageStatus(thread?.messages ?? [], reload);

  const ordered = thread ? [...thread.messages].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)) : [];
  const last = ordered[ordered.length - 1];
  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.inboxes(orgId)}>Inboxes</Link> / <Link href={paths.threads(orgId, inboxId)}>Threads</Link> /
      </p>
      <div class="page-head">
        <div class="min-0">
          <h1 class="break">{thread ? thread.subject || '(no subject)' : 'Thread'}</h1>
          {thread && (
            <p class="lead">
              {ordered.length} message{ordered.length === 1 ? '' : 's'}
            </p>
          )}
        </div>
        <button type="button" class="button button-small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={error} />
      {thread === null
        ? !error && <p class="empty">Loading the thread…</p>
        : ordered.map((m) => (
            <section key={m.id} class="card" aria-label={`${m.direction === 'inbound' ? 'Received' : 'Sent'} ${formatDateTime(m.createdAt)}`}>
              <p class="thread-open">
                <Link href={paths.message(orgId, inboxId, m.id)}>Open this message</Link>
              </p>
              <MessageView token={token} orgId={orgId} message={m} attempt={attempt} />
            </section>
          ))}
      {last && <ReplyForm token={token} orgId={orgId} message={last} attempt={attempt} onSent={() => void reload()} />}
    </>
  );
}
