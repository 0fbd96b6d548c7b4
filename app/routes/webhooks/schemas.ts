import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../domain/email';
import type { WebhookTargetGuard } from '../../services/webhookTargets';

/** POST /webhooks. The URL is kept exactly as given, so the object echoes it. */
export function createWebhookBody(guard: WebhookTargetGuard) {
  return z.strictObject({
    url: z
      .string({ error: 'must be a URL' })
      .trim()
      .max(2048, 'must be at most 2048 characters')
      .superRefine((value, ctx) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          return ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
        }
        const problem = guard.problemWith(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    events: z
      .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(', ')}` }), { error: 'must be a list of event names' })
      .min(1, 'must name at least one event')
      .max(WEBHOOK_EVENTS.length * 2, 'has too many entries')
      .transform((events) => [...new Set(events)]),
  });
}
