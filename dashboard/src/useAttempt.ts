import { useState } from 'preact/hooks';
import { isSessionLost } from './api';

/** Runs a request for a page: a lost session goes back to login, anything else is shown as `error`. */
export function useAttempt(onSessionLost: (err: unknown) => void) {
  const [error, setError] = useState<unknown>(null);
  async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    setError(null);
    try {
      return await work();
    } catch (err) {
      if (isSessionLost(err)) onSessionLost(err);
      else setError(err);
      return undefined;
    }
  }
  return { error, attempt };
}
