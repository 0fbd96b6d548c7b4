import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Cleanup } from './cleanup';
import { findExecutable, freePort, runToCompletion, startProcess, temporaryFolder } from './processes';
import { pingMysql, waitUntilAnswers } from './probes';
import type { ChosenService } from './types';

const START_TIMEOUT_MS = 60_000;

/**
 * Starts a throwaway MariaDB (root, empty password) in a temp folder on a free
 * port. Returns undefined when the binaries are not installed; throws when they
 * are but the server does not come up.
 */
export async function startPrivateMariadb(cleanup: Cleanup): Promise<ChosenService | undefined> {
  const server = findExecutable('mariadbd') ?? findExecutable('mysqld');
  const installDb = findExecutable('mariadb-install-db') ?? findExecutable('mysql_install_db');
  if (!server || !installDb) return undefined;

  const dir = await mkdtemp(join(tmpdir(), 'sendook-test-mariadb-'));
  const releases = [cleanup.add(temporaryFolder(dir))];
  const dataDir = join(dir, 'data');
  try {
    // --no-defaults everywhere: the machine's my.cnf points at the system datadir and port.
    const installArgs = ['--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db', `--datadir=${dataDir}`, ...runAsSelf()];
    await runToCompletion(cleanup, installDb, installArgs, join(dir, 'install.log'), START_TIMEOUT_MS);
    const port = await freePort();
    const daemon = startProcess(server, serverArgs(dir, dataDir, port), join(dir, 'mariadbd.log'));
    releases.unshift(cleanup.add(daemon));
    const url = `mysql://root@127.0.0.1:${port}`;
    await waitUntilAnswers(() => pingMysql(url), { timeoutMs: START_TIMEOUT_MS, abortReason: daemon.exitReason });
    return { url, label: `private ${basename(server)} on 127.0.0.1:${port}` };
  } catch (error) {
    // Undo now (server first, then its folder) so the next source starts clean.
    for (const release of releases) await release();
    throw error;
  }
}

function serverArgs(dir: string, dataDir: string, port: number): string[] {
  return [
    '--no-defaults',
    ...runAsSelf(),
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'mysql.sock')}`,
    `--pid-file=${join(dir, 'mariadbd.pid')}`,
    // Without a my.cnf MariaDB defaults to latin1; match Debian's packaged server.
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    '--skip-name-resolve',
    // The data is deleted after the run, so durability is not worth the fsyncs.
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
  ];
}

/** mariadbd refuses to run as root unless told to; other users need no flag. */
function runAsSelf(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}
