import { z } from 'zod';
import { displayName } from '../../http/schemas';

export const createApiKeyBody = z.strictObject({
  name: displayName,
  expiresAt: z
    .union([z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }), z.null()])
    .optional()
    .transform((v) => (v ? Date.parse(v) : null))
    .refine((v) => v === null || v > Date.now(), 'must be in the future'),
});

export const updateApiKeyBody = z
  .strictObject({
    name: displayName.optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => v.name !== undefined || v.active !== undefined, 'give name or active');
