import { CopyButton } from '../components/CopyButton';
import type { NewWebhook } from './webhooksApi';

/** The signing secret of a webhook just created: shown this once, with a copy button. */
export function SecretPanel({ webhook, onDone }: { webhook: NewWebhook; onDone: () => void }) {
  return (
    <section class="card new-key" aria-labelledby="secret-title">
      <h2 id="secret-title">Copy the signing secret now</h2>
      <p class="warning-text">
        <strong>You will not see this secret again.</strong> Your endpoint at <code class="break">{webhook.url}</code> uses it to check the{' '}
        <code>Sendook-Signature</code> header of every delivery. If you lose it, delete the webhook and create a new one.
      </p>
      <div class="copy-row">
        <label class="visually-hidden" for="webhook-secret">
          Signing secret
        </label>
        <input id="webhook-secret" class="input mono" readOnly value={webhook.secret} onFocus={(e) => e.currentTarget.select()} spellcheck={false} autocomplete="off" />
        <CopyButton value={webhook.secret} what="signing secret" />
      </div>
      <p class="hint" />
      <button type="button" class="button" onClick={onDone}>
        I have stored it, hide the secret
      </button>
    </section>
  );
}
