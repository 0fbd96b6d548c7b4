import { loadConfig } from '../config';

/** RATE_LIMIT_MODE's default with Redis configured, read from the config itself so the report follows it. */
export function defaultRateLimitMode(): 'exact' | 'lease' {
  return loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).rateLimitMode;
}
