import { messageListQuery, replyBody, sendMessageBody } from '../../routes/messages/schemas';
import { messageObject } from '../objects';
import type { ResourceRouteDoc } from '../routes';

const tag = 'Messages';

// The attachments' total (ATTACHMENTS_MAX_BYTES) is checked after the schema, as a 413.
const sendBody = sendMessageBody();

// The catalogue has no per-route headers, so the send budget's effect on them is said here.
const BUDGET =
  "Takes one point from the organization's send budget (SEND_LIMIT_POINTS per SEND_LIMIT_DURATION, default 100 per hour), " +
  'only once everything else has been checked: a refused request costs nothing. The `RateLimit-*` headers then describe ' +
  'whichever bucket, request or send, has fewer points left (the send bucket on a tie, on a 429 `send_limited`, and always ' +
  'under /organizations/{orgId}). When the mail server refuses or cannot be reached, the message is kept with ' +
  '`status: "failed"` and the answer is 502 `send_failed`; the budget point is not given back. ' +
  "An inbox on a domain its organization has not (or no longer) verified cannot send (403 `domain_not_verified`); mail from " +
  "a verified domain is DKIM-signed with that domain's key, and when the key cannot be decrypted nothing is stored or sent " +
  '(500 `domain_key_unreadable`), never unsigned. Both are checked before the budget is charged.';

/** routes/messages/router.ts, below an inbox (/inboxes/:inboxId/messages). */
export const messageRoutes: ResourceRouteDoc[] = [
  {
    method: 'post',
    path: '/inboxes/:inboxId/messages/send',
    operationId: 'sendMessage',
    summary: 'Send a message from the inbox, in a new thread',
    description:
      '`to` may also be one address as a string. At most 100 recipients in all, 20 attachments of at most ATTACHMENTS_MAX_BYTES ' +
      '(10 MiB) decoded in all (more is 413 `payload_too_large` naming the limit); `text` and `html` at most 1 MiB characters each; ' +
      'the body may be up to MESSAGE_BODY_LIMIT (20mb). ' +
      BUDGET,
    tag,
    body: sendBody,
    response: { status: 201, description: 'The message as sent.', schema: messageObject },
    errors: ['send_limited', 'send_failed', 'domain_not_verified', 'domain_key_unreadable'],
  },
  {
    method: 'post',
    path: '/inboxes/:inboxId/messages/:messageId/reply',
    operationId: 'replyToMessage',
    summary: 'Reply to a message of the inbox, in its thread',
    description: 'Goes to the other party (never to the original `bcc`), with subject `Re: <subject>` and In-Reply-To/References set. ' + BUDGET,
    tag,
    body: replyBody,
    response: { status: 201, description: 'The reply as sent.', schema: messageObject },
    errors: ['send_limited', 'send_failed', 'domain_not_verified', 'domain_key_unreadable'],
  },
  {
    method: 'get',
    path: '/inboxes/:inboxId/messages',
    operationId: 'listMessages',
    summary: "The inbox's messages, newest first, optionally searched",
    description:
      '`query` is plain text, matched literally and case-insensitively in the subject, the text body, the sender and `to`. ' +
      '`direction` keeps received (`inbound`) or sent (`outbound`) messages only; both filters combine.',
    tag,
    query: messageListQuery,
    response: { status: 200, description: 'A page of messages.', schema: messageObject, list: true },
  },
  {
    method: 'get',
    path: '/inboxes/:inboxId/messages/:messageId',
    operationId: 'getMessage',
    summary: 'One message of the inbox',
    tag,
    response: { status: 200, description: 'The message.', schema: messageObject },
  },
  {
    method: 'get',
    path: '/inboxes/:inboxId/messages/:messageId/attachments/:index',
    operationId: 'getMessageAttachment',
    summary: "A received message's attachment, by its position in `attachments` (from 0)",
    description:
      'Answers the bytes themselves (not JSON) with the attachment\'s `Content-Type`, `Content-Disposition: attachment` and a ' +
      'sandboxing `Content-Security-Policy`, so it is downloaded, never rendered. Sent messages keep no attachment contents: 404.',
    tag,
    response: { status: 200, description: 'The attachment content, as received (decoded).' },
  },
];
