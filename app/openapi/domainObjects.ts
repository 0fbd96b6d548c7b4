import { z } from 'zod';
import type { domainView, recordsView } from '../domain/domainView';

// Custom domains' objects (docs/email.md#your-own-domain), built by domain/domainView.ts; tied
// to it at compile time below, like the objects of objects.ts.

const id = z.string().describe('24 hexadecimal characters, time-ordered');
const time = z.iso.datetime().describe('ISO 8601, UTC');

export const domainRecordObject = z
  .object({
    type: z.enum(['TXT', 'MX']),
    name: z.string().describe('the owner name to publish it at, fully qualified'),
    value: z.string().describe('what to publish: the TXT text, or the MX host'),
    status: z.enum(['pending', 'verified', 'failed']).describe('from the last check; pending until the first'),
    required: z.boolean().describe('false for DMARC: recommended, not needed for `verified`'),
  })
  .meta({ id: 'DomainRecord' });

export const domainObject = z
  .object({
    _id: id,
    id,
    organizationId: id,
    name: z.string().describe('ASCII (punycode), lowercase, without a trailing dot'),
    verified: z.boolean().describe('ownership, MX, SPF and DKIM records all found by the last check'),
    verifiedAt: time.nullable(),
    lastCheckedAt: time.nullable().describe('when the records were last looked up (verify or the background re-check)'),
    records: z.array(domainRecordObject),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Domain' });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tied: [Same<z.output<typeof domainObject>, ReturnType<typeof domainView>>, Same<z.output<typeof domainRecordObject>[], ReturnType<typeof recordsView>>] = [true, true];
void tied;
