/**
 * An error smtp-server answers with `code` and `text`. The enhanced status code (RFC 3463) is
 * written at the start of `text`, so each reply says exactly which one it is.
 */
export function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}
