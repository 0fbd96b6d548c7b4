import { z } from 'zod';
import { ApiError } from '../../errors';
import { isPaddedBase64 } from '../../lib/base64';
import { bodyPart, emailAddress, noControl } from '../../http/emailSchemas';
import { pageQuery } from '../../http/schemas';
import type { Attachment, NewMessage } from '../../services/messages';

const MAX_RECIPIENTS = 100;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

const addressList = z.array(emailAddress).max(MAX_RECIPIENTS, `must have at most ${MAX_RECIPIENTS} addresses`);

const attachment = z.strictObject({
  content: z
    .string({ error: 'must be a base64 string' })
    .transform((v) => v.replace(/\s+/g, ''))
    .refine((v) => v.length > 0, 'must not be empty')
    .refine(isPaddedBase64, 'must be base64 (standard alphabet, padded)'),
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .refine((v) => noControl(v) && !/[\\/]/.test(v), 'must be a file name without slashes or control characters')
    .optional(),
  contentType: z.string().regex(MIME_TYPE, 'must be a MIME type such as application/pdf').max(255).optional(),
});

const atLeastOneBody = (v: { text?: string | null; html?: string | null }) => Boolean(v.text) || Boolean(v.html);

/** POST .../messages/send. `to` may also be one address as a string (older Sendook SDKs). */
export function sendMessageBody() {
  return z
    .strictObject({
      to: z.union([emailAddress.transform((a) => [a]), addressList.min(1, 'must have at least one address')], {
        error: 'must be a list of email addresses',
      }),
      cc: addressList.default([]),
      bcc: addressList.default([]),
      labels: z
        .array(z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters').refine(noControl, 'must not contain control characters'))
        .max(20, 'must have at most 20 labels')
        .default([]),
      subject: z.string({ error: 'is required (a string)' }).max(998, 'must be at most 998 characters').refine(noControl, 'must not contain line breaks or control characters'),
      text: bodyPart,
      html: bodyPart,
      attachments: z.array(attachment).max(20, 'must have at most 20 attachments').default([]),
    })
    .refine(atLeastOneBody, { message: 'give text or html', path: ['text'] })
    .refine((v) => v.to.length + v.cc.length + v.bcc.length <= MAX_RECIPIENTS, { message: `at most ${MAX_RECIPIENTS} recipients in all`, path: ['to'] })
    .transform((v): NewMessage => ({
      ...v,
      text: v.text || null,
      html: v.html || null,
      attachments: v.attachments.map(
        (a, i): Attachment => ({
          filename: a.name ?? `attachment-${i + 1}`,
          contentType: a.contentType?.toLowerCase() ?? 'application/octet-stream',
          content: Buffer.from(a.content, 'base64'),
        }),
      ),
    }));
}

/**
 * Attachments over ATTACHMENTS_MAX_BYTES (decoded, all together) are a 413 that names the limit:
 * the request is well-formed, only too large, as a body over MESSAGE_BODY_LIMIT is.
 */
export function checkAttachmentsSize(message: NewMessage, attachmentsMaxBytes: number): NewMessage {
  const total = message.attachments.reduce((sum, a) => sum + a.content.length, 0);
  if (total > attachmentsMaxBytes) {
    throw new ApiError('payload_too_large', `Attachments must be at most ${attachmentsMaxBytes} bytes in all (decoded); these are ${total}.`);
  }
  return message;
}

/** POST .../messages/:messageId/reply */
export const replyBody = z
  .strictObject({ text: bodyPart, html: bodyPart })
  .refine(atLeastOneBody, { message: 'give text or html', path: ['text'] })
  .transform((v) => ({ text: v.text || null, html: v.html || null }));

/** GET .../messages?query=: plain text, matched literally (never a pattern). */
export const messageListQuery = pageQuery.extend({
  query: z.string().max(200, 'must be at most 200 characters').optional(),
  direction: z.enum(['inbound', 'outbound'], { error: 'must be inbound (received) or outbound (sent)' }).optional(),
});
