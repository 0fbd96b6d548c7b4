import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { BatchedLogWriter, LOG_BUFFER_BYTES, LOG_FLUSH_MS } from '../../app/infra/logDestination';

function logFile(t: { teardown(fn: () => void): void }) {
  const folder = mkdtempSync(join(tmpdir(), 'sendook-log-'));
  const path = join(folder, 'out.log');
  const fd = openSync(path, 'w');
  t.teardown(() => {
    closeSync(fd);
    rmSync(folder, { recursive: true, force: true });
  });
  return { fd, read: () => readFileSync(path, 'utf8') };
}

test('lines wait for a batch, then go out in order; flush writes the rest and calls back', async (t) => {
  const file = logFile(t);
  const writer = new BatchedLogWriter(file.fd);
  const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(200)}"}\n`);
  for (const line of lines.slice(0, 10)) writer.write(line);
  t.is(file.read(), '', 'a few lines wait in the buffer');
  for (const line of lines.slice(10)) writer.write(line);
  t.true(lines.join('').length > LOG_BUFFER_BYTES);
  await new Promise<void>((resolve, reject) => writer.flush((err) => (err ? reject(err) : resolve())));
  t.is(file.read(), lines.join(''));
});

test('a quiet logger writes its lines within LOG_FLUSH_MS', async (t) => {
  const file = logFile(t);
  const writer = new BatchedLogWriter(file.fd);
  writer.write('{"msg":"one"}\n');
  await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS * 3));
  t.is(file.read(), '{"msg":"one"}\n');
});

test('flushSync writes the waiting lines at once (the exit path)', (t) => {
  const file = logFile(t);
  const writer = new BatchedLogWriter(file.fd);
  writer.write('{"msg":"a"}\n');
  writer.write('{"msg":"b"}\n');
  writer.flushSync();
  t.is(file.read(), '{"msg":"a"}\n{"msg":"b"}\n');
});

test('long and non-ASCII lines keep their order and bytes across batches', async (t) => {
  const file = logFile(t);
  const writer = new BatchedLogWriter(file.fd);
  const lines = [
    '{"msg":"first"}\n',
    `{"msg":"${'é'.repeat(LOG_BUFFER_BYTES / 4)}"}\n`, // fits a batch only once it is empty
    '{"msg":"ünïcödé ✓ 𝄞"}\n',
    `{"msg":"${'x'.repeat(LOG_BUFFER_BYTES)}"}\n`, // longer than any batch: written on its own
    '{"msg":"last"}\n',
  ];
  for (const line of lines) writer.write(line);
  await new Promise<void>((resolve, reject) => writer.flush((err) => (err ? reject(err) : resolve())));
  t.is(file.read(), lines.join(''));
});
