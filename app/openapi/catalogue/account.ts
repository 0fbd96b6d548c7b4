import { pageQuery } from '../../http/schemas';
import { loginBody, registerBody } from '../../routes/auth/schemas';
import { createOrganizationBody, updateOrganizationBody } from '../../routes/organizations/schemas';
import { keyHealth, organizationObject, registration, serverHealth, session, success, userWithOrganizations } from '../objects';
import type { RouteDoc } from '../routes';

/** routes/health.ts, routes/auth, routes/organizations and openapi/router.ts. */
export const publicRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'getServerHealth',
    summary: 'Whether the server and its database and Redis answer',
    tag: 'Health',
    auth: 'none',
    response: { status: 200, description: 'Everything answers.', schema: serverHealth },
    otherResponses: [{ status: 503, description: 'A dependency does not answer: it reads "down".', schema: serverHealth }],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tag: 'API description',
    auth: 'none',
    response: { status: 200, description: 'The OpenAPI 3.1 description of every route.' },
  },
  {
    method: 'post',
    path: '/auth/register',
    operationId: 'register',
    summary: 'Create a user with a Default Organization and a Default API Key',
    tag: 'Users',
    auth: 'none',
    body: registerBody,
    response: { status: 201, description: 'The user, an access token, the organization and the key (its secret shown only here).', schema: registration },
    description: 'Throttled per client address (REGISTER_LIMIT_POINTS per REGISTER_LIMIT_DURATION seconds).',
    errors: ['email_taken', 'register_throttled'],
  },
  {
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Exchange email and password for an access token',
    description: 'Throttled per email and per client address.',
    tag: 'Users',
    auth: 'none',
    body: loginBody,
    response: { status: 200, description: 'The user and a new access token.', schema: session },
    errors: ['invalid_credentials', 'login_throttled'],
  },
  {
    method: 'get',
    path: '/auth/user',
    operationId: 'getUser',
    summary: 'The user of the access token, with its organizations',
    tag: 'Users',
    auth: 'accessToken',
    response: { status: 200, description: 'The user.', schema: userWithOrganizations },
  },
  {
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: 'Revoke the access token used for this request',
    tag: 'Users',
    auth: 'accessToken',
    response: { status: 200, description: 'Revoked.', schema: success },
  },
  {
    method: 'get',
    path: '/organizations',
    operationId: 'listOrganizations',
    summary: "The user's organizations, newest first",
    tag: 'Organizations',
    auth: 'accessToken',
    query: pageQuery,
    response: { status: 200, description: 'A page of organizations.', schema: organizationObject, list: true },
  },
  {
    method: 'post',
    path: '/organizations',
    operationId: 'createOrganization',
    summary: 'Create an organization owned by the user',
    tag: 'Organizations',
    auth: 'accessToken',
    body: createOrganizationBody,
    response: { status: 201, description: 'The organization.', schema: organizationObject },
  },
  {
    method: 'get',
    path: '/organizations/:orgId',
    operationId: 'getOrganization',
    summary: 'One organization (members only; others get 404)',
    tag: 'Organizations',
    auth: 'accessToken',
    response: { status: 200, description: 'The organization.', schema: organizationObject },
  },
  {
    method: 'patch',
    path: '/organizations/:orgId',
    operationId: 'updateOrganization',
    summary: "Rename an organization or lower its own budgets (owners only; null restores the server default)",
    description: 'A budget may not end above the server default in points or in rate (403 forbidden); raising it is an operator action (npm run admin).',
    tag: 'Organizations',
    auth: 'accessToken',
    body: updateOrganizationBody,
    response: { status: 200, description: 'The organization as changed.', schema: organizationObject },
    errors: ['forbidden'],
  },
];

/** /v1 routes that are not resource routers (so not also under /organizations/:orgId). */
export const v1OnlyRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/health',
    operationId: 'checkApiKey',
    summary: 'The cheapest authenticated request: tests a key',
    tag: 'Health',
    auth: 'apiKey',
    response: { status: 200, description: 'The key works; its organization and id.', schema: keyHealth },
  },
];
