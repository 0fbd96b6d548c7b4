import test from 'ava';
import { rateLimitModeFor, redisMajorVersion } from '../../app/infra/redisVersion';

const info = (version: string) => `# Server\r\nredis_version:${version}\r\nredis_git_sha1:00000000\r\n`;

test('the major version is read from INFO server', (t) => {
  t.is(redisMajorVersion(info('7.0.15')), 7);
  t.is(redisMajorVersion(info('6.2.14')), 6);
  t.is(redisMajorVersion('# Server\r\n'), null);
});

test('lease mode stays on Redis 7.0 or later, and an older Redis falls back to exact with a reason', (t) => {
  t.deepEqual(rateLimitModeFor('lease', info('7.0.0')), { mode: 'lease' });
  t.deepEqual(rateLimitModeFor('lease', info('8.2.1')), { mode: 'lease' });
  const old = rateLimitModeFor('lease', info('6.2.14'));
  t.is(old.mode, 'exact');
  t.regex(old.reason!, /Redis 7\.0 or later.*6\.x/);
  t.deepEqual(rateLimitModeFor('exact', info('6.2.14')), { mode: 'exact' }, 'exact needs nothing');
  t.deepEqual(rateLimitModeFor('lease', ''), { mode: 'lease' }, 'no answer at boot: the configured mode stands');
});
