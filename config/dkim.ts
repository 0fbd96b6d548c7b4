import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What nodemailer signs with, less the domain (that is DEFAULT_EMAIL_DOMAIN). */
export interface DkimSettings {
  keySelector: string;
  /** PEM. */
  privateKey: string;
}

interface DkimEnv {
  DEFAULT_DKIM_SELECTOR?: string;
  DEFAULT_DKIM_PRIVATE_KEY?: string;
  DEFAULT_DKIM_PRIVATE_KEY_FILE?: string;
}

/**
 * The key that signs mail from DEFAULT_EMAIL_DOMAIN, or null when none is configured. Half a
 * setting, a key given twice, a file that cannot be read or a key that does not parse stop the
 * boot: nodemailer sends a message unsigned when its key fails, so a bad key must never get that far.
 * Returns an error message instead of throwing so loadConfig words it like its other refusals.
 */
export function defaultDkimOf(e: DkimEnv): DkimSettings | string | null {
  const inline = e.DEFAULT_DKIM_PRIVATE_KEY;
  const file = e.DEFAULT_DKIM_PRIVATE_KEY_FILE;
  if (inline !== undefined && file !== undefined) return 'DEFAULT_DKIM_PRIVATE_KEY and DEFAULT_DKIM_PRIVATE_KEY_FILE are both set; set one';
  const hasKey = inline !== undefined || file !== undefined;
  if (!e.DEFAULT_DKIM_SELECTOR && !hasKey) return null;
  if (!e.DEFAULT_DKIM_SELECTOR) return 'DEFAULT_DKIM_PRIVATE_KEY needs DEFAULT_DKIM_SELECTOR';
  if (!hasKey) return 'DEFAULT_DKIM_SELECTOR needs DEFAULT_DKIM_PRIVATE_KEY or DEFAULT_DKIM_PRIVATE_KEY_FILE';
  let pem: string;
  if (file !== undefined) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      return `DEFAULT_DKIM_PRIVATE_KEY_FILE: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    }
  } else {
    // A PEM on one line of a .env file or a container setting, its line breaks written as \n.
    pem = inline!.replace(/\\n/g, '\n');
  }
  const name = file !== undefined ? 'DEFAULT_DKIM_PRIVATE_KEY_FILE' : 'DEFAULT_DKIM_PRIVATE_KEY';
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return `${name}: must be an RSA private key (PEM)`;
  } catch {
    // The parser's message is not repeated: it could quote part of the key.
    return `${name}: is not a PEM private key`;
  }
  return { keySelector: e.DEFAULT_DKIM_SELECTOR.toLowerCase(), privateKey: pem };
}
