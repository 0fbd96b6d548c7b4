import { useEffect } from 'preact/hooks';
import type { Message } from './mailApi';

/** How often, and how many times, a message still `sending` is fetched again. */
const POLL_MS = 2000;
const POLLS = 30;

/** While a sent message is `sending`, refreshes it until it is `sent` or `failed` (bounded). */
export function useMessageStatus(messages: Message[], refresh: () => Promise<unknown>) {
  const sending = messages.some((m) => m.status === 'sending');
  useEffect(() => {
    if (!sending) return;
    let left = POLLS;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) clearInterval(timer);
      void refresh();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [sending]);
}
