import { IDEMPOTENCY_KEY_PATTERN } from '../domain/idempotency';
import { ERRORS, type ErrorCode } from '../errors';
import { ID_PATTERN } from '../lib/ids';
import { NO_SCOPE } from '../http/requireScope';
import { routeKey, type RouteScopes } from './routeScopes';
import type { RouteDoc } from './routes';
import type { SchemaConverter } from './schemas';

type Json = Record<string, unknown>;

// Error codes a route can answer, implied by what it takes: a credential's checks and, for a
// key, the rest of the authenticated request path (docs/architecture.md).
const IMPLIED = {
  apiKey: ['missing_api_key', 'malformed_api_key', 'invalid_api_key', 'api_key_inactive', 'api_key_expired', 'rate_limited', 'too_many_failed_attempts', 'service_unavailable'],
  accessToken: ['missing_token', 'malformed_token', 'invalid_token', 'token_expired', 'service_unavailable'],
  none: [],
  pathParam: ['not_found'],
  body: ['invalid_json', 'validation_failed', 'payload_too_large', 'unsupported_media_type'],
  query: ['validation_failed'],
} satisfies Record<string, ErrorCode[]>;

const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'Sendook-Degraded'];

/** The OpenAPI operation of one catalogue entry. */
export function operation(route: RouteDoc, schemas: SchemaConverter, scopes: RouteScopes): Json {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  // Scopes bind API keys only; a token on the /organizations mount may do what membership allows.
  const codes: ErrorCode[] = [...IMPLIED[route.auth], ...(route.errors ?? []).filter((c) => c !== 'insufficient_scope' || route.auth === 'apiKey')];
  const declared = route.auth === 'apiKey' ? scopes.get(routeKey(route.method, route.path)) : undefined;
  const scope = declared === NO_SCOPE ? undefined : declared;
  if (scope) codes.push('insufficient_scope');
  if (params.length) codes.push(...IMPLIED.pathParam);
  if (route.body) codes.push(...IMPLIED.body);
  if (route.query) codes.push(...IMPLIED.query);
  // Every response to an authenticated /v1 request carries the bucket's headers, errors included.
  const limited = route.auth === 'apiKey' || route.metered === true;
  // POSTs of an organization (its key, or a member under /organizations/:orgId) take an
  // Idempotency-Key (app/middleware/idempotentPosts.ts); any of their answers below 500 may be a replay.
  const idempotent = route.method === 'post' && limited;
  if (idempotent) codes.push(...IDEMPOTENT_CODES);

  const responses: Record<string, Json> = {};
  for (const r of [route.response, ...(route.otherResponses ?? [])]) {
    const body = r.schema ? schemas.output(r.schema) : { type: 'object' };
    responses[r.status] = {
      description: r.description,
      headers: { ...headers(limited), ...(idempotent ? { 'Idempotent-Replayed': ref('headers', 'Idempotent-Replayed') } : {}) },
      content: { 'application/json': { schema: r.list ? { type: 'array', items: body } : body } },
    };
  }
  for (const [status, group] of byStatus(codes)) {
    responses[status] = {
      description: group.map((code) => `\`${code}\`: ${ERRORS[code][1]}`).join('\n\n'),
      headers: {
        ...headers(limited && status !== 401),
        ...(status === 401 ? { 'WWW-Authenticate': ref('headers', 'WWW-Authenticate') } : {}),
        ...(status === 429 || (status === 409 && group.includes('idempotency_in_progress')) ? { 'Retry-After': ref('headers', 'Retry-After') } : {}),
        ...(idempotent && status < 500 ? { 'Idempotent-Replayed': ref('headers', 'Idempotent-Replayed') } : {}),
      },
      content: { 'application/json': { schema: ref('schemas', 'Error') } },
    };
  }

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    // OpenAPI 3.1 lets a non-OAuth scheme list "role names" in a requirement: the scope goes there too.
    security: route.auth === 'none' ? [] : [{ [route.auth]: scope ? [scope] : [] }],
    ...(declared ? { 'x-required-scope': scope ?? null } : {}),
    parameters: [...params.map(pathParameter), ...(route.query ? queryParameters(schemas.input(route.query)) : []), ...(idempotent ? [ref('parameters', 'Idempotency-Key')] : [])],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.input(route.body) } } } } : {}),
    responses,
  };
}

/** components.headers */
export const HEADERS: Record<string, Json> = {
  'X-Request-Id': { description: 'Unique per request; repeated as `requestId` in error bodies.', schema: { type: 'string' } },
  'RateLimit-Limit': { description: "Points in the organization's bucket per window.", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Points left in this window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the bucket refills.', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'The budget, e.g. `1000;w=60` (points per window of seconds).', schema: { type: 'string' } },
  'Sendook-Degraded': { description: '`redis` while Redis does not answer and an in-process fallback bucket decided.', schema: { type: 'string', enum: ['redis'] } },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  'Idempotent-Replayed': { description: '`true` when this is the kept answer of an earlier request with the same `Idempotency-Key`, replayed.', schema: { type: 'string', enum: ['true'] } },
  'WWW-Authenticate': { description: '`Bearer realm="sendook", error="invalid_token"`; without the error code when no credentials were sent (RFC 6750 §3.1)', schema: { type: 'string' } },
};

/** components.parameters */
export const PARAMETERS: Record<string, Json> = {
  'Idempotency-Key': {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      "Makes a retry safe: the first request with a key runs and its answer (2xx or 4xx other than 429) is kept for IDEMPOTENCY_TTL_HOURS (24 by default); the same request again gets that answer with `Idempotent-Replayed: true` and has no other effect. The same key with another method, path or body: 422 `idempotency_key_reused`; while the first still runs: 409 `idempotency_in_progress`. Keys belong to the organization. A secret shown once (a new key's `key`, a new webhook's `secret`) is not kept: its replay is the object without it.",
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN.source },
  },
};

const IDEMPOTENT_CODES: ErrorCode[] = ['validation_failed', 'idempotency_key_reused', 'idempotency_in_progress'];

function headers(rateLimited: boolean): Json {
  const names = ['X-Request-Id', ...(rateLimited ? RATE_LIMIT_HEADERS : [])];
  return Object.fromEntries(names.map((name) => [name, ref('headers', name)]));
}

function byStatus(codes: ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code][0];
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

function pathParameter(name: string): Json {
  return { name, in: 'path', required: true, description: 'An id (24 hexadecimal characters).', schema: { type: 'string', pattern: ID_PATTERN.source } };
}

function queryParameters(schema: Json): Json[] {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }));
}

function ref(kind: 'schemas' | 'headers' | 'parameters', name: string): Json {
  return { $ref: `#/components/${kind}/${name}` };
}
