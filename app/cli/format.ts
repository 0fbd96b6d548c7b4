// Plain-text output of the inspect CLI: aligned tables and short human units.

/** Columns padded to their widest cell, two spaces apart, indented by two; no trailing blanks. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
      .replace(/^/, '  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `label  value` pairs, aligned. */
export function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

export function seconds(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

export function bytes(n: number | null): string {
  if (n === null) return 'n/a';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function time(ms: number | null, now: number): string {
  if (ms === null) return 'never';
  const ago = Math.round((now - ms) / 1000);
  const when = new Date(ms).toISOString();
  return ago >= 0 ? `${when} (${seconds(ago)} ago)` : `${when} (in ${seconds(-ago)})`;
}

export const quoted = (s: string) => JSON.stringify(s);
