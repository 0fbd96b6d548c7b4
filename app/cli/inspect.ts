import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config';
import { inspectDomain } from './commands/domain';
import { inspectKey, UsageError } from './commands/key';
import { inspectOrg } from './commands/org';
import { inspectRedis } from './commands/redis';
import type { Report } from './commands/report';
import { inspectThrottled } from './commands/throttled';
import { openContext, UnreachableError, type InspectContext } from './context';

// `npm run inspect -- <command>`: what the server sees, read from Redis and the database with the
// server's own configuration and key builder. Exit codes: 0 found, 1 the thing asked about does
// not exist (or cannot be seen in embedded mode), 2 usage or configuration error, 3 Redis or the
// database did not answer.

const USAGE = `Usage: npm run -s inspect -- <command> [--json]

  org <orgId>                  the organization's buckets, cache entry and keys, and whether it is throttled
  key <sndk_… | id | start>    a key's organization, state, cache tiers and last use ("-" reads the key from stdin)
  throttled                    organizations and client addresses over budget right now
  redis                        every key family in Redis: counts, memory, TTLs
  domain <name>                who owns a domain, its records' statuses, the last check, whether its DKIM key decrypts

Run it with the server's environment (REDIS_URL, REDIS_PREFIX, MYSQL_URL, RATE_LIMIT_*, ...).
--json prints one JSON object for scripts.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, arg, ...extra] = positionals;
  if (values.help) return print(USAGE, 0);
  const run = commandFor(command, arg === '-' ? await readStdin() : arg);
  if (!run || extra.length) return usage(command ? `unknown or incomplete command: ${command}` : 'no command given');

  const { context, close } = await openContext(loadConfig());
  try {
    const report = await run(context);
    if (values.json) process.stdout.write(`${JSON.stringify(report.json, null, 2)}\n`);
    else process.stdout.write(`${report.text}\n`);
    return report.found ? 0 : 1;
  } finally {
    await close();
  }
}

function commandFor(command: string | undefined, arg: string | undefined): ((ctx: InspectContext) => Promise<Report>) | null {
  if (command === 'org' && arg) return (ctx) => inspectOrg(ctx, arg);
  if (command === 'key' && arg) return (ctx) => inspectKey(ctx, arg);
  if (command === 'throttled' && arg === undefined) return inspectThrottled;
  if (command === 'redis' && arg === undefined) return inspectRedis;
  if (command === 'domain' && arg) return (ctx) => inspectDomain(ctx, arg);
  return null;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split('\n')[0]?.trim() ?? '';
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
    const expected = err instanceof UsageError || err instanceof ConfigError ? 2 : err instanceof UnreachableError ? 3 : null;
    // Expected failures are one line, never a stack; a usage error never repeats a secret.
    process.stderr.write(`${expected === null ? String((err as Error)?.stack ?? err) : (err as Error).message}\n`);
    process.exitCode = expected ?? 1;
  },
);
