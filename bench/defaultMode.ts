import { envSchema } from '../config/schema';

/**
 * RATE_LIMIT_MODE's default (issue 12: `lease` when Redis is configured, if the exactness tests
 * pass in both modes; else `exact`), read from the config schema so the headline follows it.
 * Before the schema has the variable, every instance is exact.
 */
export function defaultRateLimitMode(): 'exact' | 'lease' {
  const field = (envSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } } | undefined>).RATE_LIMIT_MODE;
  const parsed = field?.safeParse(undefined);
  return parsed?.success && parsed.data === 'lease' ? 'lease' : 'exact';
}
