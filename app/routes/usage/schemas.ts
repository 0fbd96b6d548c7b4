import { z } from 'zod';
import { GRANULARITIES } from '../../domain/usage';
import { idParam } from '../../http/schemas';
import { DEFAULT_WINDOW_MS, MAX_WINDOW_MS } from '../../services/usage';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((v) => Date.parse(v));

/** GET /usage: `from` defaults to one window before `to` (an hour of minutes, a day of hours, 30 days). */
export const usageQuery = z
  .strictObject({
    granularity: z.enum(GRANULARITIES, { error: `must be one of ${GRANULARITIES.join(', ')}` }).default('hour'),
    from: instant.optional(),
    to: instant.optional(),
    apiKeyId: idParam.optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? Date.now();
    const from = q.from ?? to - DEFAULT_WINDOW_MS[q.granularity];
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (to - from > MAX_WINDOW_MS[q.granularity]) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `is too far before to for granularity ${q.granularity} (at most ${MAX_WINDOW_MS[q.granularity] / 3_600_000} hours)` });
    }
    return { granularity: q.granularity, from, to, ...(q.apiKeyId ? { apiKeyId: q.apiKeyId } : {}) };
  });
