import { useEffect, useState } from 'preact/hooks';
import type { Organization } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../components/Link';
import { formatBytes } from '../format';
import { attachmentProblem, bodyProblem, fetchLimits, toAttachment, type Limits } from '../mail/attachments';
import { mailApi, type InboxRecord, type NewMessageBody } from '../mail/mailApi';
import { navigate, paths } from '../router';
import { useAttempt } from '../useAttempt';

interface Props {
  token: string;
  organization: Organization;
  inboxId: string;
  onSessionLost: (err: unknown) => void;
}

const addresses = (value: string) => value.split(/[,;\s]+/).filter(Boolean);

/** A new message from one inbox, in a thread of its own. */
export function ComposePage({ token, organization, inboxId, onSessionLost }: Props) {
  const orgId = organization.id;
  const { error, attempt } = useAttempt(onSessionLost);
  const [inbox, setInbox] = useState<InboxRecord | null>(null);
  const [limits, setLimits] = useState<Limits | null>(null);
  const [fields, setFields] = useState({ to: '', cc: '', bcc: '', subject: '', labels: '', body: '' });
  const [format, setFormat] = useState<'text' | 'html'>('text');
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void attempt(async () => setInbox(await mailApi.getInbox(token, orgId, inboxId)));
    // Without the limits the server still refuses what is too large, with its own 413 message.
    fetchLimits().then(setLimits, () => undefined);
  }, [orgId, inboxId]);

  const set = (name: keyof typeof fields) => (e: Event) => setFields({ ...fields, [name]: (e.currentTarget as HTMLInputElement).value });

  function pick(list: FileList | null) {
    const next = [...files, ...Array.from(list ?? [])];
    setFiles(next);
    setProblem(attachmentProblem(next, limits));
  }
  function drop(index: number) {
    const next = files.filter((_, i) => i !== index);
    setFiles(next);
    setProblem(attachmentProblem(next, limits));
  }

  async function send(e: Event) {
    e.preventDefault();
    const tooMany = attachmentProblem(files, limits);
    if (tooMany) return setProblem(tooMany);
    setBusy(true);
    const body: NewMessageBody = {
      to: addresses(fields.to),
      cc: addresses(fields.cc),
      bcc: addresses(fields.bcc),
      labels: fields.labels.split(',').map((l) => l.trim()).filter(Boolean),
      subject: fields.subject,
      [format]: fields.body,
      attachments: await Promise.all(files.map(toAttachment)),
    };
    const tooLarge = bodyProblem(body, limits);
    if (tooLarge) {
      setBusy(false);
      return setProblem(tooLarge);
    }
    setProblem(null);
    const sent = await attempt(() => mailApi.send(token, orgId, inboxId, body));
    setBusy(false);
    if (sent) navigate(paths.message(orgId, inboxId, sent.id));
  }

  return (
    <>
      <p class="breadcrumb">
        <Link href={paths.inboxes(orgId)}>Inboxes</Link> / <Link href={paths.inbox(orgId, inboxId)}>{inbox?.email ?? 'Inbox'}</Link> /
      </p>
      <div class="page-head">
        <div class="min-0">
          <h1>New message</h1>
          <p class="lead break">From {inbox ? inbox.email : '…'}</p>
        </div>
      </div>
      <ErrorNotice error={error} />
      <form class="card form" aria-label="New message" onSubmit={send}>
        <label class="field">
          <span class="field-label">To</span>
          <input class="input" required value={fields.to} onInput={set('to')} placeholder="ada@example.com, grace@example.com" />
        </label>
        <div class="field-row">
          <label class="field">
            <span class="field-label">Cc</span>
            <input class="input" value={fields.cc} onInput={set('cc')} />
          </label>
          <label class="field">
            <span class="field-label">Bcc</span>
            <input class="input" value={fields.bcc} onInput={set('bcc')} />
          </label>
        </div>
        <label class="field">
          <span class="field-label">Subject</span>
          <input class="input" maxLength={998} value={fields.subject} onInput={set('subject')} />
        </label>
        <label class="field">
          <span class="field-label">Labels (optional, comma-separated)</span>
          <input class="input" value={fields.labels} onInput={set('labels')} />
        </label>
        <fieldset class="access">
          <legend class="field-label">Format</legend>
          <div class="choices">
            <label class="choice">
              <input type="radio" name="format" checked={format === 'text'} onChange={() => setFormat('text')} /> Plain text
            </label>
            <label class="choice">
              <input type="radio" name="format" checked={format === 'html'} onChange={() => setFormat('html')} /> HTML
            </label>
          </div>
        </fieldset>
        <label class="field">
          <span class="field-label">{format === 'html' ? 'HTML body' : 'Message'}</span>
          <textarea class={format === 'html' ? 'input textarea mono' : 'input textarea'} required rows={10} value={fields.body} onInput={set('body')} />
        </label>
        <div class="field">
          <label class="field-label" for="compose-files">
            Attachments
          </label>
          <input id="compose-files" type="file" multiple onChange={(e) => (pick(e.currentTarget.files), (e.currentTarget.value = ''))} />
          {limits && <p class="hint">At most {formatBytes(Math.min(limits.attachmentsMaxBytes, Math.floor((limits.requestBodyMaxBytes * 3) / 4)))} in all.</p>}
          {files.length > 0 && (
            <ul class="attachment-list">
              {files.map((f, i) => (
                <li key={`${i}-${f.name}`} class="attachment">
                  <span class="attachment-name">{f.name}</span>
                  <span class="muted">
                    {f.type || 'application/octet-stream'} · {formatBytes(f.size)}
                  </span>
                  <button type="button" class="button button-small" aria-label={`Remove ${f.name}`} onClick={() => drop(i)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        {problem && (
          <div class="notice notice-error" role="alert">
            <p class="notice-message">{problem}</p>
          </div>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
    </>
  );
}
