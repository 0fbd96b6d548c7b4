import { z } from 'zod';
import { isId } from '../lib/ids';

// Schemas shared by several routers.

export const pageQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(50),
  before: z.string().refine(isId, 'must be an id from a previous page').optional(),
});

export const idParam = z.string().refine(isId, 'is not an id');

/** A display name: trimmed, not empty, no control characters. */
export const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');
