// Its own module, without browser APIs, so a Node test can compare it with the server's list.

/** The events a webhook may subscribe to, as POST /webhooks accepts them (app/domain/email.ts). */
export const WEBHOOK_EVENTS = [
  'inbox.created',
  'inbox.updated',
  'inbox.deleted',
  'message.sent',
  'message.received',
  'message.delivered',
  'message.bounced',
  'message.complained',
  'message.rejected',
  'api_key.new_client',
  'api_key.rejected',
  'organization.rate_limited',
  'domain.verified',
  'domain.unverified',
] as const;
