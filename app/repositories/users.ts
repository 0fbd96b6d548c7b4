import type { Knex } from 'knex';
import type { User } from '../domain/types';
import type { Db } from './db';
import { toUser, type UserRow } from './rows';

export class UserRepository {
  constructor(private readonly knex: Knex) {}

  async insert(user: User, passwordHash: string, db: Db = this.knex): Promise<void> {
    await db<UserRow>('users').insert({
      id: user.id,
      email: user.email,
      password_hash: passwordHash,
      first_name: user.firstName,
      last_name: user.lastName,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    });
  }

  async findByEmail(email: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = await this.knex<UserRow>('users').where({ email }).first();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.knex<UserRow>('users').where({ id }).first();
    return row ? toUser(row) : null;
  }
}
