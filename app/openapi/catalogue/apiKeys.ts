import { pageQuery } from '../../http/schemas';
import { createApiKeyBody, rollApiKeyBody, updateApiKeyBody } from '../../routes/apiKeys/schemas';
import { apiKeyObject, createdApiKeyObject } from '../objects';
import type { ResourceRouteDoc } from '../routes';

const tag = 'API keys';

/** routes/apiKeys/router.ts, mounted at /v1/api_keys and /organizations/:orgId/api_keys. */
export const apiKeyRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/api_keys',
    operationId: 'listApiKeys',
    summary: "The organization's keys, newest first (never with the secret)",
    tag,
    query: pageQuery,
    response: { status: 200, description: 'A page of keys.', schema: apiKeyObject, list: true },
  },
  {
    method: 'post',
    path: '/api_keys',
    operationId: 'createApiKey',
    summary: 'Create a key; the secret is in this response only',
    description:
      'With `scopes` (default `["*"]`) and `inboxIds` (default null: all inboxes). Through `/v1`, a key cannot create a key with a scope or an inbox it does not hold itself (403 `insufficient_scope`); an access token can grant anything.',
    tag,
    errors: ['insufficient_scope'],
    body: createApiKeyBody,
    response: { status: 201, description: 'The key, with its secret in `key`.', schema: createdApiKeyObject },
  },
  {
    method: 'get',
    path: '/api_keys/:id',
    operationId: 'getApiKey',
    summary: 'One key',
    tag,
    response: { status: 200, description: 'The key.', schema: apiKeyObject },
  },
  {
    method: 'patch',
    path: '/api_keys/:id',
    operationId: 'updateApiKey',
    summary: 'Rename, deactivate or reactivate a key, or change its scopes or inboxes',
    description:
      'Deactivation and changes of `scopes` or `inboxIds` take effect on every instance within a second. Through `/v1`, a key cannot give a key a scope or an inbox it does not hold itself (403 `insufficient_scope`).',
    tag,
    errors: ['insufficient_scope'],
    body: updateApiKeyBody,
    response: { status: 200, description: 'The key as changed.', schema: apiKeyObject },
  },
  {
    method: 'delete',
    path: '/api_keys/:id',
    operationId: 'deleteApiKey',
    summary: 'Delete a key',
    description: 'Requests with it then get 401 `invalid_api_key`; it disappears from lists and `GET` (404).',
    tag,
    response: { status: 200, description: 'The key, now with `active: false`.', schema: apiKeyObject },
  },
  {
    method: 'post',
    path: '/api_keys/:id/roll',
    operationId: 'rollApiKey',
    summary: 'Roll (rotate) a key: a new secret now, the old one for a grace period',
    description:
      'Answers the new key (same name, scopes, inboxIds and expiresAt; `rolledFrom` names the old one) with its secret in `key`, shown only here. The old key keeps working for `graceSeconds` (default 86400, at most 604800; 0 ends it now; a deactivated key ends at once), then answers 401 `api_key_expired`; its object shows `rolledTo` and the end of the grace as `expiresAt`. A key is rolled once: rolling it again is 409 `conflict` (roll its successor); an expired key is 409 too. Through `/v1`, a key cannot roll a key that holds more than itself (403 `insufficient_scope`).',
    tag,
    body: rollApiKeyBody,
    response: { status: 201, description: 'The new key, with its secret in `key`.', schema: createdApiKeyObject },
    errors: ['conflict', 'insufficient_scope'],
  },
];
