// Domains an organization sends and receives as (docs/email.md#your-own-domain). Times are
// epoch milliseconds, as in domain/types.ts.

/** The records a domain publishes; each is checked on its own. */
export const RECORD_KINDS = ['ownership', 'mx', 'spf', 'dkim', 'dmarc'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** `verified` needs these; DMARC is recommended and shown, never required. */
export const REQUIRED_RECORDS: readonly RecordKind[] = ['ownership', 'mx', 'spf', 'dkim'];

/** From the last check: `pending` until the first one. */
export type RecordStatus = 'pending' | 'verified' | 'failed';
export type RecordStatuses = Record<RecordKind, RecordStatus>;

export function pendingStatuses(): RecordStatuses {
  return { ownership: 'pending', mx: 'pending', spf: 'pending', dkim: 'pending', dmarc: 'pending' };
}

export interface Domain {
  id: string;
  organizationId: string;
  /** ASCII (punycode), lowercase, without a trailing dot. */
  name: string;
  /** What TXT _sendook.<name> must hold after `sendook-verification=`. */
  verificationToken: string;
  dkimSelector: string;
  /** Base64 of the DKIM public key's SPKI (DER): the record's `p=`. */
  dkimPublicKey: string;
  verified: boolean;
  verifiedAt: number | null;
  /** When the records were last looked up (verify or the background re-check). */
  checkedAt: number | null;
  statuses: RecordStatuses;
  createdAt: number;
  updatedAt: number;
}

/** One record to publish, as GET /domains/:domain/dns lists it. */
export interface DomainRecord {
  kind: RecordKind;
  type: 'TXT' | 'MX';
  /** The owner name, fully qualified, without a trailing dot. */
  name: string;
  value: string;
  status: RecordStatus;
  required: boolean;
}

/** What DKIM signing needs (nodemailer's `dkim` option): given only for a verified domain. */
export interface SigningKey {
  domainName: string;
  keySelector: string;
  /** PKCS#8 PEM. Never logged, never in a response, never in Redis. */
  privateKey: string;
}

/** The domain's private key, as stored, and whether this instance's SECRETS_KEY can read it. */
export interface StoredPrivateKey {
  encrypted: string;
  secretsKeyId: string;
}
