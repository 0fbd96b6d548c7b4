/** The escape character used with LIKE ... ESCAPE ?; bound as a parameter on both databases. */
export const LIKE_ESCAPE = '\\';

/**
 * A LIKE pattern matching `text` anywhere, with the client's `%`, `_` and `\` taken literally:
 * a search string is plain text, never a pattern (and never a regular expression).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c)}%`;
}
