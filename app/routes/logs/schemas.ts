import { z } from 'zod';
import { idParam, pageQuery } from '../../http/schemas';

/** GET /logs: `status` is a code (`404`) or a class (`4xx`); `route` a template (`/v1/inboxes/:inboxId`). */
export const logsQuery = pageQuery
  .extend({
    apiKeyId: idParam.optional(),
    status: z
      .string()
      .regex(/^[1-5](\d\d|xx)$/, 'must be a status code such as 404 or a class such as 4xx')
      .transform((v) => (v.endsWith('xx') ? { from: Number(v[0]) * 100, to: Number(v[0]) * 100 + 99 } : { from: Number(v), to: Number(v) }))
      .optional(),
    route: z.string().min(1).max(200, 'must be at most 200 characters').optional(),
  })
  .transform(({ limit, before, ...filter }) => ({ page: { limit, ...(before ? { before } : {}) }, filter }));
