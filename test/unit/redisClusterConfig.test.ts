import test from 'ava';
import { ConfigError, loadConfig } from '../../config';

test('REDIS_CLUSTER_NODES is parsed into seed nodes, IPv6 in brackets included', (t) => {
  const config = loadConfig({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b:7001,[::1]:7002 ' });
  t.deepEqual(config.redis?.clusterNodes, [
    { host: '10.0.0.1', port: 7000 },
    { host: 'redis-b', port: 7001 },
    { host: '::1', port: 7002 },
  ]);
  t.is(config.redis?.url, 'redis://10.0.0.1:7000', 'the first seed, for messages');
  t.is(config.redis?.commandTimeoutMs, 100);
});

test('REDIS_URL alone is one node', (t) => {
  t.deepEqual(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis, { url: 'redis://127.0.0.1:6379', commandTimeoutMs: 100, clusterNodes: null });
  t.is(loadConfig({}).redis, null);
});

test('a malformed REDIS_CLUSTER_NODES stops the boot, naming the variable', (t) => {
  for (const bad of ['10.0.0.1', '10.0.0.1:0', 'a:70000', 'a:1,,b', ',', 'redis://a:1', 'a:1;b:2']) {
    const error = t.throws(() => loadConfig({ REDIS_CLUSTER_NODES: bad }), { instanceOf: ConfigError }, bad);
    t.regex(error?.message ?? '', /REDIS_CLUSTER_NODES: must be host:port/, bad);
  }
});

test('REDIS_URL and REDIS_CLUSTER_NODES together stop the boot', (t) => {
  const error = t.throws(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }), { instanceOf: ConfigError });
  t.regex(error?.message ?? '', /REDIS_URL and REDIS_CLUSTER_NODES are both set/);
});
