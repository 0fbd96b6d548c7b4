const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const thisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const otherYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' });

/** "Nov 27, 2026": short enough for a table column; the full time goes in a tooltip. */
export function formatDate(iso: string | null, empty = 'Never'): string {
  return iso ? dateOnly.format(new Date(iso)) : empty;
}

/** "Nov 27, 4:12 AM" (with the year when it is not this year). */
export function formatDateTime(iso: string | null, empty = 'Never', now = new Date()): string {
  if (!iso) return empty;
  const date = new Date(iso);
  return (date.getFullYear() === now.getFullYear() ? thisYear : otherYear).format(date);
}

export function formatFull(iso: string | null): string | undefined {
  return iso ? full.format(new Date(iso)) : undefined;
}

/** An `<input type="date">` value as the end of that day, local time, in ISO 8601. */
export function endOfDayIso(dateInput: string): string {
  return new Date(`${dateInput}T23:59:59`).toISOString();
}

export function todayInput(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "12.3 KB": sizes of attachments and files. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
