import { z } from 'zod';
import { displayName } from '../../http/schemas';

export const createOrganizationBody = z.strictObject({ name: displayName });

const budgetPart = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000, 'is too large').nullable();

/** Owners may rename and set per-organization budgets (null restores the server default). */
export const updateOrganizationBody = z
  .strictObject({
    name: displayName.optional(),
    rateLimitPoints: budgetPart.optional(),
    rateLimitDuration: budgetPart.optional(),
    sendLimitPoints: budgetPart.optional(),
    sendLimitDuration: budgetPart.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'give at least one field');
