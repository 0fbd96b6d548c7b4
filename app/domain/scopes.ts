// What an API key may do (docs/keys.md): `*` (everything, the default) or a list of these,
// and optionally the inboxes it may touch. Pure: the request path, the key service and the tests
// share these functions.

export const SCOPES = [
  'api_keys:read',
  'api_keys:write',
  'inboxes:read',
  'inboxes:write',
  'messages:read',
  'messages:send',
  'webhooks:read',
  'webhooks:write',
  'usage:read',
  'domains:read',
  'domains:write',
] as const;

export type Scope = (typeof SCOPES)[number];
export const ALL_SCOPES = '*';
export type Grant = Scope | typeof ALL_SCOPES;

/** What a key holds. Records cached before scopes existed lack both fields: they had full access. */
export interface Grants {
  scopes?: readonly Grant[];
  inboxIds?: readonly string[] | null;
}

// One Set per cached key record, built on its first scoped request: the in-process tier hands out
// the same record object until it changes, so the warm path is a WeakMap hit and a Set lookup.
const scopeSets = new WeakMap<Grants, ReadonlySet<string>>();

export function holdsScope(key: Grants, scope: Scope): boolean {
  const scopes = key.scopes;
  if (scopes === undefined) return true;
  let set = scopeSets.get(key);
  if (set === undefined) {
    set = new Set(scopes);
    scopeSets.set(key, set);
  }
  return set.has(ALL_SCOPES) || set.has(scope);
}

/** Whether the key may see this inbox: unrestricted keys see all of the organization's. */
export function holdsInbox(key: Grants, inboxId: string): boolean {
  const inboxIds = key.inboxIds;
  return inboxIds === undefined || inboxIds === null || inboxIds.includes(inboxId);
}

/** The inboxes a list may show: null for all of them. */
export function inboxFilter(key: Grants | undefined): readonly string[] | null {
  return key?.inboxIds ?? null;
}

/**
 * The first scope of `wanted` that `holder` lacks, so a key cannot hand out (create, roll, patch)
 * more than it holds. Returns null when `wanted` is within `holder`. `*` is only within `*`.
 */
export function scopeBeyond(holder: Grants, wanted: readonly Grant[]): Grant | null {
  if (holder.scopes === undefined || holder.scopes.includes(ALL_SCOPES)) return null;
  for (const scope of wanted) if (!holder.scopes.includes(scope)) return scope;
  return null;
}

/** Whether `wanted` inboxes (null: all) are within what `holder` may see. */
export function inboxesWithin(holder: Grants, wanted: readonly string[] | null): boolean {
  const held = holder.inboxIds;
  if (held === undefined || held === null) return true;
  if (wanted === null) return false;
  return wanted.every((id) => held.includes(id));
}
