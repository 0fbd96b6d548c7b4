import type { z } from 'zod';
import { ApiError } from '../errors';

/** Parses a body or query with a zod schema; failures become 400 validation_failed with details. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  throw new ApiError('validation_failed', undefined, details);
}
