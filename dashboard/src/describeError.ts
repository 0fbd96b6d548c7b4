import { ApiFailure } from './api';

const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  password: 'Password',
  first_name: 'First name',
  last_name: 'Last name',
  name: 'Name',
  expiresAt: 'Expiry date',
};

export interface Described {
  message: string;
  /** One line per invalid field, e.g. "Password: Too small". */
  fields: string[];
  /** The request id, for a support request. */
  reference: string | null;
}

/** Plain words for a failed request: the API's own message, and when to retry after a 429. */
export function describeError(err: unknown, now = new Date()): Described {
  if (!(err instanceof ApiFailure)) {
    return { message: 'Something went wrong in the dashboard. Reload the page and try again.', fields: [], reference: null };
  }
  const fields = err.details
    .map((d) => (FIELD_LABELS[d.path] ? `${FIELD_LABELS[d.path]}: ${d.message}` : d.message))
    .filter((line, i, all) => all.indexOf(line) === i);
  let message = err.message;
  if (err.status === 429) {
    // The API's text ends with "retry after the time in Retry-After"; say the time instead.
    const reason = message.split(';')[0]!.replace(/\.$/, '');
    message = `${reason}. ${whenToRetry(err.retryAfterSeconds, now)}`;
  }
  return { message, fields, reference: err.requestId };
}

export function whenToRetry(seconds: number | null, now = new Date()): string {
  if (seconds === null) return 'Wait a moment, then try again.';
  const at = new Date(now.getTime() + seconds * 1000);
  const clock = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: seconds < 120 ? '2-digit' : undefined });
  return `Try again in ${humanDuration(seconds)} (at ${clock}).`;
}

function humanDuration(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
