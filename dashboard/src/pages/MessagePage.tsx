import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { mailApi, type InboxRecord, type Message } from '../mail/mailApi';
import { MessageView } from '../mail/MessageView';
import { ReplyForm } from '../mail/ReplyForm';
import { useMessageStatus } from '../mail/useMessageStatus';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  inboxId: string;
  messageId: string;
  onSessionLost: (err: unknown) => void;
}

/** One message, with a reply form and the way to its thread. */
export function MessagePage({ token, organization, inboxId, messageId, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [inbox, setInbox] = useState<InboxRecord | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [replying, setReplying] = useState(false);

  const reload = () => attempt(async () => setMessage(await mailApi.getMessage(token, orgId, inboxId, messageId)));
  useEffect(() => {
    setMessage(null);
    setReplying(false);
    void reload();
    void attempt(async () => setInbox(await mailApi.getInbox(token, orgId, inboxId)));
  }, [orgId, inboxId, messageId]);
  useMessageStatus(message ? [message] : [], reload);

  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.inboxes(orgId)}>Inboxes</Link> / <Link href={paths.inbox(orgId, inboxId)}>{inbox?.email ?? 'Inbox'}</Link> /
      </p>
      <div class="page-head">
        <h1 class="break">{message ? message.subject || '(no subject)' : 'Message'}</h1>
        <div class="head-actions">
          {message && (
            <Link href={paths.thread(orgId, inboxId, message.threadId)} class="button button-small button-link">
              View thread
            </Link>
          )}
          <button type="button" class="button button-small" onClick={() => void reload()}>
            Refresh
          </button>
          {message && (
            <button type="button" class="button button-small button-primary" aria-expanded={replying} onClick={() => setReplying(!replying)}>
              Reply
            </button>
          )}
        </div>
      </div>
      <ErrorNotice error={error} />
      {message === null ? (
        !error && <p class="empty">Loading the message…</p>
      ) : (
        <>
          {replying && (
            <ReplyForm token={token} orgId={orgId} message={message} attempt={attempt} onSent={(reply) => navigate(paths.message(orgId, inboxId, reply.id))} />
          )}
          <section class="card">
            <MessageView token={token} orgId={orgId} message={message} attempt={attempt} />
          </section>
        </>
      )}
    </>
  );
}
