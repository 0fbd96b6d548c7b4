// Records of key usage, clients and request logs (docs/usage.md). Times are
// epoch milliseconds, as everywhere in the domain.

export const OUTCOMES = ['accepted', 'rate_limited', 'key_refused', 'client_error', 'server_error'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeCounts = Record<Outcome, number>;

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** How long each series is kept (docs/usage.md); the pruner deletes older buckets. */
export const USAGE_RETENTION_MS: Record<Granularity, number> = {
  minute: 48 * 3_600_000,
  hour: 90 * 86_400_000,
  day: 366 * 86_400_000,
};

/** The start of the bucket of `granularity` that holds `at` (UTC). */
export function bucketStart(at: number, granularity: Granularity): number {
  const size = GRANULARITY_MS[granularity];
  return at - (at % size);
}

export function emptyOutcomes(): OutcomeCounts {
  return { accepted: 0, rate_limited: 0, key_refused: 0, client_error: 0, server_error: 0 };
}

/** What a finished /v1 request was, for the counts: the refused-key case wins over its status. */
export function outcomeOf(status: number, keyRefused: boolean): Outcome {
  if (keyRefused) return 'key_refused';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'accepted';
}

/** Counts of one key in one bucket, as stored and as answered by GET /v1/usage. */
export interface UsagePoint {
  at: number;
  apiKeyId: string;
  organizationId: string;
  outcomes: OutcomeCounts;
}

export interface KeyClient {
  apiKeyId: string;
  organizationId: string;
  address: string;
  userAgent: string;
  requests: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface RequestLogLine {
  id: string;
  organizationId: string;
  apiKeyId: string;
  method: string;
  route: string;
  path: string;
  status: number;
  address: string;
  userAgent: string;
  durationMs: number;
  requestId: string;
  /** Answered with the kept answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export type RejectionReason = 'inactive' | 'expired' | 'deleted';

/** The usage alerts (docs/usage.md#alerts-webhook-events), as the usage flusher finds them. */
export type UsageAlert =
  | { event: 'api_key.new_client'; organizationId: string; apiKeyId: string; address: string; userAgent: string }
  | { event: 'api_key.rejected'; organizationId: string; apiKeyId: string; reason: RejectionReason }
  | { event: 'organization.rate_limited'; organizationId: string; limit: number; resetAt: number };

/** Column limits of migration 003: longer values are cut, never refused. */
export const FIELD_LIMITS = { address: 64, userAgent: 255, path: 512, route: 200, requestId: 64 } as const;
