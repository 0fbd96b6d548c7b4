/** What a command found: `found: false` makes the exit code 1. */
export interface Report {
  found: boolean;
  /** Printed with --json. */
  json: unknown;
  /** Printed otherwise. */
  text: string;
}
