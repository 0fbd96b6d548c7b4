import { useRef, useState } from 'preact/hooks';
import type { NewApiKey } from '../api';

/** The secret of a key just created: shown this once, with a copy button. */
export function NewKeyPanel({ apiKey, onDone }: { apiKey: NewApiKey; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(apiKey.key);
      setCopied('yes');
    } catch {
      // Clipboard refused (permissions, insecure origin): select it so Ctrl+C works.
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <section class="card new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">Copy your new key “{apiKey.name}” now</h2>
      <p class="warning-text">
        <strong>You will not see this key again.</strong> Store it somewhere safe, such as your secret manager. If you lose
        it, delete it and create a new one.
        {apiKey.rolledFrom && ' It replaces the key it was rolled from, which works until its grace ends (its Expires column): put this one in place before then.'}
      </p>
      <div class="copy-row">
        <label class="visually-hidden" for="new-key-value">
          Your new API key
        </label>
        <input
          id="new-key-value"
          ref={input}
          class="input mono"
          readOnly
          value={apiKey.key}
          onFocus={(e) => e.currentTarget.select()}
          spellcheck={false}
          autocomplete="off"
        />
        <button type="button" class="button button-primary" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="hint" aria-live="polite">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'failed' && 'Could not reach the clipboard: the key is selected, press Ctrl+C (⌘C) to copy it.'}
      </p>
      <button type="button" class="button" onClick={onDone}>
        I have stored it, hide the key
      </button>
    </section>
  );
}
