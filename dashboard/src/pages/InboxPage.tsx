import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatDateTime, formatFull } from '../format';
import { mailApi, MAIL_PAGE, type Direction, type InboxRecord, type Message, type ThreadSummary } from '../mail/mailApi';
import { attachmentSummary, AuthBadges, counterparty, DirectionBadge, Labels } from '../mail/MailParts';
import { navigate, paths, searchParam } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  inboxId: string;
  view: 'messages' | 'threads';
  onSessionLost: (err: unknown) => void;
}

/** One inbox's mail, newest first: messages (searchable) or threads, a page at a time. */
export function InboxPage({ token, organization, inboxId, view, onSessionLost }: Props) {
  const orgId = organization.id;
  const query = view === 'messages' ? searchParam('query') : '';
  const direction = view === 'messages' ? asDirection(searchParam('direction')) : '';
  const { error, attempt } = useAttempt(onSessionLost);
  const [inbox, setInbox] = useState<InboxRecord | null>(null);
  const [draft, setDraft] = useState(query);
  const [draftDirection, setDraftDirection] = useState<Direction | ''>(direction);

  useEffect(() => {
    void attempt(async () => setInbox(await mailApi.getInbox(token, orgId, inboxId)));
  }, [orgId, inboxId]);
  useEffect(() => setDraft(query), [query]);
  useEffect(() => setDraftDirection(direction), [direction]);

  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.inboxes(orgId)}>Inboxes</Link> /
      </p>
      <div class="page-head">
        <div class="min-0">
          <h1 class="break">{inbox ? inbox.email : 'Inbox'}</h1>
          {inbox?.name && <p class="lead">{inbox.name}</p>}
        </div>
        <Link href={paths.compose(orgId, inboxId)} class="button button-primary button-link">
          Compose
        </Link>
      </div>
      <ErrorNotice error={error} />
      <nav class="tabs" aria-label="Mail views">
        <Link href={paths.inbox(orgId, inboxId)} class={view === 'messages' ? 'tab active' : 'tab'} aria-current={view === 'messages' ? 'page' : undefined}>
          Messages
        </Link>
        <Link href={paths.threads(orgId, inboxId)} class={view === 'threads' ? 'tab active' : 'tab'} aria-current={view === 'threads' ? 'page' : undefined}>
          Threads
        </Link>
      </nav>
      {view === 'messages' && (
        <form
          class="card filters"
          role="search"
          aria-label="Search mail"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(paths.inbox(orgId, inboxId, { query: draft.trim(), direction: draftDirection }));
          }}
        >
          <label class="field field-grow">
            <span class="field-label">Search</span>
            <input class="input" type="search" maxLength={200} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} placeholder="Subject, text, sender or recipient" />
          </label>
          <label class="field">
            <span class="field-label">Show</span>
            <select class="input" value={draftDirection} onChange={(e) => setDraftDirection(asDirection(e.currentTarget.value))}>
              <option value="">Sent and received</option>
              <option value="inbound">Received</option>
              <option value="outbound">Sent</option>
            </select>
          </label>
          <div class="form-actions">
            <button type="submit" class="button button-primary">
              Search
            </button>
            {(query || direction) && (
              <button type="button" class="button" onClick={() => navigate(paths.inbox(orgId, inboxId))}>
                Clear
              </button>
            )}
          </div>
        </form>
      )}
      {view === 'messages' ? (
        <MessageList token={token} orgId={orgId} inbox={inbox} inboxId={inboxId} query={query} direction={direction} attempt={attempt} />
      ) : (
        <ThreadList token={token} orgId={orgId} inboxId={inboxId} attempt={attempt} />
      )}
    </>
  );
}

type Attempt = <T>(work: () => Promise<T>) => Promise<T | undefined>;

/** The `direction` of a deep link, or '' (both) for anything else. */
const asDirection = (value: string): Direction | '' => (value === 'inbound' || value === 'outbound' ? value : '');

const LIST_TITLES: Record<Direction | '', string> = { '': 'Messages', inbound: 'Received messages', outbound: 'Sent messages' };

interface MessageListProps {
  token: string;
  orgId: string;
  inbox: InboxRecord | null;
  inboxId: string;
  query: string;
  direction: Direction | '';
  attempt: Attempt;
}

function MessageList({ token, orgId, inbox, inboxId, query, direction, attempt }: MessageListProps) {
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [more, setMore] = useState(false);
  async function load(before?: string) {
    const batch = await attempt(() => mailApi.listMessages(token, orgId, inboxId, { query, direction: direction || undefined, before }));
    if (!batch) return;
    setMessages((shown) => (before ? [...(shown ?? []), ...batch] : batch));
    setMore(batch.length === MAIL_PAGE);
  }
  useEffect(() => {
    setMessages(null);
    void load();
  }, [orgId, inboxId, query, direction]);

  return (
    <section class="card" aria-label="Messages">
      <div class="list-head">
        <h2>{query ? `${LIST_TITLES[direction]} matching “${query}”` : LIST_TITLES[direction]}</h2>
        <button type="button" class="button button-small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {messages === null ? (
        <p class="empty">Loading mail…</p>
      ) : messages.length === 0 ? (
        <p class="empty">
          {query
            ? `No messages match “${query}”. Search looks in the subject, the text, the sender and the recipients.`
            : direction
              ? `No ${direction === 'inbound' ? 'received' : 'sent'} mail yet.`
              : `No mail yet. Mail sent to ${inbox?.email ?? 'this address'} shows up here; or compose a message.`}
        </p>
      ) : (
        <ul class="mail-list">
          {messages.map((m) => (
            <li key={m.id} class="mail-item" data-message-id={m.id}>
              <div class="mail-line">
                <DirectionBadge message={m} />
                <span class="mail-party">{counterparty(m)}</span>
                <span class="mail-date" title={formatFull(m.createdAt)}>
                  {formatDateTime(m.createdAt)}
                </span>
              </div>
              <Link href={paths.message(orgId, inboxId, m.id)} class="mail-subject">
                {m.subject || '(no subject)'}
              </Link>
              <div class="mail-line mail-extra">
                <Labels labels={m.labels} />
                <AuthBadges message={m} />
                {attachmentSummary(m) && <span class="muted">{attachmentSummary(m)}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {more && messages && (
        <button type="button" class="button button-small" onClick={() => void load(messages[messages.length - 1]!.id)}>
          Older messages
        </button>
      )}
    </section>
  );
}

function ThreadList({ token, orgId, inboxId, attempt }: { token: string; orgId: string; inboxId: string; attempt: Attempt }) {
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [more, setMore] = useState(false);
  async function load(before?: string) {
    const batch = await attempt(() => mailApi.listThreads(token, orgId, inboxId, { before }));
    if (!batch) return;
    setThreads((shown) => (before ? [...(shown ?? []), ...batch] : batch));
    setMore(batch.length === MAIL_PAGE);
  }
  useEffect(() => {
    setThreads(null);
    void load();
  }, [orgId, inboxId]);

  return (
    <section class="card" aria-label="Threads">
      <div class="list-head">
        <h2>Threads</h2>
        <button type="button" class="button button-small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {threads === null ? (
        <p class="empty">Loading threads…</p>
      ) : threads.length === 0 ? (
        <p class="empty">No conversations yet. A thread starts with each message sent or received; replies join it.</p>
      ) : (
        <ul class="mail-list">
          {threads.map((th) => (
            <li key={th.id} class="mail-item">
              <div class="mail-line">
                <span class="badge badge-off">
                  {th.messages.length} message{th.messages.length === 1 ? '' : 's'}
                </span>
                <span class="mail-date" title={formatFull(th.updatedAt)}>
                  {formatDateTime(th.updatedAt)}
                </span>
              </div>
              <Link href={paths.thread(orgId, inboxId, th.id)} class="mail-subject">
                {th.subject || '(no subject)'}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more && threads && (
        <button type="button" class="button button-small" onClick={() => void load(threads[threads.length - 1]!.id)}>
          Older threads
        </button>
      )}
    </section>
  );
}
