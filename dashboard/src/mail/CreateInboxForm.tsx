import { useState } from 'preact/hooks';
import { Link } from '../components/Link';

interface Props {
  busy: boolean;
  domainsPath: string;
  onCreate: (body: { name?: string; email?: string }) => Promise<boolean>;
}

/** A new inbox: a name, and an address of one's own or one made up on the default domain. */
export function CreateInboxForm({ busy, domainsPath, onCreate }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  return (
    <form
      class="card form"
      aria-label="New inbox"
      onSubmit={async (e) => {
        e.preventDefault();
        const body: { name?: string; email?: string } = {};
        if (name.trim()) body.name = name.trim();
        if (email.trim()) body.email = email.trim();
        if (await onCreate(body)) {
          setName('');
          setEmail('');
        }
      }}
    >
      <h2>New inbox</h2>
      <div class="field-row">
        <label class="field">
          <span class="field-label">Inbox name</span>
          <input class="input" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="Support" />
        </label>
        <label class="field field-grow">
          <span class="field-label">Address (optional)</span>
          <input class="input" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} placeholder="support@example.com" />
        </label>
        <div class="field field-button">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create inbox'}
          </button>
        </div>
      </div>
      <p class="hint">
        Without an address, one is made up on the server's default domain from the name. An address on your own domain needs that
        domain verified first (<Link href={domainsPath}>Domains</Link>).
      </p>
    </form>
  );
}
