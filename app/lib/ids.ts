import { randomBytes } from 'node:crypto';

// 24 hex characters like a MongoDB ObjectId (what Sendook clients expect in `_id`), laid out so
// that ids sort by creation time: 6 bytes of milliseconds, 3 random bytes fixed per process,
// 3 bytes of a counter. Newest-first pagination is then `ORDER BY id DESC`.
const processPart = randomBytes(3).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export function newId(now = Date.now()): string {
  counter = (counter + 1) & 0xffffff;
  return now.toString(16).padStart(12, '0') + processPart + counter.toString(16).padStart(6, '0');
}

export const ID_PATTERN = /^[0-9a-f]{24}$/;
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
