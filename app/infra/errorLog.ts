// How errors are written to the log (pino's `err` serializer, set in container.ts createLogger).
// Database errors carry the data of the statement that failed: knex writes the statement with its
// bound values into `message` (and so into the first line of `stack`), mysql2 adds it again as
// `sql`, and some server messages quote a value (`Duplicate entry 'x' for key ...`). Those values
// are webhook secrets, password hashes and message bodies, so they are taken out here, in the one
// place every logged error passes through; knex is also told not to write them (db/knex.ts).

/** Properties that hold a statement's values: dropped whole. */
const VALUE_PROPERTIES = new Set(['sql', 'bindings', 'parameters', 'values']);
/**
 * A single-quoted literal (or an unterminated one at the end), unless it names a column, key,
 * table or the like. A plain character class loop: no backtracking over long messages.
 */
const QUOTED_VALUE = /(\b(?:column|key|table|database|field|index|constraint) )?'[^']*(?:'|$)/gi;
const MAX_CAUSES = 5;

type Serialized = Record<string, unknown>;

export function errorSerializer(err: unknown): unknown {
  return serialize(err, 0);
}

function serialize(err: unknown, depth: number): unknown {
  if (!(err instanceof Error)) return err;
  const database = isDatabaseError(err);
  const clean = (text: string) => (database ? maskValues(text) : text);
  const message = clean(err.message);
  const type = err.constructor?.name ?? 'Error';
  const out: Serialized = { type, message };
  if (typeof err.stack === 'string') out.stack = `${type}: ${message}${stackFrames(err.stack)}`;
  for (const [name, value] of Object.entries(err)) {
    if (VALUE_PROPERTIES.has(name) || name === 'cause' || name in out) continue;
    out[name] = typeof value === 'string' ? clean(value) : value;
  }
  if (err.cause !== undefined && depth < MAX_CAUSES) out.cause = serialize(err.cause, depth + 1);
  return out;
}

/** mysql2 and better-sqlite3 errors, and whatever knex wrapped around a statement. */
function isDatabaseError(err: Error): boolean {
  const fields = err as unknown as Record<string, unknown>;
  const code = fields.code;
  return (
    (typeof code === 'string' && /^(ER_|SQLITE_)/.test(code)) ||
    'sqlMessage' in fields ||
    'sql' in fields ||
    'bindings' in fields
  );
}

function maskValues(text: string): string {
  return text.replace(QUOTED_VALUE, (match, label: string | undefined) => (label ? match : "'?'"));
}

/** The `at ...` lines of a stack, without its first line (which repeats the raw message). */
function stackFrames(stack: string): string {
  const at = stack.indexOf('\n    at ');
  return at === -1 ? '' : stack.slice(at);
}
