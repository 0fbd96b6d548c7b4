import { useState } from 'preact/hooks';
import { formatBytes, formatFull } from '../format';
import { MailBody } from './MailBody';
import { mailApi, type Message } from './mailApi';
import { AuthBadges, DirectionBadge, Labels } from './MailParts';

interface Props {
  token: string;
  orgId: string;
  message: Message;
  /** Runs a request, showing its failure on the page. */
  attempt: <T>(work: () => Promise<T>) => Promise<T | undefined>;
}

/** One message: its envelope, verdicts, labels, attachments and body. */
export function MessageView({ token, orgId, message, attempt }: Props) {
  const when = message.receivedAt ?? message.sentAt ?? message.createdAt;
  return (
    <article class="message" aria-label={`Message: ${message.subject}`} data-message-id={message.id}>
      <dl class="envelope">
        <dt>From</dt>
        <dd>{message.from}</dd>
        <dt>To</dt>
        <dd>{message.to.join(', ')}</dd>
        {message.cc.length > 0 && [<dt>Cc</dt>, <dd>{message.cc.join(', ')}</dd>]}
        {message.bcc.length > 0 && [<dt>Bcc</dt>, <dd>{message.bcc.join(', ')}</dd>]}
        <dt>Date</dt>
        <dd>{formatFull(when)}</dd>
        <dt>Status</dt>
        <dd>
          <DirectionBadge message={message} /> {message.status === 'failed' && message.error && <span class="error-text">{message.error}</span>}
        </dd>
        {message.authentication && [
          <dt>Checks</dt>,
          <dd>
            <AuthBadges message={message} />
          </dd>,
        ]}
        {message.labels.length > 0 && [
          <dt>Labels</dt>,
          <dd>
            <Labels labels={message.labels} />
          </dd>,
        ]}
      </dl>
      {message.attachments.length > 0 && <Attachments token={token} orgId={orgId} message={message} attempt={attempt} />}
      <MailBody message={message} />
    </article>
  );
}

function Attachments({ token, orgId, message, attempt }: Props) {
  const [busy, setBusy] = useState<number | null>(null);
  async function download(index: number, name: string) {
    setBusy(index);
    const blob = await attempt(() => mailApi.attachment(token, orgId, message.inboxId, message.id, index));
    setBusy(null);
    if (!blob) return;
    // A blob: URL of this page, never a URL with the token in it; revoked once the save started.
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return (
    <section class="attachments" aria-label="Attachments">
      <h3>Attachments</h3>
      <ul class="attachment-list">
        {message.attachments.map((a, i) => (
          <li key={i} class="attachment">
            <span class="attachment-name">{a.name}</span>
            <span class="muted">
              {a.contentType} · {formatBytes(a.size)}
            </span>
            {message.direction === 'inbound' ? (
              <button type="button" class="button button-small" aria-label={`Download ${a.name}`} disabled={busy === i} onClick={() => void download(i, a.name)}>
                {busy === i ? 'Downloading…' : 'Download'}
              </button>
            ) : (
              <span class="muted">(the content of sent attachments is not kept)</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
