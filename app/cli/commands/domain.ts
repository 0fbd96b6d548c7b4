import { normalizeDomainName } from '../../domain/domainNames';
import { recordsOf } from '../../domain/domainRecords';
import type { Domain } from '../../domain/domains';
import { SecretUnreadableError } from '../../lib/secretBox';
import type { InspectContext } from '../context';
import { fields, quoted, table, time } from '../format';
import type { Report } from './report';

type KeyState = 'readable' | 'unreadable' | 'no SECRETS_KEY';

/**
 * `inspect domain <name>`: which organization owns it (has verified it), every organization that
 * added it, each one's records with their statuses, the last check, and whether its DKIM key
 * decrypts with this SECRETS_KEY.
 */
export async function inspectDomain(ctx: InspectContext, input: string): Promise<Report> {
  const parsed = normalizeDomainName(input);
  const domains = parsed.ok ? await ctx.domains.findByName(parsed.name) : [];
  if (!parsed.ok || domains.length === 0) {
    const name = parsed.ok ? parsed.name : input;
    return { found: false, json: { error: 'not_found', name }, text: `No organization has added the domain ${quoted(name)}.` };
  }
  const owner = domains.find((d) => d.verified) ?? null;
  const policy = { mailHostname: ctx.config.domains.mailHostname, spfMechanism: ctx.config.domains.spfMechanism };
  const entries = await Promise.all(
    domains.map(async (domain) => ({
      domain,
      key: await keyState(ctx, domain),
      records: recordsOf(domain, policy).map(({ kind, type, name, value, status, required }) => ({ kind, type, name, value, status, required })),
    })),
  );
  const json = {
    name: domains[0]!.name,
    ownerOrganizationId: owner?.organizationId ?? null,
    domains: entries.map(({ domain, key, records }) => ({
      id: domain.id,
      organizationId: domain.organizationId,
      verified: domain.verified,
      verifiedAt: iso(domain.verifiedAt),
      lastCheckedAt: iso(domain.checkedAt),
      dkimKey: key,
      records,
    })),
  };
  const text = [
    `Domain ${json.name}: ${owner ? `owned (verified) by organization ${owner.organizationId}` : 'verified by no organization'}.`,
    ...entries.map(({ domain, key, records }) =>
      [
        '',
        fields([
          ['organization', domain.organizationId],
          ['domain id', domain.id],
          ['verified', domain.verified ? `yes, since ${time(domain.verifiedAt, ctx.now)}` : 'no'],
          ['last check', time(domain.checkedAt, ctx.now)],
          ['DKIM key', key === 'unreadable' ? 'UNREADABLE with this SECRETS_KEY: mail from the domain fails until the key it was stored with is restored' : key],
        ]),
        table(
          ['record', 'type', 'name', 'status'],
          records.map((r) => [r.required ? r.kind : `${r.kind} (recommended)`, r.type, r.name, r.status]),
        ),
      ].join('\n'),
    ),
  ].join('\n');
  return { found: true, json, text };
}

async function keyState(ctx: InspectContext, domain: Domain): Promise<KeyState> {
  if (!ctx.secrets) return 'no SECRETS_KEY';
  const stored = await ctx.domains.privateKey(domain.id);
  if (!stored) return 'unreadable';
  try {
    ctx.secrets.open(stored.encrypted, domain.id);
    return 'readable';
  } catch (err) {
    if (err instanceof SecretUnreadableError) return 'unreadable';
    throw err;
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
