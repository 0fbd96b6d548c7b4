/** A MySQL or Redis server the test suite can use, and where it came from. */
export interface ChosenService {
  /** Connection URL handed to the tests (MySQL: server only, no database name). */
  url: string;
  /** Human-readable origin, printed once so a failing run shows what it ran against. */
  label: string;
}

export type ServiceName = 'mysql' | 'redis';
