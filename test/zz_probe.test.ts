import test from 'ava';
import { createConnection } from 'mysql2/promise';
import { Redis } from 'ioredis';

test('probe: both servers answer', async (t) => {
  const mysqlUrl = process.env.SENDOOK_TEST_MYSQL_URL ?? '';
  const redisUrl = process.env.SENDOOK_TEST_REDIS_URL ?? '';
  t.log(mysqlUrl, redisUrl);
  const c = await createConnection(mysqlUrl);
  await c.query('CREATE DATABASE IF NOT EXISTS zz_probe_db');
  const [rows] = await c.query('SELECT @@version AS v, @@character_set_server AS cs, @@port AS port');
  t.log(JSON.stringify(rows));
  await c.query('DROP DATABASE zz_probe_db');
  await c.end();
  const r = new Redis(redisUrl);
  t.is(await r.set('zz_probe_key', '1', 'EX', 10), 'OK');
  await r.del('zz_probe_key');
  r.disconnect();
  t.pass();
});
