import test from 'ava';
import { DEFAULT_USAGE_LIMITS, UsageRecorder, type UsageSample } from '../../app/services/usageRecorder';

const minute = Date.parse('2026-11-30T13:47:00.000Z');
const sample = (over: Partial<UsageSample> = {}): UsageSample => ({
  organizationId: 'org1',
  apiKeyId: 'key1',
  refused: null,
  status: 200,
  at: minute + 1000,
  method: 'GET',
  route: '/v1/health',
  path: '/v1/health',
  address: '127.0.0.1',
  userAgent: 'sdk/1',
  durationMs: 1.4,
  requestId: 'r',
  rateLimited: null,
  ...over,
});

const counts = (recorder: UsageRecorder) => {
  const batch = recorder.take();
  return {
    cells: [...batch.cells.values()].map((c) => [c.apiKeyId, new Date(c.at).toISOString().slice(11, 16), c.outcomes.accepted, c.outcomes.client_error]),
    clients: [...batch.clients.values()].map((c) => [c.apiKeyId, c.userAgent, c.requests, c.lastSeenAt - minute]),
  };
};

// The recorder remembers each key's last cell and client; these are the cases where it must not.
test('counts per key, minute and client stay exact across repeated, changing and new-batch requests', (t) => {
  const recorder = new UsageRecorder();
  recorder.record(sample());
  recorder.record(sample({ at: minute + 2000 }));
  recorder.record(sample({ status: 404, at: minute + 3000 }));
  recorder.record(sample({ userAgent: 'curl/8', at: minute + 4000 }));
  recorder.record(sample({ at: minute + 5000 })); // back to the first client
  recorder.record(sample({ apiKeyId: 'key2', at: minute + 6000 }));
  recorder.record(sample({ at: minute + 61_000 })); // the next minute
  t.deepEqual(counts(recorder), {
    cells: [
      ['key1', '13:47', 4, 1],
      ['key2', '13:47', 1, 0],
      ['key1', '13:48', 1, 0],
    ],
    clients: [
      ['key1', 'sdk/1', 5, 61_000],
      ['key1', 'curl/8', 1, 4000],
      ['key2', 'sdk/1', 1, 6000],
    ],
  });

  // A new batch starts from nothing, though the key and client are the same.
  recorder.record(sample({ at: minute + 62_000 }));
  t.deepEqual(counts(recorder), { cells: [['key1', '13:48', 1, 0]], clients: [['key1', 'sdk/1', 1, 62_000]] });
});

test('a client dropped at the bound is not remembered: its key-minute counts go on, the drops are counted', (t) => {
  const recorder = new UsageRecorder({ ...DEFAULT_USAGE_LIMITS, maxClients: 1 });
  recorder.record(sample({ apiKeyId: 'key0' }));
  recorder.record(sample());
  recorder.record(sample());
  t.is(recorder.drops.clients, 2);
  t.deepEqual(counts(recorder), {
    cells: [
      ['key0', '13:47', 1, 0],
      ['key1', '13:47', 2, 0],
    ],
    clients: [['key0', 'sdk/1', 1, 1000]],
  });
});
