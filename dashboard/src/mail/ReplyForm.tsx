import { useState } from 'preact/hooks';
import { mailApi, type Message } from './mailApi';

interface Props {
  token: string;
  orgId: string;
  message: Message;
  attempt: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  onSent: (reply: Message) => void;
}

/** A reply in the message's thread, to its other party, as text or as HTML. */
export function ReplyForm({ token, orgId, message, attempt, onSent }: Props) {
  const [body, setBody] = useState('');
  const [asHtml, setAsHtml] = useState(false);
  const [busy, setBusy] = useState(false);
  const to = message.direction === 'inbound' ? message.from : message.to.join(', ');
  return (
    <form
      class="card form"
      aria-label="Reply"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const sent = await attempt(() => mailApi.reply(token, orgId, message.inboxId, message.id, asHtml ? { html: body } : { text: body }));
        setBusy(false);
        if (sent) {
          setBody('');
          onSent(sent);
        }
      }}
    >
      <h2>Reply</h2>
      <p class="hint">To {to}, in this thread.</p>
      <label class="field">
        <span class="field-label">Reply text</span>
        <textarea class="input textarea" required rows={6} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </label>
      <label class="choice">
        <input type="checkbox" checked={asHtml} onChange={(e) => setAsHtml(e.currentTarget.checked)} /> Send as HTML
      </label>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
