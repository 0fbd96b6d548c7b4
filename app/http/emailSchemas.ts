import { z } from 'zod';

// Field schemas shared by the email routers.

/** One address, `someone@example.com` (no display names). */
export const emailAddress = z.email({ message: 'must be an email address' }).max(254, 'must be at most 254 characters');

const CONTROL = /[\u0000-\u001f\u007f]/;
export const noControl = (v: string) => !CONTROL.test(v);

/**
 * Longest `text` or `html` part of a message we send, in characters. Send and reply read bodies up
 * to MESSAGE_BODY_LIMIT (for attachments); without this, that much text could go into one part.
 */
export const MAX_BODY_PART_CHARS = 1024 * 1024;

/** Message text: at least one of `text`/`html`; null reads as absent. */
export const bodyPart = z
  .string({ error: 'must be a string' })
  .max(MAX_BODY_PART_CHARS, `must be at most ${MAX_BODY_PART_CHARS} characters`)
  .nullable()
  .optional();
