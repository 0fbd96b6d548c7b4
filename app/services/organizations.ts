import type { TieredCache } from '../cache/tieredCache';
import type { MemberRole, Organization, Page } from '../domain/types';
import { ApiError } from '../errors';
import { newId } from '../lib/ids';
import type { Db } from '../repositories/db';
import type { OrganizationPatch, OrganizationRepository } from '../repositories/organizations';
import { effectiveBudget, withinBudget } from '../domain/budgets';
import type { Budget } from './rateLimits';
import type { InvalidationBus } from './invalidation';

export class OrganizationService {
  constructor(
    private readonly repo: OrganizationRepository,
    private readonly cache: TieredCache<Organization>,
    private readonly bus: InvalidationBus,
    private readonly defaults: { rateLimit: Budget; sendLimit: Budget },
  ) {}

  async create(ownerId: string, name: string, db?: Db): Promise<Organization> {
    const now = Date.now();
    const org: Organization = {
      id: newId(now),
      name,
      rateLimitPoints: null,
      rateLimitDuration: null,
      sendLimitPoints: null,
      sendLimitDuration: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(org, db);
    await this.repo.addMember(org.id, ownerId, 'owner', now, db);
    return org;
  }

  /** The cached organization for the request path; null when it no longer exists. */
  cached(orgId: string): Promise<Organization | null> {
    return this.cache.get(orgId);
  }

  /** The same, synchronously, when this process holds it; undefined when it must ask (cached). */
  held(orgId: string): Organization | null | undefined {
    return this.cache.peek(orgId);
  }

  listForMember(userId: string, page: Page): Promise<Organization[]> {
    return this.repo.listForMember(userId, page);
  }

  /** Non-members get the same 404 as for an organization that does not exist. */
  async getForMember(orgId: string, userId: string): Promise<{ organization: Organization; role: MemberRole }> {
    const found = await this.repo.findForMember(orgId, userId);
    if (!found) throw new ApiError('not_found', 'No organization with this id.');
    return found;
  }

  /**
   * An owner's change (PATCH /organizations/:orgId). Budgets may only come down: each budget the
   * patch touches must end within the server default (withinBudget: burst and rate), or within
   * what the organization has now (lowering a budget an operator raised). `null` restores the
   * default. Raising is an operator action: `npm run admin -- org <orgId> budget`.
   */
  async updateAsOwner(org: Organization, patch: OrganizationPatch): Promise<Organization> {
    const touched = {
      requests: patch.rateLimitPoints !== undefined || patch.rateLimitDuration !== undefined,
      sends: patch.sendLimitPoints !== undefined || patch.sendLimitDuration !== undefined,
    };
    for (const family of ['requests', 'sends'] as const) {
      if (!touched[family]) continue;
      const defaults = family === 'requests' ? this.defaults.rateLimit : this.defaults.sendLimit;
      const wanted = effectiveBudget({ ...org, ...stripUndefined(patch) }, family, defaults);
      if (withinBudget(wanted, defaults) || withinBudget(wanted, effectiveBudget(org, family, defaults))) continue;
      throw new ApiError(
        'forbidden',
        `Owners may only lower the ${family === 'requests' ? 'request' : 'send'} budget: ${wanted.points} per ${wanted.duration} s is above the server default of ${defaults.points} per ${defaults.duration} s (in points or in rate). Raising it is an operator action (npm run admin).`,
      );
    }
    return this.update(org.id, patch);
  }

  /** Any change, budgets included, with no ceiling: the operator's path (npm run admin) and the owner's after its check. */
  async update(orgId: string, patch: OrganizationPatch): Promise<Organization> {
    const updated = await this.repo.update(orgId, patch, Date.now());
    if (!updated) throw new ApiError('not_found', 'No organization with this id.');
    await this.cache.write(orgId, updated);
    await this.bus.publish({ kind: 'org', id: orgId });
    return updated;
  }

  // Per cached organization object, so the request path allocates no budget per request.
  private readonly requestBudgets = new WeakMap<Organization, Budget>();

  requestBudget(org: Organization): Budget {
    let budget = this.requestBudgets.get(org);
    if (!budget) {
      budget = {
        points: org.rateLimitPoints ?? this.defaults.rateLimit.points,
        duration: org.rateLimitDuration ?? this.defaults.rateLimit.duration,
      };
      this.requestBudgets.set(org, budget);
    }
    return budget;
  }

  sendBudget(org: Organization): Budget {
    return {
      points: org.sendLimitPoints ?? this.defaults.sendLimit.points,
      duration: org.sendLimitDuration ?? this.defaults.sendLimit.duration,
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
