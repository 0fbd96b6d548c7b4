import { pageQuery } from '../../http/schemas';
import { createInboxBody, updateInboxBody } from '../../routes/inboxes/schemas';
import { inboxObject, threadObject, threadWithMessages } from '../objects';
import type { ResourceRouteDoc } from '../routes';
import { messageRoutes } from './messages';
import { webhookRoutes } from './webhooks';

const tag = 'Inboxes';

/** routes/inboxes/router.ts, mounted at /v1/inboxes and /organizations/:orgId/inboxes. */
const inboxRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/inboxes',
    operationId: 'listInboxes',
    summary: "The organization's inboxes, newest first",
    tag,
    query: pageQuery,
    response: { status: 200, description: 'A page of inboxes.', schema: inboxObject, list: true },
  },
  {
    method: 'post',
    path: '/inboxes',
    operationId: 'createInbox',
    summary: 'Create an inbox',
    description:
      'Without `email`, the address is generated on DEFAULT_EMAIL_DOMAIN from the name (`inbox@...` without one), ' +
      'with six random characters added when that is taken. With `email`, that exact address, or 409 `address_taken`: ' +
      'addresses are unique across all organizations, case-insensitively. The address must be on DEFAULT_EMAIL_DOMAIN or on one ' +
      "of the organization's verified domains (exactly that name, not its subdomains), else 403 `domain_not_verified`.",
    tag,
    body: createInboxBody,
    response: { status: 201, description: 'The inbox.', schema: inboxObject },
    errors: ['address_taken', 'domain_not_verified'],
  },
  {
    method: 'get',
    path: '/inboxes/:inboxId',
    operationId: 'getInbox',
    summary: 'One inbox',
    tag,
    response: { status: 200, description: 'The inbox.', schema: inboxObject },
  },
  {
    method: 'patch',
    path: '/inboxes/:inboxId',
    operationId: 'updateInbox',
    summary: 'Rename an inbox (null removes the name); its address never changes',
    tag,
    body: updateInboxBody,
    response: { status: 200, description: 'The inbox as changed.', schema: inboxObject },
  },
  {
    method: 'delete',
    path: '/inboxes/:inboxId',
    operationId: 'deleteInbox',
    summary: 'Delete an inbox with its threads and messages',
    description: 'Its address is free again afterwards.',
    tag,
    response: { status: 200, description: 'The deleted inbox.', schema: inboxObject },
  },
];

/** routes/threads/router.ts, below an inbox. Threads are made by send and extended by reply. */
const threadRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/inboxes/:inboxId/threads',
    operationId: 'listThreads',
    summary: "The inbox's threads, newest first, with their message ids",
    tag: 'Threads',
    query: pageQuery,
    response: { status: 200, description: 'A page of threads; `messages` holds ids, oldest first.', schema: threadObject, list: true },
  },
  {
    method: 'get',
    path: '/inboxes/:inboxId/threads/:threadId',
    operationId: 'getThread',
    summary: 'One thread with its messages in full',
    tag: 'Threads',
    response: { status: 200, description: 'The thread; `messages` holds the message objects, oldest first.', schema: threadWithMessages },
  },
];

/** The email routers' routes (docs/email.md), spread into `resourceRoutes`. */
export const emailRoutes: ResourceRouteDoc[] = [...inboxRoutes, ...messageRoutes, ...threadRoutes, ...webhookRoutes];
