import type { Knex } from 'knex';
import type { MemberRole, Organization, Page } from '../domain/types';
import { nextVersion, paginate, type Db } from './db';
import { toOrganization, type OrganizationRow } from './rows';

export type OrganizationPatch = Partial<
  Pick<Organization, 'name' | 'rateLimitPoints' | 'rateLimitDuration' | 'sendLimitPoints' | 'sendLimitDuration'>
>;

export class OrganizationRepository {
  constructor(private readonly knex: Knex) {}

  async insert(org: Organization, db: Db = this.knex): Promise<void> {
    await db<OrganizationRow>('organizations').insert({
      id: org.id,
      name: org.name,
      rate_limit_points: org.rateLimitPoints,
      rate_limit_duration: org.rateLimitDuration,
      send_limit_points: org.sendLimitPoints,
      send_limit_duration: org.sendLimitDuration,
      created_at: org.createdAt,
      updated_at: org.updatedAt,
    });
  }

  async addMember(orgId: string, userId: string, role: MemberRole, now: number, db: Db = this.knex): Promise<void> {
    await db('organization_members').insert({ organization_id: orgId, user_id: userId, role, created_at: now });
  }

  async findById(id: string): Promise<Organization | null> {
    const row = await this.knex<OrganizationRow>('organizations').where({ id }).first();
    return row ? toOrganization(row) : null;
  }

  /** The organization with the user's role, or null when it does not exist or the user is not a member. */
  async findForMember(orgId: string, userId: string): Promise<{ organization: Organization; role: MemberRole } | null> {
    const row = await this.knex('organizations as o')
      .join('organization_members as m', 'm.organization_id', 'o.id')
      .where({ 'o.id': orgId, 'm.user_id': userId })
      .first<(OrganizationRow & { role: MemberRole }) | undefined>('o.*', 'm.role');
    return row ? { organization: toOrganization(row), role: row.role } : null;
  }

  async listForMember(userId: string, page: Page): Promise<Organization[]> {
    const query = this.knex('organizations as o')
      .join('organization_members as m', 'm.organization_id', 'o.id')
      .where('m.user_id', userId)
      .select<OrganizationRow[]>('o.*');
    const rows = (await paginate(query, page, 'o.id')) as OrganizationRow[];
    return rows.map(toOrganization);
  }

  async update(id: string, patch: OrganizationPatch, now: number): Promise<Organization | null> {
    const columns: Record<string, unknown> = { updated_at: nextVersion(this.knex, now) };
    if (patch.name !== undefined) columns.name = patch.name;
    if (patch.rateLimitPoints !== undefined) columns.rate_limit_points = patch.rateLimitPoints;
    if (patch.rateLimitDuration !== undefined) columns.rate_limit_duration = patch.rateLimitDuration;
    if (patch.sendLimitPoints !== undefined) columns.send_limit_points = patch.sendLimitPoints;
    if (patch.sendLimitDuration !== undefined) columns.send_limit_duration = patch.sendLimitDuration;
    await this.knex('organizations').where({ id }).update(columns);
    return this.findById(id);
  }
}
