// The one catalogue of errors a client can see: a stable code, its HTTP status and the message.
// Routes and services throw `ApiError`s by code; the renderer (middleware/errorRenderer.ts) is the
// only place that turns anything into a response.
export const ERRORS = {
  missing_api_key: [401, 'An API key is required: send Authorization: Bearer <key>.'],
  malformed_api_key: [401, 'The API key is not of the sndk_ format or its checksum is wrong.'],
  invalid_api_key: [401, 'The API key is unknown or has been deleted.'],
  api_key_inactive: [401, 'The API key has been deactivated.'],
  api_key_expired: [401, 'The API key has expired.'],
  missing_token: [401, 'An access token is required: send Authorization: Bearer <token>.'],
  malformed_token: [401, 'The access token is not of the sndt_ format or its checksum is wrong.'],
  invalid_token: [401, 'The access token is unknown or has been revoked.'],
  token_expired: [401, 'The access token has expired; log in again.'],
  invalid_credentials: [401, 'The email or password is wrong.'],
  forbidden: [403, 'Your role in this organization does not allow this.'],
  not_found: [404, 'Not found.'],
  method_not_allowed: [405, 'This method is not allowed on this path.'],
  email_taken: [409, 'An account with this email already exists.'],
  conflict: [409, 'This conflicts with an existing resource.'],
  address_taken: [409, 'An inbox with this email address already exists.'],
  invalid_json: [400, 'The request body is not valid JSON.'],
  validation_failed: [400, 'The request is invalid.'],
  payload_too_large: [413, 'The request body is too large.'],
  unsupported_media_type: [415, 'Send the request body as application/json.'],
  headers_too_large: [431, 'The request headers are larger than 16 KB.'],
  rate_limited: [429, "The organization's request budget is used up; retry after the time in Retry-After."],
  send_limited: [429, "The organization's send budget is used up; retry after the time in Retry-After."],
  too_many_failed_attempts: [429, 'Too many failed authentications from this address; retry later.'],
  login_throttled: [429, 'Too many login attempts; retry after the time in Retry-After.'],
  send_failed: [502, 'The mail server did not accept the message; it is stored with status "failed".'],
  service_unavailable: [503, 'A backing service is unavailable; retry shortly.'],
  internal_error: [500, 'Internal server error.'],
  not_implemented: [501, 'This HTTP method is not supported by this server.'],
  register_throttled: [429, 'Too many registrations from this address; retry after the time in Retry-After.'],
  too_many_webhooks: [409, 'The organization has the most webhooks allowed; delete one first.'],
  insufficient_scope: [403, "The API key's scopes do not allow this; details.required names the scope needed."],
  domain_taken: [409, 'Another organization has already verified this domain.'],
  domain_in_use: [409, 'Inboxes of the organization use this domain; delete them first, or pass ?force=true.'],
  not_configured: [503, 'This server is not configured for this: SECRETS_KEY is not set.'],
  domain_key_unreadable: [500, "The domain's DKIM key cannot be decrypted with this server's SECRETS_KEY; nothing was sent. The operator must restore the SECRETS_KEY the key was stored with."],
  domain_not_verified: [403, 'The address is not on the default domain or on a verified domain of this organization.'],
  idempotency_key_reused: [422, 'This Idempotency-Key was used for a request with another method, path or body; use a new key for new content.'],
  idempotency_in_progress: [409, 'A request with this Idempotency-Key is still running; retry after the time in Retry-After.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  path: string;
  message: string;
}

/** `details` of 403 insufficient_scope (docs/keys.md#scopes): the scope the request needed. */
export interface ScopeDetail {
  required: string;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetail[] | ScopeDetail,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    // A 4xx is an answer, not a bug: its stack is never logged or shown, and capturing one was
    // most of what a 401 or 429 cost the request path. 5xx keep theirs for the error log.
    const status = ERRORS[code][0];
    const stackTraceLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message ?? ERRORS[code][1]);
    Error.stackTraceLimit = stackTraceLimit;
    this.status = status;
  }
}

/** Thrown by stores when MySQL or Redis does not answer; rendered as 503, never as a 401. */
export class UnavailableError extends Error {
  constructor(
    readonly dependency: 'mysql' | 'redis',
    cause?: unknown,
  ) {
    super(`${dependency} is unavailable`, { cause });
  }
}

/**
 * A verified domain's DKIM private key does not decrypt with this server's SECRETS_KEY (the key
 * was lost or changed, or the stored value was altered). Thrown by DomainService.signingKeyFor so
 * that mail from the domain fails with this answer instead of going out unsigned.
 */
export class DomainKeyUnreadableError extends ApiError {
  constructor(readonly domainName: string) {
    super('domain_key_unreadable', `The DKIM key of ${domainName} cannot be decrypted with this server's SECRETS_KEY; nothing was sent. The operator must restore the SECRETS_KEY the key was stored with.`);
  }
}
