import { pageQuery } from '../../http/schemas';
import { createApiKeyBody, updateApiKeyBody } from '../../routes/apiKeys/schemas';
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
    tag,
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
    summary: 'Rename, deactivate or reactivate a key',
    description: 'Deactivation takes effect on every instance within a second.',
    tag,
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
];
