import { logsQuery } from '../../routes/logs/schemas';
import { usageQuery } from '../../routes/usage/schemas';
import { keyClientObject, requestLogObject, usagePointObject } from '../objects';
import type { ResourceRouteDoc } from '../routes';

const tag = 'Usage';

/** routes/usage, routes/logs and GET /api_keys/:id/clients (docs/usage.md). */
export const usageRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/usage',
    operationId: 'getUsage',
    summary: 'Requests per key and bucket, by outcome, summed over all instances',
    description:
      'Oldest first, one entry per key and bucket that had requests; without `apiKeyId`, every key of the organization. ' +
      'At most USAGE_FLUSH_MS + 1 s behind. `from` defaults to an hour (minute), a day (hour) or 30 days (day) before `to` (default now); ' +
      'the bucket holding `from` is included. Windows longer than 48 hours (minute), 90 days (hour) or 366 days (day) are a 400. ' +
      'Minutes are kept 48 hours, hours 90 days, days a year.',
    tag,
    query: usageQuery,
    response: { status: 200, description: 'The series.', schema: usagePointObject, list: true },
  },
  {
    method: 'get',
    path: '/api_keys/:id/clients',
    operationId: 'listApiKeyClients',
    summary: 'Where a key is used from: address and user agent, most recently seen first (at most 100)',
    tag,
    response: { status: 200, description: 'The clients.', schema: keyClientObject, list: true },
  },
  {
    method: 'get',
    path: '/logs',
    operationId: 'listRequestLogs',
    summary: "The organization's request log, newest first",
    description:
      '`status` takes a code (`404`) or a class (`4xx`), `route` a route template. Never a body, a header value or a secret. ' +
      'Kept REQUEST_LOG_RETENTION_DAYS, at most REQUEST_LOG_MAX_ROWS_PER_ORG lines per organization; 2xx lines beyond 100 per organization ' +
      'per flush and instance are sampled out (docs/usage.md).',
    tag,
    query: logsQuery,
    response: { status: 200, description: 'A page of request-log lines.', schema: requestLogObject, list: true },
  },
];
