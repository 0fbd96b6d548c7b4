import { useState } from 'preact/hooks';

/** Copies `value` to the clipboard; says whether it worked (the clipboard can be refused). */
export function CopyButton({ value, label = 'Copy', what }: { value: string; label?: string; what: string }) {
  const [state, setState] = useState<'copied' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <button type="button" class="button button-small" aria-label={`${label} ${what}`} title={state === 'failed' ? 'The clipboard was refused: select the text and copy it.' : undefined} onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
