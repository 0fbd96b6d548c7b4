import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { parseSecretsKey } from '../../config/schema';

/** Embedded mode's key, beside the SQLite file. */
export const SECRETS_KEY_FILE = 'secrets.key';

/**
 * The key that seals DKIM private keys: SECRETS_KEY; in embedded mode without it, the one kept in
 * the SQLite file's folder (made on first start, mode 0600, and logged); with MySQL and none set,
 * null (adding a domain then answers 503 not_configured, and the boot log says so). The key itself
 * is never logged.
 */
export function resolveSecretsKey(config: Config, logger: Logger): Buffer | null {
  if (config.secretsKey) return config.secretsKey;
  const { database } = config;
  if (database.client === 'mysql') {
    logger.warn('SECRETS_KEY is not set: adding a domain answers 503 not_configured, and DKIM keys of existing domains cannot be read. Set it to 32 random bytes (openssl rand -hex 32).');
    return null;
  }
  // An in-memory database is gone with the process, and so may be its key.
  if (database.file === ':memory:') return randomBytes(32);
  const file = embeddedKeyFile(database.file);
  const existing = readKeyFile(file);
  if (existing) return existing;
  const key = randomBytes(32);
  try {
    // `wx`: of two processes starting on one folder, the second reads the first one's key.
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
    const raced = readKeyFile(file);
    if (!raced) throw new Error(`${file} does not hold a 32-byte key`);
    return raced;
  }
  logger.info({ file }, 'created a SECRETS_KEY for DKIM keys in the data folder; back it up with the database (without it, domains cannot sign mail)');
  return key;
}

/** The key as the server has it, never making one (npm run inspect): null when there is none. */
export function existingSecretsKey(config: Config): Buffer | null {
  if (config.secretsKey) return config.secretsKey;
  const { database } = config;
  if (database.client === 'mysql' || database.file === ':memory:') return null;
  return readKeyFile(embeddedKeyFile(database.file));
}

function embeddedKeyFile(sqliteFile: string): string {
  return join(dirname(sqliteFile), SECRETS_KEY_FILE);
}

/** The key in `file`; null when there is no file. A file holding something else stops the boot. */
function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
  const key = parseSecretsKey(text);
  if (!key) throw new Error(`${file} does not hold a 32-byte key (64 hex characters); restore it or set SECRETS_KEY`);
  return key;
}
