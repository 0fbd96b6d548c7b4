// Base64 of the standard alphabet, padded to a multiple of 4. Checked by one pass over the
// characters: a regular expression with a repeated group backtracks, and V8 ran out of stack on a
// few MB of input (a 500 on a large attachment).
const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') ALPHABET[c.charCodeAt(0)] = 1;
const PAD = '='.charCodeAt(0);

/** True when `text` is padded standard base64 (no whitespace; strip it first). */
export function isPaddedBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || ALPHABET[code] !== 1) return false;
  }
  return true;
}
