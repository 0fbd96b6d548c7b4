/**
 * Deterministic operation counters. Tests assert on them (queries and Redis commands per request
 * are counts, not timings) and the metrics endpoint reads them.
 */
export class Counters {
  mysqlQueries = 0;
  /** Queries that read the api_keys table by hash: the key lookup behind the caches. */
  keyLookupQueries = 0;
  redisCommands = 0;
  /** Connection-level errors reported by ioredis (each failed reconnect counts). */
  redisErrors = 0;
  /** Request-path Redis calls that failed or timed out (each opens the circuit for a moment). */
  redisFailures = 0;
  redisTimeouts = 0;
  mysqlErrors = 0;
  /** Requests admitted by a fallback (in-process) bucket while Redis was unavailable. */
  degradedAdmits = 0;

  snapshot(): Readonly<Omit<Counters, 'snapshot'>> {
    const { mysqlQueries, keyLookupQueries, redisCommands, redisErrors, redisFailures, redisTimeouts, mysqlErrors, degradedAdmits } = this;
    return { mysqlQueries, keyLookupQueries, redisCommands, redisErrors, redisFailures, redisTimeouts, mysqlErrors, degradedAdmits };
  }
}
