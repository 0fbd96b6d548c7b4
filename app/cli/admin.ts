import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config';
import { openAdminContext } from './adminContext';
import { CachesNotUpdatedError, setBudget, type BudgetChange } from './commands/budget';
import { UnreachableError } from './context';

// `npm run admin -- <command>`: operator actions, made with the server's own configuration and
// services (owners cannot make them through the API). Exit codes as `npm run inspect`: 0 done,
// 1 the thing named does not exist, 2 usage or configuration error, 3 Redis or the database did
// not answer (or Redis did not take the change; the database has it).

const USAGE = `Usage: npm run -s admin -- org <orgId> budget [options] [--json]

  --points N --duration S      the request budget (/v1 and /organizations/:orgId/*): N per S seconds
  --default                    the request budget back to the server default (RATE_LIMIT_*)
  --send-points N --send-duration S
                               the send budget: N messages per S seconds
  --send-default               the send budget back to the server default (SEND_LIMIT_*)

Either part of a pair may be given alone; the other keeps its value. Prints what it changed.
Run it with the server's environment (MYSQL_URL, REDIS_URL, REDIS_PREFIX, RATE_LIMIT_*, SEND_LIMIT_*).`;

const MAX = 1_000_000_000;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        points: { type: 'string' },
        duration: { type: 'string' },
        default: { type: 'boolean' },
        'send-points': { type: 'string' },
        'send-duration': { type: 'string' },
        'send-default': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return print(USAGE, 0);
  const [scope, orgId, command, ...extra] = positionals;
  if (scope !== 'org' || !orgId || command !== 'budget' || extra.length) return usage(`unknown or incomplete command: ${positionals.join(' ') || '(none)'}`);

  const requests = change('', values.points, values.duration, values.default);
  const sends = change('send-', values['send-points'], values['send-duration'], values['send-default']);
  if (!requests && !sends) return usage('nothing to change: give --points/--duration, --default, --send-points/--send-duration or --send-default');

  const { context, close } = await openAdminContext(loadConfig());
  try {
    const report = await setBudget(context, orgId, requests, sends);
    process.stdout.write(values.json ? `${JSON.stringify(report.json, null, 2)}\n` : `${report.text}\n`);
    return report.found ? 0 : 1;
  } finally {
    await close();
  }
}

/** One family's options; null when none was given. */
function change(prefix: string, points: string | undefined, duration: string | undefined, toDefault: boolean | undefined): BudgetChange | null {
  if (toDefault && (points !== undefined || duration !== undefined)) throw new UsageError(`--${prefix}default cannot be combined with --${prefix}points or --${prefix}duration`);
  if (toDefault) return { default: true };
  if (points === undefined && duration === undefined) return null;
  return { points: count(`--${prefix}points`, points), duration: count(`--${prefix}duration`, duration) };
}

function count(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX) throw new UsageError(`${option} must be a whole number from 1 to ${MAX}, got ${JSON.stringify(raw)}`);
  return value;
}

function usage(problem: string): number {
  return print(`${problem}\n\n${USAGE}`, 2, process.stderr);
}

function print(text: string, code: number, stream: NodeJS.WritableStream = process.stdout): number {
  stream.write(`${text}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) return (process.exitCode = usage(err.message));
    const expected = err instanceof ConfigError ? 2 : err instanceof UnreachableError || err instanceof CachesNotUpdatedError ? 3 : null;
    process.stderr.write(`${expected === null ? String((err as Error)?.stack ?? err) : (err as Error).message}\n`);
    process.exitCode = expected ?? 1;
  },
);
