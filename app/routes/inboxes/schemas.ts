import { z } from 'zod';
import { displayName } from '../../http/schemas';
import { emailAddress } from '../../http/emailSchemas';

/** `name` and `email` are both optional; null reads as absent (some clients send it). */
export const createInboxBody = z.strictObject({
  name: displayName.nullable().optional(),
  email: emailAddress.nullable().optional(),
});

/** Renames an inbox; null removes the name. The address of an inbox never changes. */
export const updateInboxBody = z.strictObject({
  name: displayName.nullable(),
});
