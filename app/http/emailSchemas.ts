import { z } from 'zod';

// Field schemas shared by the email routers.

/** One address, `someone@example.com` (no display names). */
export const emailAddress = z.email({ message: 'must be an email address' }).max(254, 'must be at most 254 characters');

const CONTROL = /[\u0000-\u001f\u007f]/;
export const noControl = (v: string) => !CONTROL.test(v);

/** Message text: at least one of `text`/`html`; null reads as absent. */
export const bodyPart = z.string({ error: 'must be a string' }).nullable().optional();
