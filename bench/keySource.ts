/**
 * Which `Authorization` each request of a scenario carries.
 * - `same`: one key for every request (the warm path);
 * - `rotate`: a fixed set, in turn (many keys or organizations, unknown or malformed keys);
 * - `eachOnce`: keys never sent to the API before (the cold cache). Only the API consumes them;
 *   the bare reference, which caches nothing, rotates over the same set so that the load
 *   generator builds the same requests on both sides of a pair.
 */
export class KeySource {
  private used = 0;
  private turn = 0;

  private constructor(
    readonly mode: 'same' | 'rotate' | 'eachOnce',
    readonly keys: string[],
  ) {
    if (keys.length === 0) throw new Error('a key source needs at least one key');
  }

  static same(key: string): KeySource {
    return new KeySource('same', [key]);
  }

  static rotate(keys: string[]): KeySource {
    return new KeySource('rotate', keys);
  }

  static eachOnce(keys: string[]): KeySource {
    return new KeySource('eachOnce', keys);
  }

  /** Keys not yet sent to the API (eachOnce); Infinity for the other modes. */
  get remaining(): number {
    return this.mode === 'eachOnce' ? this.keys.length - this.used : Infinity;
  }

  /** The next key; undefined when an eachOnce source has no fresh key left for the API. */
  next(forApi: boolean): string | undefined {
    if (this.mode === 'eachOnce' && forApi) return this.used < this.keys.length ? this.keys[this.used++] : undefined;
    return this.keys[this.turn++ % this.keys.length];
  }
}
