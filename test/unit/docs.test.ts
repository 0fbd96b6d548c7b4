import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { envSchema } from '../../config/schema';

// The documentation checks itself: the settings table cannot drift from the schema, no file
// speaks of tracker numbers, the history of the work or sections of a document outside the
// repository (all things a reader cannot look up), and links lead somewhere.
// Pure file reads (and one `git ls-files`), so it runs in well under a second.

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const schemaKeys = Object.keys(envSchema.shape).sort();

/** Backticked variable names in the first cell of every table whose first header is "variable". */
function documentedVariables(markdown: string): string[] {
  const names = new Set<string>();
  let inSettingsTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inSettingsTable = false;
      continue;
    }
    const firstCell = line.split('|')[1]?.trim() ?? '';
    if (/^variables?$/i.test(firstCell)) inSettingsTable = true;
    if (!inSettingsTable) continue;
    for (const [, name] of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name!);
  }
  return [...names].sort();
}

/** Variables set or shown commented out (`# NAME=value`) in .env.example. */
function exampleVariables(text: string): string[] {
  const names = new Set<string>();
  for (const [, name] of text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)) names.add(name!);
  return [...names].sort();
}

const missingFrom = (wanted: string[], present: string[]) => wanted.filter((name) => !present.includes(name));

test('docs/configuration.md documents every variable of the env schema, and no other', (t) => {
  const documented = documentedVariables(read('docs/configuration.md'));
  t.deepEqual(missingFrom(schemaKeys, documented), [], 'in config/schema.ts but not in the table of docs/configuration.md');
  t.deepEqual(missingFrom(documented, schemaKeys), [], 'in the table of docs/configuration.md but not in config/schema.ts');
});

test('.env.example shows every variable of the env schema, and no other', (t) => {
  const shown = exampleVariables(read('.env.example'));
  t.deepEqual(missingFrom(schemaKeys, shown), [], 'in config/schema.ts but not in .env.example (a commented line is enough)');
  t.deepEqual(missingFrom(shown, schemaKeys), [], 'in .env.example but not in config/schema.ts');
});

test('the table and .env.example readers find what they should (so the checks above can fail)', (t) => {
  const table = ['| variable | meaning | default |', '| --- | --- | --- |', '| `PORT`, `HOST` | where | `8006` |', '', '| metric | labels |', '| `NOT_A_SETTING` | x |'].join('\n');
  t.deepEqual(documentedVariables(table), ['HOST', 'PORT']);
  t.deepEqual(exampleVariables('# A comment about PORT\nPORT=8006\n# MYSQL_URL=mysql://x\n#   LOG_PRETTY=true\n'), ['LOG_PRETTY', 'MYSQL_URL', 'PORT']);
});

// A tracker item's number, the history of the work (which sitting or numbered pass of the work
// did something), or a numbered section of a document outside the repository: a reader cannot
// look any of them up; say the behaviour, or link the page of docs/ that covers it (the flagged
// samples below show each form). Legitimate uses stay
// legal: an SMTP or browser session, sessionStorage, a session cookie, bcrypt rounds, a round
// trip, the rounds of a head-to-head measurement.
const SESSION_NOUN_AFTER = '(?!\\s+(?:cookies?|storage|tokens?|state|ids?|keys?|objects?|store|data|timeouts?|tickets?)\\b)';
const WORK_HISTORY: RegExp[] = [
  /\bissues?[\s-]*#?\d+/i,
  new RegExp(
    `\\b(?:this|that|previous|last|next|earlier|later|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\\d+(?:st|nd|rd|th))\\s+(?:work(?:ing)?\\s+|coding\\s+)?sessions?(?:'s|s')?\\b${SESSION_NOUN_AFTER}`,
    'i',
  ),
  /\b(?:work(?:ing)?|coding)\s+sessions?\b/i,
  /\bsessions?\s+#?\d+\b/i,
  /\bround\s+#?\d+\b/i,
  /\brounds?\s+of\s+(?:work|changes|fixes|reviews?|development)\b/i,
  /\b(?:this|previous|last|next|earlier|later|second|third|fourth|fifth)\s+round(?:'s)?(?=\s*[:;,.)]|\s*$)/im,
  /\bcontract\s+sections?\s+\d/i,
];

interface Hit {
  file: string;
  line: number;
  text: string;
}

function workHistoryHits(file: string, text: string): Hit[] {
  const hits: Hit[] = [];
  text.split('\n').forEach((line, index) => {
    if (WORK_HISTORY.some((pattern) => pattern.test(line))) hits.push({ file, line: index + 1, text: line.trim().slice(0, 160) });
  });
  return hits;
}

test('the work-history patterns flag tracker numbers and the history of the work, and leave other senses alone', (t) => {
  // Braces break each sample's words apart, so this file passes the same scan of the repository.
  const flagged = [
    'See {issue} 12 for the targets.',
    '{Issue} #7: the Redis client',
    'the other {issue}-13 items',
    '// Hardening ({issue} 13): proxies',
    'Measuring two servers at once (third {session})',
    "on the second {session}'s machine",
    'this {session}, the numbers moved',
    'before the previous {session}',
    '{session} 3 measured it',
    '{round} 2: the lease mode',
    'this {round} of work: 57 µs',
    'a rewrite in the third {round}.',
    '// Fail open ({Contract section} 7), as exact mode does.',
    'Receiving mail with MySQL down ({CONTRACT SECTIONS} 7 and 9)',
  ];
  const legitimate = [
    'kept in the tab\'s `sessionStorage`',
    'never in a session cookie',
    'onData(stream, session, callback)',
    'const first = await session(main.port);',
    'Detached: its own session, so Ctrl-C does not stop it',
    'a lost session goes back to login',
    'head-to-head rounds over five pairs, four rounds per pair',
    'without 20 rounds of bcrypt',
    '4 rounds of 25 keys',
    'one Redis round trip per request',
    'issues a token',
    'the first round of each pair is discarded',
  ];
  for (const sample of flagged) {
    const line = sample.replace(/[{}]/g, '');
    t.is(workHistoryHits('x', line).length, 1, line);
  }
  for (const line of legitimate) t.is(workHistoryHits('x', line).length, 0, line);
});

/** Tracked text files, less the lock file and build output. */
function trackedTextFiles(): string[] {
  const listing = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return listing
    .split('\0')
    .filter((file) => file !== '' && file !== 'package-lock.json' && !file.startsWith('dist/'))
    .filter((file) => existsSync(join(ROOT, file)))
    .filter((file) => !readFileSync(join(ROOT, file)).subarray(0, 8000).includes(0));
}

test('no tracked file names a tracker number or the history of the work', (t) => {
  const hits = trackedTextFiles().flatMap((file) => workHistoryHits(file, read(file)));
  t.deepEqual(
    hits.map((hit) => `${hit.file}:${hit.line}: ${hit.text}`),
    [],
    'say the behaviour or the reason instead (git log holds the history)',
  );
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

test('relative links in README, CHANGELOG and docs/ lead to files and headings that exist', (t) => {
  const pages = ['README.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const page of pages) {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [path, anchor] = target!.split('#');
      const file = path ? resolve(ROOT, dirname(page), path) : join(ROOT, page);
      if (!existsSync(file)) {
        broken.push(`${page}: ${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchorsIn(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  t.deepEqual(broken, []);
});

test('the README links every page of docs/, so a newcomer finds each from the front door', (t) => {
  const readme = read('README.md');
  const pages = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  t.deepEqual(pages.filter((page) => !readme.includes(`](docs/${page})`)), []);
});

test('the anchor reader follows GitHub (so the link check above can fail)', (t) => {
  const anchors = anchorsIn('# Title\n## `npm run admin`: operator actions\n```\n# not a heading\n```\n## Title\n## Leased budgets (lease mode)\n');
  t.deepEqual([...anchors], ['title', 'npm-run-admin-operator-actions', 'title-1', 'leased-budgets-lease-mode']);
});
