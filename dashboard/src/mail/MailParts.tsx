import { formatBytes } from '../format';
import type { Message } from './mailApi';

/** Received or sent, and for sent mail where it stands (`sending`, `sent`, `failed`, ...). */
export function DirectionBadge({ message }: { message: Message }) {
  if (message.direction === 'inbound') return <span class="badge badge-in">Received</span>;
  const tone = message.status === 'failed' || message.status === 'bounced' || message.status === 'rejected' ? 'badge-bad' : message.status === 'sending' ? 'badge-off' : 'badge-on';
  return <span class={`badge ${tone}`}>{message.status === 'sent' ? 'Sent' : message.status}</span>;
}

/** SPF, DKIM and DMARC of a received message, each as a badge coloured by its verdict. */
export function AuthBadges({ message }: { message: Message }) {
  const auth = message.authentication;
  if (!auth) return null;
  return (
    <span class="auth-badges" aria-label="Authentication">
      {(['spf', 'dkim', 'dmarc'] as const).map((check) => (
        <span key={check} class={`badge ${auth[check] === 'pass' ? 'badge-on' : auth[check] === 'fail' ? 'badge-bad' : 'badge-off'}`} title={`${check.toUpperCase()}: ${auth[check]}`}>
          {check.toUpperCase()} {auth[check]}
        </span>
      ))}
    </span>
  );
}

export function Labels({ labels }: { labels: string[] }) {
  if (labels.length === 0) return null;
  return (
    <span class="scopes">
      {labels.map((l) => (
        <span key={l} class="scope">
          {l}
        </span>
      ))}
    </span>
  );
}

/** The other party of a message: its sender when received, its recipients when sent. */
export function counterparty(message: Message): string {
  return message.direction === 'inbound' ? message.from : `To: ${message.to.join(', ')}`;
}

export function attachmentSummary(message: Message): string | null {
  if (message.attachments.length === 0) return null;
  const total = message.attachments.reduce((sum, a) => sum + a.size, 0);
  return `${message.attachments.length} attachment${message.attachments.length === 1 ? '' : 's'}, ${formatBytes(total)}`;
}
