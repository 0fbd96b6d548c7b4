import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors';
import { WEBHOOK_EVENTS } from '../domain/email';
import { ALL_SCOPES, SCOPES } from '../domain/scopes';
import { domainObject, domainRecordObject } from './domainObjects';
import type { serializeInbox, serializeMessage, serializeThread, serializeWebhook, serializeWebhookAttempt } from '../http/emailSerializers';
import type { serializeApiKey, serializeOrganization, serializeUser } from '../http/serializers';
import type { serializeKeyClient, serializeRequestLog, serializeUsagePoint } from '../http/usageSerializers';

// The objects the API answers with, as zod schemas for the OpenAPI document. Request schemas live
// with their routes (routes/*/schemas.ts) and are used as they are; responses are built by the
// serializers, so each schema here is tied to its serializer's return type at compile time (see
// the end of the file) and test/openapi.test.ts checks real responses against them.

const id = z.string().describe('24 hexadecimal characters, time-ordered');
const time = z.iso.datetime().describe('ISO 8601, UTC');
const budgetOverride = z.number().int().nullable().describe('null: the server default applies');

export const userObject = z
  .object({ _id: id, id, email: z.string(), firstName: z.string(), lastName: z.string(), createdAt: time, updatedAt: time })
  .meta({ id: 'User' });

export const organizationObject = z
  .object({
    _id: id,
    id,
    name: z.string(),
    rateLimitPoints: budgetOverride,
    rateLimitDuration: budgetOverride.describe('seconds; null: the server default applies'),
    sendLimitPoints: budgetOverride,
    sendLimitDuration: budgetOverride.describe('seconds; null: the server default applies'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Organization' });

export const apiKeyObject = z
  .object({
    _id: id,
    id,
    name: z.string(),
    start: z.string().describe('sndk_ and the first 4 random characters: how a key is shown after creation'),
    organizationId: id,
    active: z.boolean(),
    expiresAt: time.nullable(),
    lastUsedAt: time.nullable().describe('may lag by up to a minute'),
    scopes: z.array(z.enum([ALL_SCOPES, ...SCOPES])).describe('what the key may do; ["*"]: everything'),
    inboxIds: z.array(id).nullable().describe('the inboxes the key may touch; null: all of them'),
    rolledTo: id.nullable().describe('the key this one was rolled to; its `expiresAt` is then the end of the grace'),
    rolledFrom: id.nullable().describe('the key this one was rolled from'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeyObject = apiKeyObject
  .extend({ key: z.string().describe('The secret (sndk_...). Shown only in this response; store it now.') })
  .meta({ id: 'ApiKeyWithSecret' });

export const userWithOrganizations = userObject.extend({ organizations: z.array(organizationObject) }).meta({ id: 'UserWithOrganizations' });

export const registration = z
  .object({ user: userObject, token: z.string().describe('access token (sndt_...)'), organization: organizationObject, apiKey: createdApiKeyObject })
  .meta({ id: 'Registration' });

export const session = z.object({ user: userObject, token: z.string().describe('access token (sndt_...)') }).meta({ id: 'Session' });

export const success = z.object({ success: z.literal(true) }).meta({ id: 'Success' });

const partStatus = z.enum(['ok', 'embedded', 'down']);
export const serverHealth = z
  .object({
    healthy: z.boolean(),
    mysql: partStatus,
    redis: partStatus,
    domainKeys: z
      .object({ unreadable: z.number().int().describe('domains whose DKIM key does not decrypt with this SECRETS_KEY') })
      .optional()
      .describe('present only when some domain cannot sign: SECRETS_KEY was lost or changed'),
  })
  .meta({ id: 'ServerHealth', description: '"embedded": replaced by its in-process stand-in (SQLite, in-process cache and limiter).' });

export const keyHealth = z.object({ healthy: z.literal(true), organizationId: id, apiKeyId: id }).meta({ id: 'KeyHealth' });

// Email resources (docs/email.md), built by http/emailSerializers.ts.

export const inboxObject = z
  .object({
    _id: id,
    id,
    organizationId: id,
    name: z.string().optional().describe('absent when the inbox has no name'),
    email: z.string().describe('unique across all organizations, case-insensitively; never changes'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Inbox' });

export const messageObject = z
  .object({
    _id: id,
    id,
    organizationId: id,
    inboxId: id,
    threadId: id,
    direction: z.enum(['outbound', 'inbound']).describe('`outbound`: sent through the API; `inbound`: received by the SMTP server'),
    status: z
      .enum(['sending', 'sent', 'failed', 'delivered', 'bounced', 'complained', 'rejected', 'received'])
      .describe('sent mail: `sending` until the mail server answers, then `sent` or `failed` (with `error`); received mail: `received`'),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()).describe('shown to the owner only; in no header of the mail'),
    labels: z.array(z.string()),
    subject: z.string(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    attachments: z
      .array(z.object({ name: z.string().describe('the file name'), contentType: z.string(), size: z.number().int().describe('bytes, decoded') }))
      .describe(
        'what was attached. Sent mail: the contents are not kept. Received mail: the n-th (from 0) is served by ' +
          'GET /inboxes/{inboxId}/messages/{messageId}/attachments/{index}',
      ),
    messageId: z.string().describe('the RFC 5322 Message-ID header, with angle brackets'),
    inReplyTo: z.string().nullable(),
    references: z.string().nullable(),
    error: z.string().nullable().describe("the mail server's answer when `status` is `failed`"),
    sentAt: time.nullable(),
    receivedAt: time.nullable().describe('received mail: when the SMTP server stored it; null for sent mail'),
    authentication: z
      .object({ spf: z.string(), dkim: z.string(), dmarc: z.string() })
      .nullable()
      .describe('received mail: SPF, DKIM and DMARC verdicts as mailauth names them (pass, fail, softfail, neutral, none, temperror, permerror); null for sent mail'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Message' });

export const threadObject = z
  .object({
    _id: id,
    id,
    organizationId: id,
    inboxId: id,
    subject: z.string().describe('that of the first message'),
    messages: z.array(id).describe('message ids, oldest first'),
    createdAt: time,
    updatedAt: time.describe('moves with every message added'),
  })
  .meta({ id: 'Thread' });

export const threadWithMessages = threadObject
  .extend({ messages: z.array(messageObject).describe('the messages in full, oldest first (at most the last 500)') })
  .meta({ id: 'ThreadWithMessages' });

export const webhookObject = z
  .object({ _id: id, id, organizationId: id, url: z.string().describe('exactly as given'), events: z.array(z.enum(WEBHOOK_EVENTS)), createdAt: time, updatedAt: time })
  .meta({ id: 'Webhook' });

export const createdWebhookObject = webhookObject
  .extend({ secret: z.string().describe('whsec_ + 32 characters, the HMAC key of Sendook-Signature. Shown only in this response.') })
  .meta({ id: 'WebhookWithSecret' });

export const webhookTestResult = success.extend({ eventId: z.string().describe('the queued `webhook.test` event') }).meta({ id: 'WebhookTestQueued' });

export const webhookAttemptObject = z
  .object({
    _id: id,
    id,
    organizationId: id,
    webhookId: id,
    eventId: z.string(),
    event: z.enum([...WEBHOOK_EVENTS, 'webhook.test']),
    inboxId: id.nullable(),
    messageId: id.nullable(),
    attempt: z.number().int().describe('1 for the first try, 2 for the first retry, ...'),
    success: z.boolean(),
    status: z.number().int().nullable().describe("the target's HTTP status; null when no answer came"),
    durationMs: z.number(),
    error: z.string().nullable(),
    nextAttemptAt: time.nullable().describe('the earliest time of the next try; null when delivered, after the last attempt, or when the target is refused'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'WebhookAttempt' });

// Key usage, clients and request logs (docs/usage.md), built by http/usageSerializers.ts.

const outcomeCount = z.number().int();
export const usagePointObject = z
  .object({
    at: time.describe('start of the bucket (minute, hour or day, UTC)'),
    apiKeyId: id,
    requests: z.number().int().describe('all outcomes together'),
    outcomes: z.object({
      accepted: outcomeCount.describe('2xx and 3xx'),
      rate_limited: outcomeCount.describe('429 from a request or send budget'),
      key_refused: outcomeCount.describe('the key was deleted, deactivated or expired'),
      client_error: outcomeCount.describe('other 4xx'),
      server_error: outcomeCount.describe('5xx'),
    }),
  })
  .meta({ id: 'UsagePoint' });

export const keyClientObject = z
  .object({
    address: z.string().describe('client address as the server sees it (TRUST_PROXY)'),
    userAgent: z.string().describe('User-Agent header, cut at 255 characters; empty when absent'),
    requests: z.number().int(),
    firstSeenAt: time,
    lastSeenAt: time,
  })
  .meta({ id: 'KeyClient' });

export const requestLogObject = z
  .object({
    _id: id,
    id,
    at: time.describe('when the request arrived'),
    method: z.string(),
    route: z.string().describe('the route template, e.g. /v1/inboxes/:inboxId'),
    path: z.string().describe('the path, without the query string'),
    status: z.number().int(),
    apiKeyId: id,
    address: z.string(),
    userAgent: z.string(),
    durationMs: z.number().int(),
    requestId: z.string().describe('the X-Request-Id of the response'),
    replayed: z.boolean().describe('answered with the kept answer of an earlier request with the same Idempotency-Key'),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'RequestLog' });

export const errorEnvelope = z
  .object({
    error: z.string().describe('human-readable message'),
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]).describe('stable machine code (app/errors.ts)'),
    requestId: z.string().nullable().describe('the X-Request-Id of the response'),
    details: z
      .union([
        z.array(z.object({ path: z.string(), message: z.string() })).describe('validation errors: which field, what is wrong'),
        z.object({ required: z.string() }).describe('insufficient_scope: the scope the request needed ("inboxIds": a key without an inbox restriction)'),
      ])
      .optional(),
  })
  .meta({ id: 'Error' });

/** Every named object, for components.schemas. */
export const namedObjects = [
  userObject,
  organizationObject,
  apiKeyObject,
  createdApiKeyObject,
  userWithOrganizations,
  registration,
  session,
  success,
  serverHealth,
  keyHealth,
  inboxObject,
  messageObject,
  threadObject,
  threadWithMessages,
  webhookObject,
  createdWebhookObject,
  webhookTestResult,
  webhookAttemptObject,
  usagePointObject,
  keyClientObject,
  requestLogObject,
  errorEnvelope,
  domainObject,
  domainRecordObject,
];

// Compile-time ties: a serializer that changes shape without its schema does not build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tied: [
  Same<z.output<typeof userObject>, ReturnType<typeof serializeUser>>,
  Same<z.output<typeof organizationObject>, ReturnType<typeof serializeOrganization>>,
  Same<z.output<typeof apiKeyObject>, ReturnType<typeof serializeApiKey>>,
  Same<z.output<typeof inboxObject>, ReturnType<typeof serializeInbox>>,
  Same<z.output<typeof messageObject>, ReturnType<typeof serializeMessage>>,
  // One serializer for both: lists pass message ids, GET of one thread the messages in full.
  Same<Omit<z.output<typeof threadObject>, 'messages'> & { messages: (string | z.output<typeof messageObject>)[] }, ReturnType<typeof serializeThread>>,
  Same<z.output<typeof webhookObject>, ReturnType<typeof serializeWebhook>>,
  Same<z.output<typeof createdWebhookObject>, ReturnType<typeof serializeWebhook> & { secret: string }>,
  Same<z.output<typeof webhookAttemptObject>, ReturnType<typeof serializeWebhookAttempt>>,
  Same<z.output<typeof usagePointObject>, ReturnType<typeof serializeUsagePoint>>,
  Same<z.output<typeof keyClientObject>, ReturnType<typeof serializeKeyClient>>,
  Same<z.output<typeof requestLogObject>, ReturnType<typeof serializeRequestLog>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];
void tied;
