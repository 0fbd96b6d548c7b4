import { useState } from 'preact/hooks';
import { WEBHOOK_EVENTS } from './webhooksApi';

interface Props {
  busy: boolean;
  onCreate: (body: { url: string; events: string[] }) => Promise<boolean>;
}

/** A new webhook: its URL and the events it hears, from the list the API accepts. */
export function NewWebhookForm({ busy, onCreate }: Props) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['message.received']);
  const toggle = (event: string, on: boolean) => setEvents(on ? [...events, event] : events.filter((e) => e !== event));
  return (
    <form
      class="card form"
      aria-label="New webhook"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onCreate({ url: url.trim(), events })) {
          setUrl('');
        }
      }}
    >
      <h2>New webhook</h2>
      <label class="field">
        <span class="field-label">Endpoint URL</span>
        <input class="input" type="url" required maxLength={2048} value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/sendook" />
      </label>
      <fieldset class="access" role="group" aria-label="Events">
        <legend class="field-label">Events</legend>
        <div class="choices">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} class="choice">
              <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} />
              <code>{event}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="button" class="button" onClick={() => setEvents(events.length === WEBHOOK_EVENTS.length ? [] : [...WEBHOOK_EVENTS])}>
          {events.length === WEBHOOK_EVENTS.length ? 'Clear events' : 'All events'}
        </button>
        <button type="submit" class="button button-primary" disabled={busy || events.length === 0}>
          {busy ? 'Creating…' : 'Create webhook'}
        </button>
      </div>
    </form>
  );
}
