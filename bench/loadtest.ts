import { writeFileSync } from 'node:fs';
import { parseLoadtestArgs, USAGE, UsageError } from './loadtest/args';
import { WindowTally } from './loadtest/budgets';
import { drive, type LoadKey } from './loadtest/drive';
import { keysFromFile, provisionLoad, revokeLoad, type ProvisionedLoad } from './loadtest/keys';
import { buildReport, formatReport } from './loadtest/print';

/**
 * `npm run loadtest -- --url <base>`: load against any running deployment, then a check that
 * every organization's accepted requests stayed within its budget in every window. Exit code 1
 * when one did not, 2 when the load test itself failed.
 */
async function main(): Promise<number> {
  const args = parseLoadtestArgs(process.argv.slice(2));
  let provisioned: ProvisionedLoad | null = null;
  let keys: LoadKey[];
  const windows = new WindowTally();

  if (args.keysFile) {
    const fromFile = await keysFromFile(args.url, args.keysFile);
    keys = fromFile.keys;
    for (const o of fromFile.observations) windows.add(o);
    say(`${keys.length} keys from ${args.keysFile}, ${new Set(keys.map((k) => k.orgId)).size} organizations`);
  } else {
    const budget = args.budget ? `, budget ${args.budget.points} per ${args.budget.window} s each` : ", each on the deployment's default budget (--points to set another)";
    say(`provisioning ${args.orgs} organizations and ${args.keys} keys on ${args.url}${budget}`);
    provisioned = await provisionLoad(args.url, args.orgs, args.keys, args.budget);
    keys = provisioned.keys;
    say(`registered ${provisioned.account.email}`);
  }

  try {
    say(`load: GET /v1/health for ${args.durationSeconds} s over ${args.connections} connections${args.rate ? ` at ${args.rate} req/s` : ''}${args.urls.length > 1 ? ` spread over ${args.urls.length} instances` : ''}`);
    const live = process.stderr.isTTY;
    let ticks = 0;
    const run = await drive(args.urls, keys, { seconds: args.durationSeconds, connections: args.connections, rate: args.rate }, (line) => {
      if (live) process.stderr.write(`\r\x1b[2K${line}`);
      else if (++ticks % 5 === 0) say(line); // a log file gets a line every 5 s, not a redrawn one
    }, windows);
    if (live) process.stderr.write('\n');
    const budgets = windows.report(run.latency.max);
    const source = args.keysFile ? 'the keys\' organizations\' own' : args.budget ? 'set on the provisioned organizations by --points/--window' : "the deployment's default";
    const report = buildReport(args.url, args.connections, run, budgets, source);
    console.log(formatReport(report));
    if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
    return budgets.overAdmitted > 0 ? 1 : 0;
  } finally {
    if (provisioned && !args.keep) {
      const load = provisioned;
      await revokeLoad(args.url, load).then(
        () => say(`revoked the ${load.keys.length} provisioned keys (the organizations of ${load.account.email} remain)`),
        (err: Error) => say(`could not revoke every provisioned key: ${err.message}`),
      );
    }
  }
}

function say(line: string): void {
  process.stderr.write(`[loadtest] ${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      if (err.message) console.error(err.message);
      console.error(USAGE);
    } else console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
