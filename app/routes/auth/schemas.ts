import { z } from 'zod';
import { displayName } from '../../http/schemas';

const email = z
  .string()
  .trim()
  .max(320, 'must be at most 320 characters')
  .pipe(z.email({ message: 'must be an email address' }));

export const registerBody = z.strictObject({
  email,
  // bcrypt reads at most 72 bytes; longer passwords would be silently truncated.
  password: z
    .string()
    .min(8, 'must be at least 8 characters')
    .refine((v) => Buffer.byteLength(v) <= 72, 'must be at most 72 bytes'),
  first_name: displayName.pipe(z.string().max(100, 'must be at most 100 characters')),
  last_name: displayName.pipe(z.string().max(100, 'must be at most 100 characters')),
});

export const loginBody = z.strictObject({
  email,
  password: z.string().min(1, 'must not be empty').max(1000, 'is too long'),
});
