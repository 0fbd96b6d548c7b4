import { z } from 'zod';
import { ALL_SCOPES, SCOPES } from '../../domain/scopes';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from '../../services/apiKeys';
import { displayName, idParam } from '../../http/schemas';

/** `["*"]`, or a non-empty list of distinct scopes (docs/keys.md#scopes). */
const scopes = z
  .array(z.enum([ALL_SCOPES, ...SCOPES]), { error: `must be a list of scopes: "*" or ${SCOPES.join(', ')}` })
  .min(1, 'must name at least one scope; ["*"] is full access')
  .max(SCOPES.length + 1)
  .refine((v) => new Set(v).size === v.length, 'must not repeat a scope')
  .refine((v) => !v.includes(ALL_SCOPES) || v.length === 1, '"*" already holds every scope; give it alone')
  .describe('what the key may do; ["*"] (the default) is everything');

/** Ids of the organization's inboxes; null: all of them. */
const inboxIds = z
  .union([
    z
      .array(idParam)
      .min(1, 'must name at least one inbox; null means all inboxes')
      .max(100, 'must name at most 100 inboxes')
      .refine((v) => new Set(v).size === v.length, 'must not repeat an inbox'),
    z.null(),
  ])
  .describe('the inboxes the key may touch; null (the default): all of them');

export const createApiKeyBody = z.strictObject({
  name: displayName,
  expiresAt: z
    .union([z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }), z.null()])
    .optional()
    .transform((v) => (v ? Date.parse(v) : null))
    .refine((v) => v === null || v > Date.now(), 'must be in the future'),
  scopes: scopes.optional(),
  inboxIds: inboxIds.optional(),
});

export const updateApiKeyBody = z
  .strictObject({
    name: displayName.optional(),
    active: z.boolean().optional(),
    scopes: scopes.optional(),
    inboxIds: inboxIds.optional(),
  })
  .refine((v) => Object.values(v).some((field) => field !== undefined), 'give name, active, scopes or inboxIds');

export const rollApiKeyBody = z.strictObject({
  graceSeconds: z
    .number({ error: `must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}` })
    .int(`must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`)
    .min(0, `must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`)
    .max(MAX_GRACE_SECONDS, `must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (7 days)`)
    .default(DEFAULT_GRACE_SECONDS)
    .describe('how long the old key keeps working; 0 ends it now'),
});
