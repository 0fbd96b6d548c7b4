import { Cluster, type Redis } from 'ioredis';
import { EMBEDDED_NOTE, type InspectContext } from '../context';
import { bytes, seconds, table } from '../format';
import { scanPrefix } from '../scan';
import type { Report } from './report';

interface Family {
  name: string;
  /** Keys of this family start with it; built with the server's RedisKeys. */
  prefix: string;
  /** The key as the README's layout shows it. */
  pattern: string;
  keys: number;
  memoryBytes: number | null;
  ttlMinSeconds: number | null;
  ttlMaxSeconds: number | null;
  withoutTtl: number;
  /** apikey only: entries that are cached misses (`null`). */
  misses?: number;
}

/** `inspect redis`: every key family of the layout (README, "Operating") with counts, memory and TTLs. */
export async function inspectRedis(ctx: InspectContext): Promise<Report> {
  const { redis, keys } = ctx;
  if (!redis) return { found: false, json: { error: 'embedded', note: EMBEDDED_NOTE }, text: EMBEDDED_NOTE };
  const family = (name: string, prefix: string, pattern: string): Family => ({
    name,
    prefix,
    pattern,
    keys: 0,
    memoryBytes: 0,
    ttlMinSeconds: null,
    ttlMaxSeconds: null,
    withoutTtl: 0,
  });
  const families: Family[] = [
    { ...family('apikey', keys.apiKey(''), keys.apiKey('<sha256>')), misses: 0 },
    family('org', keys.org(''), keys.org('<orgId>')),
    family('rl:org', `${keys.limiterPrefix('org')}:`, `${keys.limiterPrefix('org')}:<orgId>`),
    family('rl:send', `${keys.limiterPrefix('send')}:`, `${keys.limiterPrefix('send')}:<orgId>`),
    family('rl:authfail', `${keys.limiterPrefix('authfail')}:`, `${keys.limiterPrefix('authfail')}:<address>`),
    family('rl:login', `${keys.limiterPrefix('login')}:`, `${keys.limiterPrefix('login')}:<email:…|addr:…>`),
    family('rl:register', `${keys.limiterPrefix('register')}:`, `${keys.limiterPrefix('register')}:<address>`),
    family('bull', `${keys.bullPrefix}:`, `${keys.bullPrefix}:webhooks:…`),
    family('lock:domain-recheck', keys.domainRecheckLock, keys.domainRecheckLock),
  ];
  const other = family('other', keys.prefix, `${keys.prefix}… (not in the layout)`);
  const examples: string[] = [];

  await scanPrefix(redis, keys.prefix, async (batch, node) => {
    const facts = await factsOf(node, batch);
    batch.forEach((key, i) => {
      const f = families.find((fam) => key.startsWith(fam.prefix)) ?? other;
      if (f === other && examples.length < 5) examples.push(key);
      const { ttlMs, memory, length } = facts[i]!;
      f.keys++;
      f.memoryBytes = memory === null || f.memoryBytes === null ? null : f.memoryBytes + memory;
      if (ttlMs < 0) f.withoutTtl++;
      else {
        const ttl = Math.ceil(ttlMs / 1000);
        f.ttlMinSeconds = Math.min(f.ttlMinSeconds ?? ttl, ttl);
        f.ttlMaxSeconds = Math.max(f.ttlMaxSeconds ?? ttl, ttl);
      }
      // The miss marker is the 4-byte JSON literal `null`; a key record is longer.
      if (f.misses !== undefined && length === 4) f.misses++;
    });
  });
  // A node counts only the subscribers connected to it; on a cluster each instance subscribes on
  // one node of its choosing (any node receives every PUBLISH), so the count is summed.
  const subscribers = await subscribersOf(redis, keys.invalidateChannel);

  const all = [...families, other];
  const rows = all.map((f) => [
    f.name,
    f.pattern,
    String(f.keys) + (f.misses ? ` (${f.misses} misses)` : ''),
    bytes(f.memoryBytes),
    seconds(f.ttlMinSeconds),
    seconds(f.ttlMaxSeconds),
    String(f.withoutTtl),
  ]);
  const text = [
    `Redis keys under ${JSON.stringify(keys.prefix)} (SCAN${redis instanceof Cluster ? ` on each of ${redis.nodes('master').length} masters` : ''}; memory from MEMORY USAGE)`,
    '',
    table(['FAMILY', 'KEY', 'KEYS', 'MEMORY', 'TTL MIN', 'TTL MAX', 'NO TTL'], rows),
    ...(examples.length ? ['', `Not in the layout, e.g.: ${examples.join(', ')}`] : []),
    '',
    `Channel ${keys.invalidateChannel}: ${subscribers} subscriber${subscribers === 1 ? '' : 's'} (one per running instance).`,
  ].join('\n');
  const json = { prefix: keys.prefix, families: all.map(({ prefix: _p, ...f }) => f), otherExamples: examples, invalidateChannel: { name: keys.invalidateChannel, subscribers } };
  return { found: true, json, text };
}

async function subscribersOf(redis: Redis | Cluster, channel: string): Promise<number> {
  const nodes = redis instanceof Cluster ? redis.nodes('all') : [redis];
  const counts = await Promise.all(nodes.map(async (node) => Number(((await node.pubsub('NUMSUB', channel)) as [string, number])[1] ?? 0)));
  return counts.reduce((a, b) => a + b, 0);
}

/** PTTL, MEMORY USAGE and STRLEN of each key, in one round trip. */
async function factsOf(redis: Redis, batch: string[]): Promise<Array<{ ttlMs: number; memory: number | null; length: number | null }>> {
  const pipeline = redis.pipeline();
  for (const key of batch) {
    pipeline.pttl(key);
    pipeline.call('MEMORY', 'USAGE', key);
    pipeline.strlen(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  return batch.map((_, i) => {
    const [ttl, memory, length] = [replies[3 * i], replies[3 * i + 1], replies[3 * i + 2]];
    return {
      ttlMs: Number(ttl?.[1] ?? -2),
      // MEMORY USAGE is missing on some Redis-compatible servers: then memory reads n/a.
      memory: memory?.[0] ? null : Number(memory?.[1] ?? 0),
      // STRLEN fails on a key that is not a string (e.g. another program's hash): no length.
      length: length?.[0] ? null : Number(length?.[1]),
    };
  });
}
