import { startPrivateMariadb } from './privateMariadb';
import { startPrivateRedis } from './privateRedis';
import { pingMysql, pingRedis } from './probes';
import type { ServiceSpec } from './resolve';

export function mysqlSpec(envUrl: string | undefined): ServiceSpec {
  return {
    name: 'mysql',
    envVar: 'TEST_MYSQL_URL',
    envUrl,
    localUrl: 'mysql://root@127.0.0.1:3306',
    ping: pingMysql,
    startPrivate: startPrivateMariadb,
    normaliseUrl: withoutDatabase,
  };
}

export function redisSpec(envUrl: string | undefined): ServiceSpec {
  return {
    name: 'redis',
    envVar: 'TEST_REDIS_URL',
    envUrl,
    localUrl: 'redis://127.0.0.1:6379',
    ping: pingRedis,
    startPrivate: startPrivateRedis,
    normaliseUrl: (url) => url,
  };
}

/** Each test file creates its own database, so the tests get a server URL only. */
function withoutDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '';
  return parsed.toString();
}
