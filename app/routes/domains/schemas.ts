import { z } from 'zod';
import { normalizeDomainName } from '../../domain/domainNames';

/** POST /domains: the name as typed; stored as its ASCII (punycode), lowercased form. */
export function createDomainBody(reservedName: string | null) {
  return z.strictObject({
    name: z
      .string({ error: 'must be a domain name such as example.com' })
      .max(1024, 'must be at most 253 characters')
      .transform((value, ctx) => {
        const result = normalizeDomainName(value, reservedName);
        if (result.ok) return result.name;
        ctx.addIssue({ code: 'custom', message: result.problem });
        return z.NEVER;
      }),
  });
}

/** DELETE /domains/:domain. */
export const deleteDomainQuery = z.strictObject({
  force: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
