import type { ApiKey, Organization } from '../../domain/types';
import { API_KEY_PREFIX, ACCESS_TOKEN_PREFIX, hashSecret, isWellFormed, secretStart } from '../../lib/credentials';
import { ID_PATTERN } from '../../lib/ids';
import { EMBEDDED_NOTE, type InspectContext } from '../context';
import { fields, quoted, seconds, table, time } from '../format';
import { cacheEntries, cachedKeyState, keyState, type CacheEntry } from './keyCache';
import type { Report } from './report';
import { renderClients, renderUsage, usageSummary } from '../usageSummary';

const START_LENGTH = API_KEY_PREFIX.length + 4;

/** A usage mistake (exit code 2). Its message never repeats a secret. */
export class UsageError extends Error {}

type Query = { by: 'secret'; start: string; sha256: string } | { by: 'id'; id: string } | { by: 'start'; start: string };

/**
 * `inspect key <sndk_… | id | start>`. A full secret is hashed at once and never printed: the
 * output names it by its start and SHA-256, which is what the database and Redis hold anyway.
 */
export async function inspectKey(ctx: InspectContext, given: string): Promise<Report> {
  const query = parseQuery(given.trim());
  const found =
    query.by === 'secret' ? [await ctx.db.keyByHash(query.sha256)] : query.by === 'id' ? [await ctx.db.keyById(query.id)] : await ctx.db.keysByStart(query.start);
  const keys = found.filter((k): k is ApiKey => k !== null);

  if (keys.length === 0) {
    // An unknown secret may still be cached as a miss (the negative cache).
    const [miss] = query.by === 'secret' && ctx.redis ? await cacheEntries(ctx.redis, [ctx.keys.apiKey(query.sha256)]) : [];
    const what = query.by === 'id' ? `id ${query.id}` : query.by === 'start' ? `start ${query.start}` : `the given secret (start ${query.start}, not printed)`;
    const cached = miss?.present ? ` Redis holds it as a cached miss for another ${seconds(miss.ttlSeconds)} (${miss.redisKey}).` : '';
    return { found: false, json: { error: 'not_found', query, cache: miss ?? null }, text: `No API key with ${what}.${cached}` };
  }

  const orgs = await ctx.db.organizations([...new Set(keys.map((k) => k.organizationId))]);
  const reports = [];
  for (const key of keys) reports.push(await describe(ctx, key, orgs.get(key.organizationId) ?? null));
  const text = [
    ...(keys.length > 1 ? [`${keys.length} keys show the start ${quoted(keys[0]!.start)}:`, ''] : []),
    reports.map((r) => r.text).join('\n\n'),
    ...(ctx.redis ? [] : ['', EMBEDDED_NOTE]),
  ].join('\n');
  return { found: true, json: { query, keys: reports.map((r) => r.json), ...(ctx.redis ? {} : { note: EMBEDDED_NOTE }) }, text };
}

function parseQuery(given: string): Query {
  if (given.startsWith(ACCESS_TOKEN_PREFIX)) throw new UsageError('That is an access token (sndt_), not an API key; it was not looked up.');
  if (ID_PATTERN.test(given)) return { by: 'id', id: given };
  if (given.startsWith(API_KEY_PREFIX) && given.length === START_LENGTH) return { by: 'start', start: given };
  if (given.startsWith(API_KEY_PREFIX) && given.length > START_LENGTH) {
    if (!isWellFormed(given, API_KEY_PREFIX)) {
      throw new UsageError(`The key starting ${secretStart(given)} is not a well-formed API key (its length, characters or checksum are wrong).`);
    }
    return { by: 'secret', start: secretStart(given), sha256: hashSecret(given) };
  }
  throw new UsageError('Give an API key (sndk_…, or - to read it from stdin), its id (24 hex characters) or its start (sndk_ + 4 characters).');
}

async function describe(ctx: InspectContext, key: ApiKey, org: Organization | null) {
  const [keyCache, orgCache] = ctx.redis ? await cacheEntries(ctx.redis, [ctx.keys.apiKey(key.keyHash), ctx.keys.org(key.organizationId)]) : [];
  const state = keyState(key, ctx.now);
  const [usage, clients] = await Promise.all([usageSummary(ctx, { apiKeyId: key.id }), ctx.db.clientsOf(key.id, 5)]);
  const cachedState = keyCache?.present ? cachedKeyState(keyCache.value, ctx.now) : null;
  const json = {
    id: key.id,
    name: key.name,
    start: key.start,
    sha256: key.keyHash,
    organization: { id: key.organizationId, name: org?.name ?? null },
    state,
    expiresAt: iso(key.expiresAt),
    scopes: key.scopes,
    inboxIds: key.inboxIds,
    rolledTo: key.rolledTo,
    rolledFrom: key.rolledFrom,
    lastUsedAt: iso(key.lastUsedAt),
    deletedAt: iso(key.deletedAt),
    createdAt: iso(key.createdAt),
    cache: {
      inProcess: 'not visible from outside the server process',
      redis: keyCache ? { ...keyCache, state: cachedState } : null,
      organization: orgCache ?? null,
    },
    usage,
    clients: clients.map((c) => ({ ...c, lastSeenAt: iso(c.lastSeenAt) })),
  };
  const tiers = [
    ['in-process', '(each instance)', `not visible from outside the server; an entry lives at most ${ctx.config.keyCache.ttlMs} ms`],
    redisRow('Redis', keyCache, cachedState, state),
    redisRow('organization', orgCache, orgCache?.present ? 'cached' : null, 'cached'),
  ];
  const text = [
    `API key ${key.id} ${quoted(key.name)} (${key.start})`,
    fields([
      ['organization', `${key.organizationId}${org ? ` ${quoted(org.name)}` : ' (no longer exists)'}`],
      ['state', state + (key.deletedAt !== null ? ` since ${iso(key.deletedAt)}` : '')],
      ['expires', time(key.expiresAt, ctx.now) + (key.rolledTo !== null ? ' (end of the grace after a roll)' : '')],
      ['scopes', key.scopes.join(' ')],
      ['inboxes', key.inboxIds === null ? 'all of the organization\'s' : key.inboxIds.join(' ')],
      ...(key.rolledTo !== null ? [['rolled to', key.rolledTo] as [string, string]] : []),
      ...(key.rolledFrom !== null ? [['rolled from', key.rolledFrom] as [string, string]] : []),
      ['last used', `${time(key.lastUsedAt, ctx.now)}; written at most once a minute`],
      ['created', iso(key.createdAt)!],
      ['sha256', key.keyHash],
    ]),
    '',
    'Cache tiers',
    table(['TIER', 'KEY', 'HOLDS'], tiers as string[][]),
    '',
    renderUsage(usage, ctx.config.usage.flushMs),
    '',
    renderClients(clients, ctx.now),
  ].join('\n');
  return { json, text };
}

function redisRow(tier: string, entry: CacheEntry | undefined, cached: string | null, truth: string): string[] {
  if (!entry) return [tier, '-', 'n/a (embedded mode)'];
  if (!entry.present) return [tier, entry.redisKey, 'not cached'];
  const stale = cached !== truth && tier === 'Redis' ? ` (the database says ${truth})` : '';
  return [tier, entry.redisKey, `${cached}, TTL ${seconds(entry.ttlSeconds)}${stale}`];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
