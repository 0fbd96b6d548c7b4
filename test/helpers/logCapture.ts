import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line, raw and parsed, for tests that read the log. */
export class LogCapture implements DestinationStream {
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
  }

  /** Parsed lines at `level` or above (pino numbers: 40 warn, 50 error). */
  atLeast(level: number): Array<Record<string, any>> {
    return this.raw.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.level >= level);
  }

  /** Everything logged so far, as one string, for "this never appears" checks. */
  text(): string {
    return this.raw.join('');
  }
}
