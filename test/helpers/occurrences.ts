/**
 * Counts occurrences of `needle` in a byte stream fed chunk by chunk: several in one chunk count
 * each, and one split across two chunks counts once. (Counting chunks that contain it, as
 * test/shutdown.test.ts once did, undercounts when the driver sends two queries in one write.)
 */
export class OccurrenceCounter {
  count = 0;
  private tail = '';

  constructor(private readonly needle: string) {}

  feed(chunk: Buffer | string): void {
    const text = this.tail + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    for (let at = text.indexOf(this.needle); at !== -1; at = text.indexOf(this.needle, at + this.needle.length)) this.count++;
    // Keep less than one needle, so an occurrence is never counted twice.
    this.tail = text.slice(Math.max(0, text.length - (this.needle.length - 1)));
  }
}
