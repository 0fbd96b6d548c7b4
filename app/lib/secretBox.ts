import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** The sealed text cannot be opened with this key: another SECRETS_KEY, or altered text. */
export class SecretUnreadableError extends Error {
  constructor() {
    super('the secret cannot be decrypted with this SECRETS_KEY');
  }
}

/**
 * Encrypts secrets at rest with AES-256-GCM: a random 96-bit IV per secret and the 128-bit tag, so
 * a wrong key or any changed byte fails to open instead of yielding garbage. `context` (the owning
 * record's id) is authenticated too: a sealed value copied onto another record does not open.
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */
export class SecretBox {
  /** Names the key without revealing it (a keyed hash): stored beside each secret it seals. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.keyId = createHmac('sha256', key).update('sendook secrets key id').digest('hex').slice(0, 16);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** Throws SecretUnreadableError when the key or the text is not the one it was sealed with. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) throw new SecretUnreadableError();
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError();
    }
  }
}
