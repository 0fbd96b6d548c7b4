import type { Knex } from 'knex';
import type { Db } from './db';

export interface AccessTokenRecord {
  id: string;
  userId: string;
  expiresAt: number;
}

interface AccessTokenRow {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: number;
  created_at: number;
}

export class AccessTokenRepository {
  constructor(private readonly knex: Knex) {}

  async insert(token: AccessTokenRecord & { tokenHash: string; createdAt: number }, db: Db = this.knex): Promise<void> {
    await db<AccessTokenRow>('access_tokens').insert({
      id: token.id,
      user_id: token.userId,
      token_hash: token.tokenHash,
      expires_at: token.expiresAt,
      created_at: token.createdAt,
    });
  }

  async findByHash(tokenHash: string): Promise<AccessTokenRecord | null> {
    const row = await this.knex<AccessTokenRow>('access_tokens').where({ token_hash: tokenHash }).first();
    return row ? { id: row.id, userId: row.user_id, expiresAt: Number(row.expires_at) } : null;
  }

  async delete(id: string): Promise<void> {
    await this.knex('access_tokens').where({ id }).delete();
  }
}
