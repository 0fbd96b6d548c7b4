import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import { endOfDayIso, todayInput } from '../format';

interface Props {
  busy: boolean;
  onCreate: (body: { name: string; expiresAt?: string }) => Promise<boolean>;
}

/** Name (required) and an optional expiry date, taken as the end of that day. */
export function CreateKeyForm({ busy, onCreate }: Props) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');

  async function submit(e: TargetedSubmitEvent<HTMLFormElement>) {
    e.preventDefault();
    const created = await onCreate({ name: name.trim(), ...(expires ? { expiresAt: endOfDayIso(expires) } : {}) });
    if (created) {
      setName('');
      setExpires('');
    }
  }

  return (
    <form class="card create-key" onSubmit={submit} aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      <div class="field-row">
        <label class="field field-grow">
          <span class="field-label">Name</span>
          <input
            class="input"
            required
            maxLength={200}
            placeholder="Production, Staging…"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field-label">Expires (optional)</span>
          <input class="input" type="date" min={todayInput()} value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <div class="field field-button">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </div>
      <p class="hint">Leave the expiry empty for a key that works until you deactivate or delete it.</p>
    </form>
  );
}
