import { bucketStart, type Granularity, type KeyClient, type RequestLogLine, type UsagePoint } from '../domain/usage';
import type { Page } from '../domain/types';
import type { RequestLogFilter, RequestLogRepository } from '../repositories/requestLogs';
import type { UsageRepository } from '../repositories/usage';
import type { ApiKeyService } from './apiKeys';

export const MAX_CLIENTS_LISTED = 100;

/** Reading usage, clients and request logs of one organization; a key of another one is a 404. */
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly logs: RequestLogRepository,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async series(organizationId: string, q: { granularity: Granularity; from: number; to: number; apiKeyId?: string }): Promise<UsagePoint[]> {
    if (q.apiKeyId) await this.apiKeys.get(organizationId, q.apiKeyId);
    // The bucket that holds `from` is included whole.
    return this.usage.series({ organizationId, ...q, from: bucketStart(q.from, q.granularity) });
  }

  async clients(organizationId: string, apiKeyId: string): Promise<KeyClient[]> {
    await this.apiKeys.get(organizationId, apiKeyId);
    return this.usage.clientsOf(apiKeyId, MAX_CLIENTS_LISTED);
  }

  async requestLogs(organizationId: string, filter: RequestLogFilter, page: Page): Promise<RequestLogLine[]> {
    if (filter.apiKeyId) await this.apiKeys.get(organizationId, filter.apiKeyId);
    return this.logs.list(organizationId, filter, page);
  }
}

/** The default window of GET /usage when `from` is not given: an hour of minutes, a day of hours, 30 days. */
export const DEFAULT_WINDOW_MS: Record<Granularity, number> = { minute: 3_600_000, hour: 86_400_000, day: 30 * 86_400_000 };
/** The longest window one GET /usage answers, which bounds the response to a few thousand buckets per key. */
export const MAX_WINDOW_MS: Record<Granularity, number> = { minute: 48 * 3_600_000, hour: 90 * 86_400_000, day: 366 * 86_400_000 };
