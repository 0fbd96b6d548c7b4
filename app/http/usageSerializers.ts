import { OUTCOMES, type KeyClient, type RequestLogLine, type UsagePoint } from '../domain/usage';
import { iso } from './serializers';

// GET /usage, /api_keys/:id/clients and /logs (docs/usage.md).

export function serializeUsagePoint(p: UsagePoint) {
  let requests = 0;
  for (const o of OUTCOMES) requests += p.outcomes[o];
  return { at: iso(p.at), apiKeyId: p.apiKeyId, requests, outcomes: { ...p.outcomes } };
}

export function serializeKeyClient(c: KeyClient) {
  return { address: c.address, userAgent: c.userAgent, requests: c.requests, firstSeenAt: iso(c.firstSeenAt), lastSeenAt: iso(c.lastSeenAt) };
}

/** `at` is when the request arrived, read from the line's time-ordered id. */
export function serializeRequestLog(l: RequestLogLine) {
  const at = iso(parseInt(l.id.slice(0, 12), 16));
  return {
    _id: l.id,
    id: l.id,
    at,
    method: l.method,
    route: l.route,
    path: l.path,
    status: l.status,
    apiKeyId: l.apiKeyId,
    address: l.address,
    userAgent: l.userAgent,
    durationMs: l.durationMs,
    requestId: l.requestId,
    replayed: l.replayed,
    createdAt: at,
    updatedAt: at,
  };
}
