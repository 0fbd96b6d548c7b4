import type { ComponentChildren } from 'preact';
import { describeError } from '../describeError';

/** A refused request in plain words: the API's message, the fields at fault, when to retry. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const { message, fields, reference } = describeError(error);
  return (
    <div class="notice notice-error" role="alert">
      <p class="notice-message">{message}</p>
      {fields.length > 0 && (
        <ul class="notice-fields">
          {fields.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {reference && <p class="notice-reference">Reference: {reference}</p>}
    </div>
  );
}

export function InfoNotice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice notice-info" role="status">
      <p class="notice-message">{children}</p>
    </div>
  );
}
