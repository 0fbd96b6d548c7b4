import { KeySource } from './keySource';
import type { Load } from './slice';

/** Which API configuration a scenario runs against (see serverEnv in bench/apiServers.ts); `main` is exact mode. */
export type ApiKind = 'main' | 'lease' | 'usageOff' | 'keyCacheDisabled' | 'authThrottle';
/** An API configuration, or a reference server measured like one (bench/floorKoa.ts, bench/bareKoa.ts). */
export type ServerKind = ApiKind | 'floor' | 'floorApiClient' | 'koaWithoutRouter' | 'bareKoa';

/** The keys the bench provisioned (and made up) before measuring. */
export interface Fixtures {
  /** One valid key, used by the headline scenario. */
  warmKey: string;
  /** Valid keys spread over organizations (1,000 over 100 unless BENCH_KEYS/BENCH_ORGS say otherwise). */
  spreadKeys: string[];
  /** Valid keys never used before the cold scenario. */
  coldKeys: string[];
  /** A key of an organization with many keys, for the listing. */
  listingKey: string;
  /** A key of an organization whose budget is spent. */
  overBudgetKey: string;
  /** Well-formed keys (right checksum) that match no key. */
  unknownKeys: string[];
  /** Keys whose checksum is wrong. */
  malformedKeys: string[];
}

export interface Scenario {
  name: string;
  title: string;
  server: ServerKind;
  /** Pairs of 1-second slices per BENCH_DURATION second (the headline gets more). */
  pairsPerSecond: number;
  /** Uses thousands of valid keys: the server's next lastUsedAt flush is thousands of UPDATEs. */
  servesManyKeys: boolean;
  /**
   * What the scenario is compared with: bare Koa in alternating slices unless set. When set, a
   * head-to-head scenario: both servers under load at once (bench/measure.ts), so their ratio
   * does not carry the machine's drift, which on a shared machine is larger than the differences
   * measured. Only for servers that wait on the same I/O (measure says why).
   */
  reference?: ServerKind;
  load(f: Fixtures): Load;
}

const health = '/v1/health';

/**
 * In run order, grouped by server so that the bench switches servers as rarely as possible, and
 * the scenarios that serve thousands of keys last in their group (see ApiServers). To add a
 * scenario, add an entry here (and a fixture if it needs keys of a new kind); the bench and its
 * results pick it up, and BENCH_SCENARIOS=<name> runs it alone.
 */
export const scenarios: Scenario[] = [
  // Not the API: the most the exact design could reach here (bench/floorKoa.ts), on a plain ioredis
  // client and on the API's client options; and Koa without its router, for comparison.
  scenario('floor', 'reference, not the API: bare Koa + one SHA-256, a Map lookup, one RateLimiterRedis consume (plain ioredis client)', 'floor', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 2 }),
  scenario('floor-api-client', "reference, not the API: the floor on the API's client options (no offline queue, 100 ms deadline)", 'floorApiClient', (f) => ({ path: health, keys: KeySource.same(f.warmKey) })),
  scenario('koa-without-router', 'reference, not the API: Koa answering the same JSON without @koa/router', 'koaWithoutRouter', (f) => ({ path: health, keys: KeySource.same(f.warmKey) })),
  scenario('warm-key-lease', 'warm key, GET /v1/health, RATE_LIMIT_MODE=lease', 'lease', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 2 }),
  scenario('warm-key', 'warm key, GET /v1/health, RATE_LIMIT_MODE=exact', 'main', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 3 }),
  // Head to head, both servers loaded at once (issue 14's 5%, issue 12's share of the floor and
  // lease mode against bare Koa): each pair waits on the same I/O (none, or one Redis command).
  scenario('usage-on-vs-off', 'head to head: warm key, usage recorded (exact mode) against USAGE_DISABLED', 'main', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 4, reference: 'usageOff' }),
  scenario('warm-key-vs-floor', 'head to head: warm key (exact mode) against the floor (plain ioredis client)', 'main', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 4, reference: 'floor' }),
  scenario('lease-vs-bare-koa', 'head to head: warm key, RATE_LIMIT_MODE=lease, against bare Koa', 'lease', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 4, reference: 'bareKoa' }),
  // Issue 14: the same as warm-key with usage, clients and request logs not recorded at all.
  scenario('warm-key-usage-off', 'warm key, GET /v1/health, RATE_LIMIT_MODE=exact, USAGE_DISABLED (no usage, clients or logs)', 'usageOff', (f) => ({ path: health, keys: KeySource.same(f.warmKey) }), { pairsPerSecond: 2 }),
  scenario('over-budget', 'organization over its budget (429)', 'main', (f) => ({ path: health, keys: KeySource.same(f.overBudgetKey) })),
  scenario('malformed-key', 'malformed keys (bad checksum)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.malformedKeys) })),
  scenario('unknown-key', 'unknown well-formed keys: the negative cache (lockout not reached)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.unknownKeys) })),
  // The listing. Once inboxes exist (another branch is building them), measure the route users
  // call most instead: { path: '/v1/inboxes', keys: KeySource.same(f.listingKey) }.
  scenario('listing', 'a real listing, GET /v1/api_keys', 'main', (f) => ({ path: '/v1/api_keys', keys: KeySource.same(f.listingKey) })),
  scenario('many-keys', '1,000 keys over 100 organizations (BENCH_KEYS, BENCH_ORGS)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.spreadKeys) }), { servesManyKeys: true }),
  scenario('cold-cache', 'cold cache: every key used for the first time', 'main', (f) => ({ path: health, keys: KeySource.eachOnce(f.coldKeys) }), { servesManyKeys: true }),
  scenario('caches-disabled', 'warm key, KEY_CACHE_DISABLED: one MySQL lookup per request', 'keyCacheDisabled', (f) => ({ path: health, keys: KeySource.same(f.warmKey) })),
  scenario('unknown-key-throttled', 'unknown keys, default failed-auth throttle (20 per 60 s): locked out', 'authThrottle', (f) => ({ path: health, keys: KeySource.rotate(f.unknownKeys) })),
];

function scenario(name: string, title: string, server: ServerKind, load: Scenario['load'], options: Partial<Pick<Scenario, 'pairsPerSecond' | 'servesManyKeys' | 'reference'>> = {}): Scenario {
  const { pairsPerSecond = 1, servesManyKeys = false, reference } = options;
  return { name, title, server, load, pairsPerSecond, servesManyKeys, reference };
}
