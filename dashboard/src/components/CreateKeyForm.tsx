import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import { SCOPES, type Inbox, type NewKeyBody } from '../api';
import { endOfDayIso, todayInput } from '../format';

interface Props {
  busy: boolean;
  /** The organization's inboxes, for the optional restriction; null while loading. */
  inboxes: Inbox[] | null;
  onCreate: (body: NewKeyBody) => Promise<boolean>;
}

/**
 * Name (required), an optional expiry date (the end of that day), and what the key may do: full
 * access, or a chosen set of scopes, optionally only on some inboxes.
 */
export function CreateKeyForm({ busy, inboxes, onCreate }: Props) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [access, setAccess] = useState<'full' | 'chosen'>('full');
  const [scopes, setScopes] = useState<string[]>([]);
  const [restrict, setRestrict] = useState(false);
  const [inboxIds, setInboxIds] = useState<string[]>([]);
  const toggle = (list: string[], item: string) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  const incomplete = (access === 'chosen' && scopes.length === 0) || (restrict && inboxIds.length === 0);

  async function submit(e: TargetedSubmitEvent<HTMLFormElement>) {
    e.preventDefault();
    const created = await onCreate({
      name: name.trim(),
      ...(expires ? { expiresAt: endOfDayIso(expires) } : {}),
      ...(access === 'chosen' ? { scopes: SCOPES.filter((s) => scopes.includes(s)) } : {}),
      ...(restrict ? { inboxIds } : {}),
    });
    if (created) {
      setName('');
      setExpires('');
      setAccess('full');
      setScopes([]);
      setRestrict(false);
      setInboxIds([]);
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
          <button type="submit" class="button button-primary" disabled={busy || incomplete}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </div>
      <fieldset class="access">
        <legend class="field-label">Access</legend>
        <label class="choice">
          <input type="radio" name="access" checked={access === 'full'} onChange={() => setAccess('full')} /> Full access
        </label>
        <label class="choice">
          <input type="radio" name="access" checked={access === 'chosen'} onChange={() => setAccess('chosen')} /> Only these scopes
        </label>
        {access === 'chosen' && (
          <div class="choices" role="group" aria-label="Scopes">
            {SCOPES.map((scope) => (
              <label class="choice mono" key={scope}>
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => setScopes((list) => toggle(list, scope))} /> {scope}
              </label>
            ))}
          </div>
        )}
        <label class="choice">
          <input type="checkbox" checked={restrict} onChange={() => setRestrict(!restrict)} /> Only some inboxes
        </label>
        {restrict && (
          <div class="choices" role="group" aria-label="Inboxes">
            {inboxes === null && <span class="hint">Loading inboxes…</span>}
            {inboxes?.length === 0 && <span class="hint">This organization has no inboxes yet.</span>}
            {inboxes?.map((inbox) => (
              <label class="choice" key={inbox.id}>
                <input type="checkbox" checked={inboxIds.includes(inbox.id)} onChange={() => setInboxIds((list) => toggle(list, inbox.id))} />{' '}
                {inbox.name ? `${inbox.name} <${inbox.email}>` : inbox.email}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <p class="hint">
        Leave the expiry empty for a key that works until you deactivate or delete it. Give each service a key with only the
        scopes it needs.
      </p>
    </form>
  );
}
