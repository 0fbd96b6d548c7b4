import type { z } from 'zod';
import type { ErrorCode } from '../errors';
import { apiKeyRoutes } from './catalogue/apiKeys';
import { publicRoutes, v1OnlyRoutes } from './catalogue/account';
import { domainRoutes } from './catalogue/domains';
import { emailRoutes } from './catalogue/email';
import { usageRoutes } from './catalogue/usage';

// The route catalogue: one entry per method and path the app serves, from which
// app/openapi/document.ts builds GET /openapi.json. test/openapi.test.ts compares it with the
// routes the real routers serve, so a route added to a router without an entry here (or the
// reverse) fails the build.

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';
/** Which credential the route takes: an API key (sndk_), an access token (sndt_), or none. */
export type Credential = 'apiKey' | 'accessToken' | 'none';

export interface ResponseDoc {
  status: number;
  description: string;
  /** A schema from objects.ts (named ones become $refs); none: no documented body. */
  schema?: z.ZodType;
  /** The body is a bare array of `schema`, newest first (docs/api.md). */
  list?: boolean;
}

export interface RouteDoc {
  method: HttpMethod;
  /** As the router declares it, with :params (`/v1/api_keys/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: Credential;
  /** The zod schema the route validates its JSON body with (routes/<folder>/schemas.ts). */
  body?: z.ZodType;
  /** The zod schema the route validates its query with. */
  query?: z.ZodType;
  /** The success response. */
  response: ResponseDoc;
  /** Responses other than the success and the error envelope (e.g. GET /health's 503). */
  otherResponses?: ResponseDoc[];
  /** Error codes of this route beyond those its credential, path, body and query imply. */
  errors?: ErrorCode[];
  /** Draws from the organization's request bucket without an API key (/organizations/:orgId/*). */
  metered?: boolean;
}

/** A route of a resource router, relative to where it is mounted (`/api_keys/:id`). */
export type ResourceRouteDoc = Omit<RouteDoc, 'auth'>;

/**
 * Where the resource routers are mounted (docs/api.md): under /v1 with an API key, and
 * under /organizations/:orgId with an access token, for members of that organization.
 */
export const MOUNTS = [
  { prefix: '/v1', auth: 'apiKey', operationSuffix: '', tagSuffix: '' },
  { prefix: '/organizations/:orgId', auth: 'accessToken', operationSuffix: 'InOrganization', tagSuffix: ' (by organization)' },
] as const;

/** The resource routers' routes. */
export const resourceRoutes: readonly ResourceRouteDoc[] = [...apiKeyRoutes, ...emailRoutes, ...usageRoutes, ...domainRoutes];

export const routeCatalogue: readonly RouteDoc[] = [
  ...publicRoutes,
  ...v1OnlyRoutes,
  ...MOUNTS.flatMap((mount) =>
    resourceRoutes.map((route) => ({
      ...route,
      path: mount.prefix + route.path,
      auth: mount.auth,
      operationId: route.operationId + mount.operationSuffix,
      tag: route.tag + mount.tagSuffix,
      // Under /organizations/:orgId too, the request bucket is charged (as /v1 is by the key).
      ...(mount.auth === 'accessToken' ? { metered: true, errors: [...(route.errors ?? []), 'rate_limited' as const] } : {}),
    })),
  ),
];
