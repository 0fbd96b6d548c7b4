// Its own module, without browser APIs, so a Node test can compare it with the server's list.

/** What a key may do (docs/keys.md#scopes); `["*"]` is full access. */
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
