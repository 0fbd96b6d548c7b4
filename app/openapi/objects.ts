import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors';
import type { serializeApiKey, serializeOrganization, serializeUser } from '../http/serializers';

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
  .object({ healthy: z.boolean(), mysql: partStatus, redis: partStatus })
  .meta({ id: 'ServerHealth', description: '"embedded": replaced by its in-process stand-in (SQLite, in-process cache and limiter).' });

export const keyHealth = z.object({ healthy: z.literal(true), organizationId: id, apiKeyId: id }).meta({ id: 'KeyHealth' });

export const errorEnvelope = z
  .object({
    error: z.string().describe('human-readable message'),
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]).describe('stable machine code (app/errors.ts)'),
    requestId: z.string().nullable().describe('the X-Request-Id of the response'),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('validation errors: which field, what is wrong'),
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
  errorEnvelope,
];

// Compile-time ties: a serializer that changes shape without its schema does not build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tied: [
  Same<z.output<typeof userObject>, ReturnType<typeof serializeUser>>,
  Same<z.output<typeof organizationObject>, ReturnType<typeof serializeOrganization>>,
  Same<z.output<typeof apiKeyObject>, ReturnType<typeof serializeApiKey>>,
] = [true, true, true];
void tied;
